// Tensor: a dense, row-major tensor as jobs carry it in and out of an
// executor (mirrors joule.v1.Tensor in proto/joule/v1/scheduler.proto: name,
// dtype, shape, raw little-endian bytes). The bytes are opaque here; an
// executor interprets them by dtype.
//
// Plain value; no synchronisation needed.
#ifndef JOULE_CORE_TENSOR_H_
#define JOULE_CORE_TENSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace joule {

// Values match joule.v1.DataType, so proto_convert.cc can static_cast.
enum class DataType {
  kUnspecified = 0,
  kFloat32 = 1,
  kFloat16 = 2,
  kInt8 = 3,
  kUint8 = 4,
  kInt32 = 5,
  kInt64 = 6,
  kBool = 7,  // one byte per element, 0 or 1
};

// Bytes per element: 4, 2, 1, 1, 4, 8, 1; 0 for kUnspecified or out of range.
int64_t ElementSize(DataType t);
// "float32", "float16", "int8", "uint8", "int32", "int64", "bool",
// "unspecified".
std::string_view DataTypeName(DataType t);
// The DataType of an ONNX element type (onnx.proto TensorProto.DataType,
// which ONNX Runtime's ONNXTensorElementDataType shares: FLOAT 1, UINT8 2,
// INT8 3, INT32 6, INT64 7, BOOL 9, FLOAT16 10); kUnspecified for the types
// jobs cannot carry (strings, doubles, 16-bit and unsigned wide integers).
DataType DataTypeFromOnnx(int32_t onnx_elem_type);

struct Tensor {
  std::string name;
  DataType dtype = DataType::kUnspecified;
  std::vector<int64_t> shape;  // rank 0 (empty) is a scalar: one element
  std::string bytes;           // row-major, little-endian

  // The product of the dims; InvalidArgument for a negative dim or a product
  // (or product × element size) that overflows int64.
  absl::StatusOr<int64_t> NumElements() const;
  // OK when dtype is known, every dim is >= 0, nothing overflows, and
  // bytes.size() == NumElements() × ElementSize(dtype). Errors name the
  // tensor, e.g. "tensor 'x': 12 bytes, shape [1,4] float32 needs 16".
  absl::Status Validate() const;
  // "[1,3,224,224]".
  std::string ShapeString() const;
};

// A FLOAT32 tensor holding `values` (count must match the shape; crashes
// otherwise — a programming error in the caller).
Tensor MakeFloat32Tensor(std::string name, std::vector<int64_t> shape,
                         absl::Span<const float> values);
// The values of a valid FLOAT32 tensor; InvalidArgument for another dtype
// or an invalid tensor.
absl::StatusOr<std::vector<float>> Float32Values(const Tensor& t);

// "[1,3,224,224]".
std::string ShapeString(absl::Span<const int64_t> shape);

}  // namespace joule

#endif  // JOULE_CORE_TENSOR_H_
