// Checks of an ONNX model's own tensors and inputs before it is analysed:
// tensor data against its dims, Constant nodes' values, and the concrete
// input shapes the analysis runs with (onnx_analysis.h, step 1). Internal
// to the ONNX analysis.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_CHECKS_H_
#define JOULE_MODELS_ONNX_CHECKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/onnx_analysis.h"
#include "models/onnx_util.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// The number of elements a dense tensor holds. INVALID_ARGUMENT, prefixed
// with `what`, for negative dims, counts (or their bytes) beyond 64 bits,
// unsupported types, and data that does not match the dims (external data
// is not checked).
absl::StatusOr<int64_t> CheckTensorData(const onnx::TensorProto& t,
                                        const std::string& what);

// The tensor a Constant node outputs (its `value`, or a tensor built from
// value_float(s) / value_int(s)), checked as above; nullopt for sparse and
// string forms. `index` names the node in errors.
absl::StatusOr<std::optional<onnx::TensorProto>> CheckedConstantNodeTensor(
    const onnx::NodeProto& node, int index);

// Concrete dims for graph input `vi` of type `type`: the shape given for it
// in `given`, else the model's own with a dynamic first dim as 1.
// INVALID_ARGUMENT naming the input (and dim) otherwise.
absl::StatusOr<std::vector<int64_t>> FixInputShape(
    const onnx::ValueInfoProto& vi, const TensorType& type,
    const InputShapes& given);

// Makes `vi` a tensor of `elem_type` with exactly `dims`.
void SetTensorShape(onnx::ValueInfoProto* vi, int32_t elem_type,
                    const std::vector<int64_t>& dims);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_CHECKS_H_
