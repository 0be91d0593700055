// ort_tensor.h: how joule's tensors (core/tensor.h) meet a model's declared
// inputs and outputs in ONNX Runtime: element types both ways, and checking
// a run's tensors against what the model declares, naming the input on any
// mismatch. The ORT-facing side of OrtSession (ort_session.h), kept apart
// because it needs no library.
//
// Element types: ort_api.h names the seven ORT types joule handles (float32,
// float16, int8, uint8, int32, int64, bool), which are exactly the ONNX types
// core/tensor.h's DataTypeFromOnnx maps (ORT's ONNXTensorElementDataType has
// ONNX's values); that is the one mapping, used here both ways.
//
// Thread-safe (pure functions).
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_TENSOR_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_TENSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/tensor.h"
#include "executors/onnxruntime/ort_api.h"

namespace joule {

// One input or output as the model declares it.
struct OrtTensorInfo {
  std::string name;
  ort::ElementType element_type = ort::ElementType::kUndefined;
  // -1 for a dynamic dimension (symbolic, e.g. "N", or unknown); empty for
  // a scalar.
  std::vector<int64_t> shape;
};

// True for the seven element types of ort_api.h.
bool IsSupportedElementType(ort::ElementType t);
// joule's dtype for `t` (DataTypeFromOnnx); kUnspecified for any other
// type.
DataType ToDataType(ort::ElementType t);
// ORT's element type for `t` (the inverse of DataTypeFromOnnx over the
// seven); nullopt for kUnspecified or out of range.
std::optional<ort::ElementType> ToElementType(DataType t);
// "float32", "float16", "int8", "uint8", "int32", "int64", "bool"; for
// another ONNX type its number, e.g. "onnx type 11" (double).
std::string ElementTypeName(ort::ElementType t);
// "float32 [-1,16]".
std::string InfoString(const OrtTensorInfo& info);

// Checks `given` against the model's inputs `want`: each input given exactly
// once by name, of the input's dtype and rank, each static dim equal, and
// its bytes matching its shape (Tensor::Validate). INVALID_ARGUMENT naming
// the model and the input otherwise, e.g. "model 'mlp': input 'x' is float32
// [1,16], got int32 [1,16]". On OK `*ordered` holds one tensor per entry of
// `want`, in that order.
absl::Status MatchInputs(absl::string_view model,
                         const std::vector<OrtTensorInfo>& want,
                         absl::Span<const Tensor> given,
                         std::vector<const Tensor*>* ordered);

}  // namespace joule

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_TENSOR_H_
