#include "scheduler/proto_convert.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace joule {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

std::optional<Precision> FromProto(v1::Precision p) {
  switch (p) {
    case v1::PRECISION_FP32: return Precision::kFp32;
    case v1::PRECISION_FP16: return Precision::kFp16;
    case v1::PRECISION_INT8: return Precision::kInt8;
    case v1::PRECISION_INT4: return Precision::kInt4;
    default: return std::nullopt;
  }
}

bool FiniteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

absl::StatusOr<JobCost> CostFromProto(const v1::JobCost& c) {
  JobCost cost;
  if (c.ops_size() == 0) {
    return Invalid("cost.ops", "list at least one precision with its ops");
  }
  for (int i = 0; i < c.ops_size(); ++i) {
    const std::string field = absl::StrCat("cost.ops[", i, "]");
    std::optional<Precision> p = FromProto(c.ops(i).precision());
    if (!p) return Invalid(field + ".precision", "unknown or unspecified");
    const double ops = c.ops(i).ops();
    if (!std::isfinite(ops) || ops <= 0) {
      return Invalid(field + ".ops", "must be a finite number > 0");
    }
    if (cost.Supports(*p)) {
      return Invalid(field + ".precision",
                     absl::StrCat(std::string(PrecisionName(*p)), " listed twice"));
    }
    cost.ops_by_precision[static_cast<int>(*p)] = ops;
  }
  const std::pair<const char*, double> bytes[] = {
      {"cost.weight_bytes", c.weight_bytes()},
      {"cost.activation_bytes", c.activation_bytes()},
      {"cost.input_bytes", c.input_bytes()},
      {"cost.output_bytes", c.output_bytes()}};
  for (const auto& [field, v] : bytes) {
    if (!FiniteNonNegative(v)) return Invalid(field, "must be finite and >= 0");
  }
  cost.weight_bytes = c.weight_bytes();
  cost.activation_bytes = c.activation_bytes();
  cost.input_bytes = c.input_bytes();
  cost.output_bytes = c.output_bytes();
  return cost;
}

}  // namespace

absl::StatusOr<JobSpec> SpecFromProto(const v1::SubmitRequest& req,
                                      const ModelRegistry& models,
                                      TimePoint now,
                                      std::optional<TimePoint> rpc_deadline) {
  JobSpec spec;
  switch (req.work_case()) {
    case v1::SubmitRequest::kModel: {
      if (req.model().empty()) return Invalid("model", "empty name");
      absl::StatusOr<JobCost> cost = models.Find(req.model());
      if (!cost.ok()) return cost.status();
      spec.model = req.model();
      spec.cost = *cost;
      break;
    }
    case v1::SubmitRequest::kCost: {
      absl::StatusOr<JobCost> cost = CostFromProto(req.cost());
      if (!cost.ok()) return cost.status();
      spec.cost = *cost;
      break;
    }
    default:
      return Invalid("work", "set either model or cost");
  }
  switch (req.priority_class()) {
    case v1::PRIORITY_CLASS_UNSPECIFIED:
    case v1::PRIORITY_CLASS_INTERACTIVE:
      spec.priority_class = PriorityClass::kInteractive;
      break;
    case v1::PRIORITY_CLASS_REALTIME:
      spec.priority_class = PriorityClass::kRealtime;
      break;
    case v1::PRIORITY_CLASS_BATCH:
      spec.priority_class = PriorityClass::kBatch;
      break;
    default:
      return Invalid("priority_class", "unknown value");
  }
  switch (req.preference()) {
    case v1::PREFERENCE_UNSPECIFIED:
    case v1::PREFERENCE_BALANCED:
      spec.preference = Preference::kBalanced;
      break;
    case v1::PREFERENCE_LATENCY:
      spec.preference = Preference::kLatency;
      break;
    case v1::PREFERENCE_ENERGY:
      spec.preference = Preference::kEnergy;
      break;
    default:
      return Invalid("preference", "unknown value");
  }
  for (int i = 0; i < req.allowed_kinds_size(); ++i) {
    std::optional<DeviceKind> k = FromProto(req.allowed_kinds(i));
    if (!k) {
      return Invalid(absl::StrCat("allowed_kinds[", i, "]"),
                     "unknown or unspecified device kind");
    }
    spec.allowed_kinds.push_back(*k);
  }
  if (req.batch_size() > kMaxBatchSize) {
    return Invalid("batch_size", absl::StrCat("at most ", kMaxBatchSize));
  }
  spec.batch = std::max<uint32_t>(1, req.batch_size());
  if (req.deadline_ms() > kMaxDeadlineMs) {
    return Invalid("deadline_ms", absl::StrCat("at most ", kMaxDeadlineMs,
                                               " (24 h); 0 means none"));
  }
  if (req.deadline_ms() > 0) {
    spec.deadline = now + std::chrono::milliseconds(req.deadline_ms());
  }
  if (rpc_deadline && (!spec.deadline || *rpc_deadline < *spec.deadline)) {
    spec.deadline = rpc_deadline;
  }
  spec.dry_run = req.dry_run();
  return spec;
}

