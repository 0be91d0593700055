#include "scheduler/service.h"

#include <mutex>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "scheduler/grpc_status.h"
#include "scheduler/proto_convert.h"

namespace joule {
namespace {

// One Submit call. Lives until OnDone. The job's DoneCallback may run before
// Begin() returns, and OnCancel() may come at any time, so Finish() is
// called exactly once, by whichever of them settles the call last.
class SubmitReactor final : public grpc::ServerUnaryReactor {
 public:
  SubmitReactor(Scheduler* scheduler, grpc::CallbackServerContext* ctx,
                v1::JobResult* resp)
      : scheduler_(scheduler), ctx_(ctx), resp_(resp) {}

  void Begin(absl::StatusOr<JobSpec> spec) {
    if (!spec.ok()) {
      Finish(ToGrpcStatus(spec.status()));
      return;
    }
    JobId id = 0;
    absl::StatusOr<JobInfo> info = scheduler_->Submit(
        *spec, [this](const JobInfo& done) { OnJobDone(done); }, &id);
    if (id) ctx_->AddTrailingMetadata(kJobIdMetadataKey, absl::StrCat(id));
    if (!info.ok()) {
      Finish(ToGrpcStatus(info.status()));
      return;
    }
    if (spec->dry_run) {
      JobInfoToProto(*info, resp_);
      resp_->set_dry_run(true);
      Finish(grpc::Status::OK);
      return;
    }
    std::optional<JobInfo> done;
    bool cancel = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      id_ = id;
      begun_ = true;
      done = std::move(early_done_);
      cancel = cancelled_ && !done;
    }
    if (done) {
      FinishWith(*done);
    } else if (cancel) {
      scheduler_->Cancel(id).IgnoreError();
    }
  }

  void OnCancel() override {
    JobId id = 0;
    {
      std::lock_guard<std::mutex> l(mu_);
      cancelled_ = true;
      if (begun_) id = id_;
    }
    // The job's DoneCallback then finishes the call as CANCELLED.
    if (id) scheduler_->Cancel(id).IgnoreError();
  }

  void OnDone() override { delete this; }

 private:
  void OnJobDone(const JobInfo& info) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!begun_) {
        early_done_ = info;
        return;
      }
    }
    FinishWith(info);
  }

  void FinishWith(const JobInfo& info) {
    JobInfoToProto(info, resp_);
    Finish(info.state == JobState::kCompleted ? grpc::Status::OK
                                              : ToGrpcStatus(info.error));
  }

  Scheduler* const scheduler_;
  grpc::CallbackServerContext* const ctx_;
  v1::JobResult* const resp_;
  std::mutex mu_;
  JobId id_ = 0;
  bool begun_ = false;
  bool cancelled_ = false;
  std::optional<JobInfo> early_done_;
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

SchedulerService::SchedulerService(Scheduler* scheduler, ModelRegistry* models,
                                   Clock* clock)
    : scheduler_(scheduler), models_(models), clock_(clock) {}

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
  auto* reactor = new SubmitReactor(scheduler_, ctx, resp);
  reactor->Begin(SpecFromProto(*req, *models_, now, rpc_deadline));
  return reactor;
}

grpc::ServerUnaryReactor* SchedulerService::GetJob(
    grpc::CallbackServerContext* ctx, const v1::GetJobRequest* req,
    v1::JobResult* resp) {
  absl::StatusOr<JobId> id = ParseJobId(req->job_id());
  if (!id.ok()) return FinishNow(ctx, id.status());
  absl::StatusOr<JobInfo> info = scheduler_->GetJob(*id);
  if (!info.ok()) return FinishNow(ctx, info.status());
  JobInfoToProto(*info, resp);
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
  absl::StatusOr<InputShapes> shapes = InputShapesFromProto(*req);
  if (!shapes.ok()) return FinishNow(ctx, shapes.status());
  ModelSource source;
  switch (req->source_case()) {
    case v1::RegisterModelRequest::kPath:
      source.path = req->path();
      if (source.path.empty()) {
        return FinishNow(ctx, absl::InvalidArgumentError("path: empty"));
      }
      break;
    case v1::RegisterModelRequest::kOnnx:
      source.bytes = req->onnx();
      if (source.bytes.empty()) {
        return FinishNow(ctx, absl::InvalidArgumentError("onnx: empty"));
      }
      break;
    default:
      return FinishNow(
          ctx, absl::InvalidArgumentError("source: set either path or onnx"));
  }
  absl::StatusOr<RegisteredModel> model =
      models_->RegisterOnnx(req->name(), source, *shapes);
  if (!model.ok()) return FinishNow(ctx, model.status());
  ModelRegistered(*model);
  ModelInfoToProto(*model, DeviceSpecs(), resp);
  MarkUnsupported(resp);
  return FinishNow(ctx, absl::OkStatus());
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
  absl::Status s = models_->Unload(req->name());
  if (s.ok()) {
    if (hooks_.on_unload) hooks_.on_unload(req->name());
    scheduler_->ForgetModel(req->name());
    absl::MutexLock l(&mu_);
    load_errors_.erase(req->name());
  }
  return FinishNow(ctx, s);
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
  }
}

}  // namespace joule
