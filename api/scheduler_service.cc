#include "api/scheduler_service.h"

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"
#include "api/proto_convert.h"
#include "api/worker_call.h"
#include "google/protobuf/arena.h"

namespace joule {
namespace {

// One Submit call whose job was accepted. Created before the job is
// enqueued, since the job's DoneCallback needs somewhere to land: it may run
// inside Scheduler::Enqueue (a zero-time job completed inline), on another
// thread before Enqueue returns, or any time later.
//
// If the job has ended by the time Begin() runs, the call is settled: Begin
// finishes it through ctx->DefaultReactor() and deletes this object, which
// gRPC never sees. gRPC runs a default reactor's OnDone inline, where a
// custom reactor's OnDone goes through an executor thread (a thread hand-off
// per call, for nothing to do). Otherwise Begin returns this object as the
// call's reactor, so that a client's cancellation (OnCancel) cancels the
// job, and the DoneCallback finishes the call.
//
// The DoneCallback and Begin() race on one atomic: whichever comes second
// finishes the call, the DoneCallback having written the response first.
class SubmitReactor final : public grpc::ServerUnaryReactor {
 public:
  SubmitReactor(Scheduler* scheduler, v1::JobResult* resp)
      : scheduler_(scheduler), resp_(resp) {}

  // The DoneCallback. Runs once, on any thread.
  void OnJobDone(JobInfo&& info) {
    if (info.state != JobState::kCompleted) status_ = ToGrpcStatus(info.error);
    JobInfoToProto(std::move(info), resp_);
    const int before = state_.fetch_or(kDone, std::memory_order_acq_rel);
    // Not begun: Begin() finishes the call (and may delete this at once).
    if (before & kBegun) Finish(status_);
  }

  // Called once the job was accepted as `id`. Returns the call's reactor.
  grpc::ServerUnaryReactor* Begin(grpc::CallbackServerContext* ctx, JobId id) {
    id_ = id;
    const int before = state_.fetch_or(kBegun, std::memory_order_acq_rel);
    if (!(before & kDone)) return this;  // OnJobDone finishes it
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    r->Finish(std::move(status_));
    delete this;
    return r;
  }

  // Only once Begin() returned this: gRPC calls it on the bound reactor.
  void OnCancel() override {
    // The job's DoneCallback then finishes the call as CANCELLED (or as what
    // it ended with, if it is ending right now).
    scheduler_->Cancel(id_).IgnoreError();
  }

  void OnDone() override { delete this; }

 private:
  static constexpr int kBegun = 1;
  static constexpr int kDone = 2;

  Scheduler* const scheduler_;
  v1::JobResult* const resp_;
  JobId id_ = 0;  // written by Begin() before it publishes kBegun
  // Written by OnJobDone() before it publishes kDone.
  grpc::Status status_;
  std::atomic<int> state_{0};
};

// One Submit call's messages, on an arena whose first block is this object.
// 4 KiB holds a request with a cost and a JobResult with a few candidates
// and its explanation (about 2 KiB); larger ones (tensors, many devices)
// grow the arena with blocks of its own.
//
// Shared ownership (docs/ARCHITECTURE.md, "Tensor bytes"): the job's input
// tensors borrow the request's bytes and hold KeepAlive(); gRPC holds the
// holder from AllocateMessages() until Release(), once the call is over.
// Whichever lets go last destroys it (usually gRPC; an executor still
// holding a job's inputs after the call ended, e.g. in its queue, keeps it
// a little longer).
class SubmitArenaHolder final
    : public grpc::MessageHolder<v1::SubmitRequest, v1::JobResult> {
 public:
  // One allocation, as `new` was: the control block sits beside the object.
  static SubmitArenaHolder* Create() {
    auto holder = std::make_shared<SubmitArenaHolder>();
    holder->self_ = holder;
    return holder.get();
  }
  SubmitArenaHolder() : arena_(Options(block_)) {
    set_request(
        google::protobuf::Arena::CreateMessage<v1::SubmitRequest>(&arena_));
    set_response(
        google::protobuf::Arena::CreateMessage<v1::JobResult>(&arena_));
  }
  // Keeps the messages alive. Called by Submit, which gRPC runs before it
  // can call Release().
  std::shared_ptr<const void> KeepAlive() const { return self_; }
  // gRPC's reference; the holder may be destroyed here.
  void Release() override {
    std::shared_ptr<SubmitArenaHolder> last = std::move(self_);
  }

 private:
  static constexpr size_t kBlockBytes = 4096;
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block;
    o.initial_block_size = kBlockBytes;
    return o;
  }

  alignas(16) char block_[kBlockBytes];
  google::protobuf::Arena arena_;  // after block_: destroyed before it
  std::shared_ptr<SubmitArenaHolder> self_;  // gRPC's, until Release()
};

absl::StatusOr<JobId> ParseJobId(const std::string& s) {
  JobId id;
  if (!absl::SimpleAtoi(s, &id) || id == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("job_id: '", s, "' is not a job id"));
  }
  return id;
}

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* ctx,
                                    const absl::Status& s) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(ToGrpcStatus(s));
  return r;
}

}  // namespace