v1::Precision ToProto(Precision p) {
  return static_cast<v1::Precision>(static_cast<int>(p) + 1);
}
v1::DeviceKind ToProto(DeviceKind k) {
  return static_cast<v1::DeviceKind>(static_cast<int>(k) + 1);
}
v1::JobState ToProto(JobState s) {
  return static_cast<v1::JobState>(static_cast<int>(s) + 1);
}
std::optional<DeviceKind> FromProto(v1::DeviceKind k) {
  if (k < v1::DEVICE_KIND_CPU || k > v1::DEVICE_KIND_NPU) return std::nullopt;
  return static_cast<DeviceKind>(static_cast<int>(k) - 1);
}

void JobInfoToProto(const JobInfo& info, v1::JobResult* out) {
  if (info.id) out->set_job_id(absl::StrCat(info.id));
  out->set_state(ToProto(info.state));
  out->set_device(info.device);
  if (!info.device.empty()) out->set_kind(ToProto(info.kind));
  out->set_pstate(info.pstate);
  out->set_freq_khz(info.freq_khz);
  if (info.predicted) {
    out->set_precision(ToProto(info.predicted->precision));
    out->set_predicted_time_s(info.predicted->exec_s);
    out->set_predicted_energy_j(info.predicted->energy_j);
  }
  out->set_measured_time_s(info.measured_time_s);
  out->set_measured_energy_j(info.measured_energy_j);
  out->set_queue_time_s(info.queue_time_s);
  out->set_simulated(info.simulated);
  out->set_explanation(info.placement.explanation);
  out->clear_candidates();
  const auto& cands = info.placement.candidates;
  for (size_t i = 0; i < cands.size(); ++i) {
    const CandidateResult& c = cands[i];
    v1::DeviceEstimate* e = out->add_candidates();
    e->set_device(c.device);
    e->set_kind(ToProto(c.kind));
    if (c.estimate) {
      e->set_pstate(c.estimate->pstate);
      e->set_precision(ToProto(c.estimate->precision));
      e->set_compute_s(c.estimate->compute_s);
      e->set_memory_s(c.estimate->memory_s);
      e->set_transfer_s(c.estimate->transfer_s);
      e->set_exec_s(c.estimate->exec_s);
      e->set_energy_j(c.estimate->energy_j);
      e->set_memory_bound(c.estimate->memory_bound);
    }
    e->set_backlog_s(c.backlog_s);
    e->set_finish_s(c.finish_s);
    e->set_score(c.score);
    e->set_feasible(c.infeasible == Infeasible::kNone);
    e->set_reason(c.reason);
    e->set_chosen(static_cast<int>(i) == info.placement.chosen);
  }
  if (!info.error.ok()) out->set_error(std::string(info.error.message()));
}

}  // namespace joule
