#include "api/proto_convert.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scheduler/cost_model.h"

namespace joule {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

std::optional<Precision> FromProto(v1::Precision p) {
  switch (p) {
    case v1::PRECISION_FP32:
      return Precision::kFp32;
    case v1::PRECISION_FP16:
      return Precision::kFp16;
    case v1::PRECISION_INT8:
      return Precision::kInt8;
    case v1::PRECISION_INT4:
      return Precision::kInt4;
    default:
      return std::nullopt;
  }
}

bool FiniteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

// ONNX element type -> the proto's DataType (same numbering as DataType).
v1::DataType DataTypeFromOnnxProto(int32_t t) {
  return static_cast<v1::DataType>(DataTypeFromOnnx(t));
}

// Admission check of a model job's inputs against the model's declared
// inputs (names, dtypes, ranks, static dims; dynamic dims in 1..
// kMaxDynamicDim), so a bad request fails the same way whichever device it
// would be placed on. Fills `shapes` with the job's input shapes.
absl::Status CheckInputs(const JobSpec& spec, const ModelRegistry& models,
                         InputShapes* shapes) {
  absl::StatusOr<RegisteredModel> m = models.Get(spec.model);
  if (!m.ok() || !m->analysis) return absl::OkStatus();
  const std::vector<OnnxTensorInfo>& declared = m->analysis->inputs;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const Tensor& t = spec.inputs[i];
    const std::string field = absl::StrCat("inputs[", i, "]");
    auto it =
        std::find_if(declared.begin(), declared.end(),
                     [&](const OnnxTensorInfo& d) { return d.name == t.name; });
    if (it == declared.end()) {
      return Invalid(
          field + ".name",
          absl::StrCat("model '", spec.model, "' has no input '", t.name, "'"));
    }
    if (static_cast<int>(DataTypeFromOnnx(it->onnx_elem_type)) !=
        static_cast<int>(t.dtype)) {
      return Invalid(field + ".dtype",
                     absl::StrCat("input '", t.name, "' of model '", spec.model,
                                  "' is ", it->dtype));
    }
    if (it->shape.size() != t.shape.size()) {
      return Invalid(field + ".shape",
                     absl::StrCat("input '", t.name, "' of model '", spec.model,
                                  "' has rank ", it->shape.size(), ", got ",
                                  t.shape.size()));
    }
    for (size_t d = 0; d < t.shape.size(); ++d) {
      const int64_t want =
          d < it->model_shape.size() ? it->model_shape[d] : int64_t{-1};
      const std::string where = absl::StrCat(field, ".shape[", d, "]");
      if (want > 0 && t.shape[d] != want) {
        return Invalid(
            where, absl::StrCat("input '", t.name, "' of model '", spec.model,
                                "' dim ", d, " is ", want,
                                " in the model, got ", t.shape[d]));
      }
      if (want <= 0 && (t.shape[d] < 1 || t.shape[d] > kMaxDynamicDim)) {
        return Invalid(
            where, absl::StrCat("input '", t.name, "' of model '", spec.model,
                                "' dim ", d, " is dynamic: 1 to ",
                                kMaxDynamicDim, ", got ", t.shape[d]));
      }
    }
    (*shapes)[t.name] = t.shape;
  }
  for (const OnnxTensorInfo& d : declared) {
    bool given = false;
    for (const Tensor& t : spec.inputs) given = given || t.name == d.name;
    if (!given) {
      return Invalid("inputs",
                     absl::StrCat("model '", spec.model, "' needs input '",
                                  d.name, "' (", d.dtype, ")"));
    }
  }
  return absl::OkStatus();
}