grpc::MessageHolder<v1::SubmitRequest, v1::JobResult>*
SubmitArenaAllocator::AllocateMessages() {
  return SubmitArenaHolder::Create();
}

SchedulerService::SchedulerService(Scheduler* scheduler, ModelRegistry* models,
                                   Clock* clock, WorkQueue* worker)
    : scheduler_(scheduler), models_(models), clock_(clock), worker_(worker) {
  SetMessageAllocatorFor_Submit(&submit_allocator_);
}

grpc::ServerUnaryReactor* SchedulerService::Submit(
    grpc::CallbackServerContext* ctx, const v1::SubmitRequest* req,
    v1::JobResult* resp) {
  const TimePoint now = clock_->Now();
  std::optional<TimePoint> rpc_deadline;
  const auto wall_deadline = ctx->deadline();
  if (wall_deadline != std::chrono::system_clock::time_point::max()) {
    rpc_deadline = now + std::chrono::duration_cast<Duration>(
                             wall_deadline - std::chrono::system_clock::now());
  }
  // The messages come from SubmitArenaAllocator (set in the constructor),
  // so the job's inputs can borrow the request's bytes.
  auto* holder = static_cast<SubmitArenaHolder*>(
      static_cast<grpc::MessageHolder<v1::SubmitRequest, v1::JobResult>*>(
          ctx->GetRpcAllocatorState()));
  InputShapes to_analyse;
  absl::StatusOr<JobSpec> spec = SpecFromProto(
      *req, *models_, now, rpc_deadline, &to_analyse, holder->KeepAlive());
  if (!spec.ok()) return FinishNow(ctx, spec.status());
  if (!to_analyse.empty()) AnalyzeLater(spec->model, std::move(to_analyse));
  if (spec->dry_run) {
    absl::StatusOr<JobInfo> info =
        scheduler_->Submit(*std::move(spec), nullptr);
    if (!info.ok()) return FinishNow(ctx, info.status());
    JobInfoToProto(*std::move(info), resp);
    resp->set_dry_run(true);
    return FinishNow(ctx, absl::OkStatus());
  }
  auto* reactor = new SubmitReactor(scheduler_, resp);
  JobId id = 0;
  absl::Status s = scheduler_->Enqueue(
      *std::move(spec),
      [reactor](JobInfo&& info) { reactor->OnJobDone(std::move(info)); }, &id);
  if (id) ctx->AddTrailingMetadata(kJobIdMetadataKey, absl::StrCat(id));
  if (!s.ok()) {
    delete reactor;  // a rejected job's DoneCallback never runs
    return FinishNow(ctx, s);
  }
  return reactor->Begin(ctx, id);
}

