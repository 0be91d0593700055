// SchedulerService: joule.v1.Scheduler over the gRPC callback API. It only
// translates: validation and conversion (proto_convert.h), then the
// Scheduler. No reactor blocks: Submit enqueues and finishes when the job's
// DoneCallback runs; a cancelled call cancels its job. A Submit already
// settled when the Scheduler returns (invalid, rejected, a dry run, or a
// job completed inline) ends on the handling thread, through gRPC's default
// reactor; only a job still pending gets a reactor of its own (to hear the
// client cancel). Each Submit's request and response live on a protobuf
// arena (SubmitArenaAllocator), so building the JobResult does not go to
// malloc for every string and candidate.
//
// A Submit whose input shapes have not been analysed for its model is
// placed at once with an estimate (ModelRegistry::CostFor), and the exact
// analysis of those shapes is posted to the same WorkQueue (at most one per
// shape set; none when the queue is full), never run on the reactor.
//
// RegisterModel / ListModels / UnloadModel manage the ModelRegistry.
// RegisterModel and UnloadModel run on the daemon's WorkQueue (api/
// worker_call.h), never on a reactor thread: registering reads a file,
// analyses the graph (shape inference in a child process) and loads the
// model into executors, which takes seconds for a large model. A full queue
// answers RESOURCE_EXHAUSTED. Codes: INVALID_ARGUMENT for a
// bad name, shape, path or model (the message names the field or node),
// FAILED_PRECONDITION for a path with no model directory configured,
// ALREADY_EXISTS for a name in use (unload it first), NOT_FOUND for
// unloading an unknown name.
//
// Thread-safe.
#ifndef JOULE_API_SCHEDULER_SERVICE_H_
#define JOULE_API_SCHEDULER_SERVICE_H_

#include <functional>
#include <map>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "core/work_queue.h"
#include "devices/device.h"
#include "grpcpp/support/message_allocator.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "models/model_registry.h"
#include "scheduler/scheduler.h"

namespace joule {

// Trailing metadata key carrying the job id on every Submit that got one.
inline constexpr char kJobIdMetadataKey[] = "joule-job-id";

// What the daemon does when models come and go: load them into executors
// that run models for real (and forget what was learnt about them).
struct ModelHooks {
  // After a registration; a non-OK status says why some device's executor
  // cannot run the model (the model stays registered, placed elsewhere).
  std::function<absl::Status(const RegisteredModel&)> on_register;
  std::function<void(const std::string&)> on_unload;
};

// Gives each Submit call a protobuf Arena (its first block inside the
// per-call holder) for its request and response: one allocation per call
// where heap-allocated messages take one per string field, sub-message and
// repeated field (about 20 for a JobResult with three candidates).
// Thread-safe (stateless).
class SubmitArenaAllocator final
    : public grpc::MessageAllocator<v1::SubmitRequest, v1::JobResult> {
 public:
  grpc::MessageHolder<v1::SubmitRequest, v1::JobResult>* AllocateMessages()
      override;
};

class SchedulerService final : public v1::Scheduler::CallbackService {
 public:
  // All arguments outlive the service. `worker` runs RegisterModel and
  // UnloadModel.
  SchedulerService(Scheduler* scheduler, ModelRegistry* models, Clock* clock,
                   WorkQueue* worker);
  // Call before serving.
  void SetModelHooks(ModelHooks hooks) { hooks_ = std::move(hooks); }
  // Runs the on_register hook for a model registered outside an RPC (the
  // policy's preloads).
  void ModelRegistered(const RegisteredModel& model);

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx,
                                   const v1::SubmitRequest* req,
                                   v1::JobResult* resp) override;
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* ctx,
                                   const v1::GetJobRequest* req,
                                   v1::JobResult* resp) override;
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* ctx,
                                      const v1::CancelJobRequest* req,
                                      v1::CancelJobResponse* resp) override;
  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* ctx,
                                        const v1::ListDevicesRequest* req,
                                        v1::ListDevicesResponse* resp) override;
  grpc::ServerUnaryReactor* RegisterModel(grpc::CallbackServerContext* ctx,
                                          const v1::RegisterModelRequest* req,
                                          v1::ModelInfo* resp) override;
  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* ctx,
                                       const v1::ListModelsRequest* req,
                                       v1::ListModelsResponse* resp) override;
  grpc::ServerUnaryReactor* UnloadModel(grpc::CallbackServerContext* ctx,
                                        const v1::UnloadModelRequest* req,
                                        v1::UnloadModelResponse* resp) override;

 private:
  std::vector<const DeviceSpec*> DeviceSpecs() const;
  // Posts the analysis of `model` at `shapes` to the worker, once.
  void AnalyzeLater(const std::string& model, InputShapes shapes);
  // Marks the devices whose executor cannot run the model, with the reason.
  void MarkUnsupported(v1::ModelInfo* info);

  SubmitArenaAllocator submit_allocator_;
  Scheduler* const scheduler_;
  ModelRegistry* const models_;
  Clock* const clock_;
  WorkQueue* const worker_;
  ModelHooks hooks_;
  absl::Mutex mu_;
  // Why a model could not be loaded somewhere, by model name.
  std::map<std::string, std::string> load_errors_ ABSL_GUARDED_BY(mu_);
};

// Fills `out` with every device's live status.
void DevicesToProto(const std::vector<Scheduler::DeviceLoad>& loads,
                    v1::ListDevicesResponse* out);

}  // namespace joule

#endif  // JOULE_API_SCHEDULER_SERVICE_H_
