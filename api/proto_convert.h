// Conversions between the joule.v1 protos and the scheduler's own types, with
// request validation that names the offending field.
//
// Thread-safe (pure).
#ifndef JOULE_API_PROTO_CONVERT_H_
#define JOULE_API_PROTO_CONVERT_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "devices/device_spec.h"
#include "joule/v1/scheduler.pb.h"
#include "models/model_registry.h"
#include "scheduler/job.h"

namespace joule {

// Upper bounds on request fields; beyond them a request is INVALID_ARGUMENT.
inline constexpr uint32_t kMaxBatchSize = 65536;
inline constexpr uint64_t kMaxDeadlineMs = 24ull * 3600 * 1000;
// A dynamic dimension of a model input a job may fix (a sequence length, an
// image side); the request's own size limit bounds the tensor as a whole.
inline constexpr int64_t kMaxDynamicDim = 1 << 20;

// Validates `req` into a JobSpec. `rpc_deadline` is the call's own deadline
// on the scheduler's clock; the earlier of it and deadline_ms wins. A model
// job's input tensors must match the model's inputs: names, dtypes, ranks
// and static dims (INVALID_ARGUMENT naming the field and the dim), dynamic
// dims in 1..kMaxDynamicDim. The job is costed for its own input shapes
// (ModelRegistry::CostFor, which never analyses); when that cost is an
// estimate, `to_analyse` (if given) gets the shapes whose exact analysis
// would serve later jobs.
// The input tensors borrow req's bytes when `keep_alive` is set: it must
// keep `req` alive and unchanged (the service passes the call's arena
// holder), and every tensor holds a copy of it. Without it they own copies
// of the bytes.
absl::StatusOr<JobSpec> SpecFromProto(
    const v1::SubmitRequest& req, const ModelRegistry& models, TimePoint now,
    std::optional<TimePoint> rpc_deadline, InputShapes* to_analyse = nullptr,
    const std::shared_ptr<const void>& keep_alive = nullptr);

// The job as a JobResult. Its outputs move into `out` (owned bytes without
// a copy, borrowed ones copied once) and info.outputs is left empty.
void JobInfoToProto(JobInfo&& info, v1::JobResult* out);

// RegisterModel's input_shapes as InputShapes. INVALID_ARGUMENT naming the
// field ("input_shapes[1].dims[0]") for an empty name, a name given twice,
// no dims, or a dim < 1.
absl::StatusOr<InputShapes> InputShapesFromProto(
    const v1::RegisterModelRequest& req);

// A registered model as ModelInfo, with how it fares on each device: for
// each, at the highest P-state, the precision EstimateJob picks and whether
// it is memory-bound there, then the predicted time of one inference at
// that precision at every P-state, slowest first. A device sharing no
// precision with the model is unsupported, with the reason.
void ModelInfoToProto(const RegisteredModel& model,
                      const std::vector<const DeviceSpec*>& devices,
                      v1::ModelInfo* out);

v1::Precision ToProto(Precision p);
v1::DeviceKind ToProto(DeviceKind k);
v1::JobState ToProto(JobState s);
std::optional<DeviceKind> FromProto(v1::DeviceKind k);

}  // namespace joule

#endif  // JOULE_API_PROTO_CONVERT_H_