// Borrows t.data() under `keep_alive`, or copies it without one.
absl::StatusOr<Tensor> TensorFromProto(
    const v1::Tensor& t, const std::string& field,
    const std::shared_ptr<const void>& keep_alive) {
  if (t.dtype() < v1::DATA_TYPE_FLOAT32 || t.dtype() > v1::DATA_TYPE_BOOL) {
    return Invalid(field + ".dtype", "unknown or unspecified");
  }
  Tensor out;
  out.name = t.name();
  out.dtype = static_cast<DataType>(t.dtype());
  out.shape.assign(t.shape().begin(), t.shape().end());
  out.bytes = keep_alive ? TensorBytes::Borrow(t.data(), keep_alive)
                         : TensorBytes(t.data());
  if (absl::Status s = out.Validate(); !s.ok()) {
    return Invalid(field, s.message());
  }
  return out;
}

// Owned bytes move into the message (protobuf's set_data(std::string&&)
// keeps the string's buffer, on an arena too); borrowed ones are copied.
void TensorToProto(Tensor&& t, v1::Tensor* out) {
  out->set_name(std::move(t.name));
  out->set_dtype(static_cast<v1::DataType>(t.dtype));
  for (int64_t d : t.shape) out->add_shape(d);
  out->set_data(std::move(t.bytes).TakeString());
}

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
      return Invalid(
          field + ".precision",
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

absl::StatusOr<JobSpec> SpecFromProto(
    const v1::SubmitRequest& req, const ModelRegistry& models, TimePoint now,
    std::optional<TimePoint> rpc_deadline, InputShapes* to_analyse,
    const std::shared_ptr<const void>& keep_alive) {
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
  spec.stream = req.stream();
  spec.signal.digest = req.change_digest();
  if (static_cast<size_t>(req.change_thumbnail_size()) >
      kMaxThumbnailElements) {  // before copying it
    return Invalid("change_thumbnail",
                   absl::StrCat(req.change_thumbnail_size(),
                                " values, at most ", kMaxThumbnailElements));
  }
  spec.signal.thumbnail.assign(req.change_thumbnail().begin(),
                               req.change_thumbnail().end());
  if (absl::Status s = ValidateFrameSignal(spec.stream, spec.signal); !s.ok()) {
    return s;
  }
  if (req.inputs_size() > 0 && spec.model.empty()) {
    return Invalid("inputs", "only a job naming a model takes inputs");
  }
  for (int i = 0; i < req.inputs_size(); ++i) {
    absl::StatusOr<Tensor> t = TensorFromProto(
        req.inputs(i), absl::StrCat("inputs[", i, "]"), keep_alive);
    if (!t.ok()) return t.status();
    spec.inputs.push_back(*std::move(t));
  }
  if (!spec.inputs.empty()) {
    InputShapes shapes;
    if (absl::Status s = CheckInputs(spec, models, &shapes); !s.ok()) return s;
    // Costed for its own shapes: exact when analysed, else an estimate
    // (models/model_registry.h); never an analysis here.
    absl::StatusOr<ModelRegistry::ShapeCost> c =
        models.CostFor(spec.model, shapes);
    if (!c.ok()) return c.status();
    spec.cost = c->cost;
    spec.cost_estimated = !c->exact;
    if (!c->exact && to_analyse) *to_analyse = std::move(shapes);
  }
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

void JobInfoToProto(JobInfo&& info, v1::JobResult* out) {
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
  out->set_energy_measured(info.energy_measured);
  out->set_queue_time_s(info.queue_time_s);
  out->set_simulated(info.simulated);
  out->set_cost_estimated(info.cost_estimated);
  out->set_skipped(info.skipped);
  if (info.reused_job) out->set_reused_job_id(absl::StrCat(info.reused_job));
  if (info.frame_change) out->set_frame_change(*info.frame_change);
  out->set_explanation(std::move(info.placement.explanation));
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
  for (Tensor& t : info.outputs)
    TensorToProto(std::move(t), out->add_outputs());
  info.outputs.clear();
}

namespace {

void TensorInfoToProto(const OnnxTensorInfo& t, v1::Tensor* out) {
  out->set_name(t.name);
  out->set_dtype(DataTypeFromOnnxProto(t.onnx_elem_type));
  if (t.shape_known) {
    for (int64_t d : t.shape) out->add_shape(d);
  }
}

std::string PrecisionList(const std::vector<Precision>& ps) {
  std::vector<std::string> names;
  for (Precision p : ps) names.emplace_back(PrecisionName(p));
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<InputShapes> InputShapesFromProto(
    const v1::RegisterModelRequest& req) {
  InputShapes shapes;
  for (int i = 0; i < req.input_shapes_size(); ++i) {
    const v1::InputShape& s = req.input_shapes(i);
    const std::string field = absl::StrCat("input_shapes[", i, "]");
    if (s.name().empty()) return Invalid(field + ".name", "empty");
    if (s.dims_size() == 0) return Invalid(field + ".dims", "empty");
    std::vector<int64_t> dims;
    for (int j = 0; j < s.dims_size(); ++j) {
      if (s.dims(j) < 1) {
        return Invalid(absl::StrCat(field, ".dims[", j, "]"),
                       absl::StrCat("must be >= 1, got ", s.dims(j)));
      }
      dims.push_back(s.dims(j));
    }
    if (!shapes.emplace(s.name(), std::move(dims)).second) {
      return Invalid(field + ".name",
                     absl::StrCat("'", s.name(), "' is given twice"));
    }
  }
  return shapes;
}

void ModelInfoToProto(const RegisteredModel& model,
                      const std::vector<const DeviceSpec*>& devices,
                      v1::ModelInfo* out) {
  const JobCost& cost = model.cost;
  out->set_name(model.name);
  out->set_loading(model.loading);
  std::vector<Precision> model_precisions;
  for (Precision p : kAllPrecisions) {
    if (!cost.Supports(p)) continue;
    model_precisions.push_back(p);
    v1::PrecisionOps* o = out->add_ops();
    o->set_precision(ToProto(p));
    o->set_ops(cost.ops(p));
  }
  const double bytes = cost.weight_bytes + cost.activation_bytes;
  out->set_cost_complete(true);
  if (model.analysis) {
    const OnnxAnalysis& a = *model.analysis;
    out->set_precision(ToProto(a.precision));
    out->set_cost_complete(a.complete);
    out->set_cost_note(a.CostNote());
    out->set_nodes_resolved(static_cast<uint32_t>(a.nodes_resolved));
    out->set_nodes_total(static_cast<uint32_t>(a.nodes_total));
    out->set_macs(static_cast<double>(model.analysis->macs));
    for (const OnnxTensorInfo& t : model.analysis->inputs) {
      TensorInfoToProto(t, out->add_inputs());
    }
    for (const OnnxTensorInfo& t : model.analysis->outputs) {
      TensorInfoToProto(t, out->add_outputs());
    }
  }
  out->set_weight_bytes(cost.weight_bytes);
  out->set_activation_bytes(cost.activation_bytes);
  out->set_arithmetic_intensity(bytes > 0 ? cost.ops(Precision::kFp32) / bytes
                                          : 0);
  for (const DeviceSpec* spec : devices) {
    v1::ModelDeviceInfo* d = out->add_devices();
    d->set_device(spec->name);
    const int top = spec->max_pstate();
    std::optional<Estimate> best = EstimateJob(cost, 1, *spec, top);
    if (!best) {
      std::vector<Precision> device_precisions;
      for (Precision p : kAllPrecisions) {
        if (spec->Supports(p)) device_precisions.push_back(p);
      }
      d->set_supported(false);
      d->set_reason(absl::StrCat(
          "no common precision (model: ", PrecisionList(model_precisions),
          "; device: ", PrecisionList(device_precisions), ")"));
      continue;
    }
    d->set_supported(true);
    d->set_precision(ToProto(best->precision));
    d->set_memory_bound(best->memory_bound);
    for (int p = 0; p <= top; ++p) {
      std::optional<Estimate> e =
          EstimateAt(cost, 1, *spec, p, best->precision);
      d->add_predicted_s(e ? e->exec_s : 0);
    }
  }
}

}  // namespace joule
