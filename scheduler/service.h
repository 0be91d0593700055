// SchedulerService: joule.v1.Scheduler over the gRPC callback API. It only
// translates: validation and conversion (proto_convert.h), then the
// Scheduler. No reactor blocks: Submit enqueues and finishes when the job's
// DoneCallback runs; a cancelled call cancels its job.
//
// Thread-safe.
#ifndef JOULE_SCHEDULER_SERVICE_H_
#define JOULE_SCHEDULER_SERVICE_H_

#include <vector>

#include "core/clock.h"
#include "devices/device.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "scheduler/model_registry.h"
#include "scheduler/scheduler.h"

namespace joule {

// Trailing metadata key carrying the job id on every Submit that got one.
inline constexpr char kJobIdMetadataKey[] = "joule-job-id";

class SchedulerService final : public v1::Scheduler::CallbackService {
 public:
  // All arguments outlive the service.
  SchedulerService(Scheduler* scheduler, const ModelRegistry* models,
                   Clock* clock);

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx,
                                   const v1::SubmitRequest* req,
                                   v1::JobResult* resp) override;
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* ctx,
                                   const v1::GetJobRequest* req,
                                   v1::JobResult* resp) override;
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* ctx,
                                      const v1::CancelJobRequest* req,
                                      v1::CancelJobResponse* resp) override;
  grpc::ServerUnaryReactor* ListDevices(
      grpc::CallbackServerContext* ctx, const v1::ListDevicesRequest* req,
      v1::ListDevicesResponse* resp) override;

 private:
  Scheduler* const scheduler_;
  const ModelRegistry* const models_;
  Clock* const clock_;
};

// Fills `out` with every device's live status.
void DevicesToProto(const std::vector<Scheduler::DeviceLoad>& loads,
                    v1::ListDevicesResponse* out);

}  // namespace joule

#endif  // JOULE_SCHEDULER_SERVICE_H_
