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

// Validates `req` into a JobSpec. `rpc_deadline` is the call's own deadline
// on the scheduler's clock; the earlier of it and deadline_ms wins.
// The input tensors borrow req's bytes when `keep_alive` is set: it must
// keep `req` alive and unchanged (the service passes the call's arena
// holder), and every tensor holds a copy of it. Without it they own copies
// of the bytes.
absl::StatusOr<JobSpec> SpecFromProto(
    const v1::SubmitRequest& req, const ModelRegistry& models, TimePoint now,
    std::optional<TimePoint> rpc_deadline,
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