grpc::ServerUnaryReactor* SchedulerService::GetJob(
    grpc::CallbackServerContext* ctx, const v1::GetJobRequest* req,
    v1::JobResult* resp) {
  absl::StatusOr<JobId> id = ParseJobId(req->job_id());
  if (!id.ok()) return FinishNow(ctx, id.status());
  absl::StatusOr<JobInfo> info = scheduler_->GetJob(*id);
  if (!info.ok()) return FinishNow(ctx, info.status());
  JobInfoToProto(*std::move(info), resp);
  return FinishNow(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* SchedulerService::CancelJob(
    grpc::CallbackServerContext* ctx, const v1::CancelJobRequest* req,
    v1::CancelJobResponse* resp) {
  absl::StatusOr<JobId> id = ParseJobId(req->job_id());
  if (!id.ok()) return FinishNow(ctx, id.status());
  absl::StatusOr<JobState> state = scheduler_->Cancel(*id);
  if (!state.ok()) return FinishNow(ctx, state.status());
  resp->set_state(ToProto(*state));
  return FinishNow(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* SchedulerService::ListDevices(
    grpc::CallbackServerContext* ctx, const v1::ListDevicesRequest*,
    v1::ListDevicesResponse* resp) {
  DevicesToProto(scheduler_->Loads(), resp);
  return FinishNow(ctx, absl::OkStatus());
}

void SchedulerService::AnalyzeLater(const std::string& model,
                                    InputShapes shapes) {
  if (!models_->ClaimShapeAnalysis(model, shapes)) return;
  ModelRegistry* models = models_;
  const bool queued = worker_->TryPost(
      [models, model, shapes] { models->AnalyzeShapes(model, shapes); });
  // A full queue: later jobs of this shape keep the estimate, and one of
  // them claims the analysis again.
  if (!queued) models_->ReleaseShapeAnalysis(model, shapes);
}

std::vector<const DeviceSpec*> SchedulerService::DeviceSpecs() const {
  std::vector<const DeviceSpec*> specs;
  for (const Scheduler::DeviceLoad& load : scheduler_->Loads()) {
    specs.push_back(&load.device->spec());
  }
  return specs;
}

grpc::ServerUnaryReactor* SchedulerService::RegisterModel(
    grpc::CallbackServerContext* ctx, const v1::RegisterModelRequest* req,
    v1::ModelInfo* resp) {
  return FinishOnWorker(worker_, ctx, [this, req, resp] {
    absl::StatusOr<InputShapes> shapes = InputShapesFromProto(*req);
    if (!shapes.ok()) return shapes.status();
    ModelSource source;
    switch (req->source_case()) {
      case v1::RegisterModelRequest::kPath:
        source.path = req->path();
        if (source.path.empty()) {
          return absl::InvalidArgumentError("path: empty");
        }
        break;
      case v1::RegisterModelRequest::kOnnx:
        source.bytes = req->onnx();
        if (source.bytes.empty()) {
          return absl::InvalidArgumentError("onnx: empty");
        }
        break;
      default:
        return absl::InvalidArgumentError("source: set either path or onnx");
    }
    // Registered as loading: jobs naming it are refused UNAVAILABLE until
    // the executors have loaded (and warmed) it.
    absl::StatusOr<RegisteredModel> model =
        models_->RegisterOnnx(req->name(), source, *shapes, /*loading=*/true);
    if (!model.ok()) return model.status();
    ModelRegistered(*model);
    models_->MarkLoaded(model->name);
    model->loading = false;
    ModelInfoToProto(*model, DeviceSpecs(), resp);
    MarkUnsupported(resp);
    return absl::OkStatus();
  });
}

void SchedulerService::ModelRegistered(const RegisteredModel& model) {
  if (!hooks_.on_register) return;
  absl::Status s = hooks_.on_register(model);
  absl::MutexLock l(&mu_);
  if (s.ok()) {
    load_errors_.erase(model.name);
  } else {
    load_errors_[model.name] = std::string(s.message());
  }
}

void SchedulerService::MarkUnsupported(v1::ModelInfo* info) {
  std::string why;
  {
    absl::MutexLock l(&mu_);
    auto it = load_errors_.find(info->name());
    if (it != load_errors_.end()) why = it->second;
  }
  std::map<std::string, const Device*> by_name;
  for (const Scheduler::DeviceLoad& l : scheduler_->Loads()) {
    by_name[l.device->name()] = l.device;
  }
  for (v1::ModelDeviceInfo& d : *info->mutable_devices()) {
    auto it = by_name.find(d.device());
    if (it == by_name.end() ||
        it->second->executor_const().SupportsModel(info->name())) {
      continue;
    }
    d.set_supported(false);
    d.set_reason(why.empty() ? "its executor cannot run this model" : why);
  }
}

grpc::ServerUnaryReactor* SchedulerService::ListModels(
    grpc::CallbackServerContext* ctx, const v1::ListModelsRequest*,
    v1::ListModelsResponse* resp) {
  const std::vector<const DeviceSpec*> specs = DeviceSpecs();
  for (const RegisteredModel& m : models_->List()) {
    v1::ModelInfo* info = resp->add_models();
    ModelInfoToProto(m, specs, info);
    MarkUnsupported(info);
  }
  return FinishNow(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* SchedulerService::UnloadModel(
    grpc::CallbackServerContext* ctx, const v1::UnloadModelRequest* req,
    v1::UnloadModelResponse*) {
  return FinishOnWorker(worker_, ctx, [this, req] {
    absl::Status s = models_->Unload(req->name());
    if (s.ok()) {
      if (hooks_.on_unload) hooks_.on_unload(req->name());
      scheduler_->ForgetModel(req->name());
      absl::MutexLock l(&mu_);
      load_errors_.erase(req->name());
    }
    return s;
  });
}

void DevicesToProto(const std::vector<Scheduler::DeviceLoad>& loads,
                    v1::ListDevicesResponse* out) {
  for (const Scheduler::DeviceLoad& load : loads) {
    Device& d = *load.device;
    const DeviceState st = d.state();
    v1::DeviceStatus* s = out->add_devices();
    s->set_name(d.name());
    s->set_kind(ToProto(d.spec().kind));
    s->set_pstate(st.pstate);
    s->set_pstate_count(static_cast<int>(d.spec().pstates.size()));
    s->set_pstate_cap(st.pstate_cap);
    s->set_freq_khz(d.spec().pstates[st.pstate].freq_khz);
    s->set_temperature_c(st.last_reading.temp_mc / 1000.0);
    s->set_power_w(st.last_reading.power_w);
    s->set_utilization(st.last_reading.utilization);
    s->set_energy_j(st.last_reading.energy_j);
    s->set_queue_depth(static_cast<uint32_t>(load.queued));
    s->set_backlog_s(load.backlog_s);
    s->set_throttled(st.throttled);
    s->set_critical(st.critical);
    s->set_simulated(d.simulated());
    s->set_backend(d.sensor().backend());
    s->set_executor(d.executor_note());
  }
}

}  // namespace joule
