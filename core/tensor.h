// Tensor: a dense, row-major tensor as jobs carry it in and out of an
// executor (mirrors joule.v1.Tensor in proto/joule/v1/scheduler.proto: name,
// dtype, shape, raw little-endian bytes). The bytes are opaque here; an
// executor interprets them by dtype.
//
// TensorBytes holds them either owned (a std::string) or borrowed: a view of
// bytes someone else owns plus a shared keep-alive that holds that owner, so
// a borrowed tensor is valid for as long as it exists, wherever it is moved
// or copied (docs/ARCHITECTURE.md, "Tensor bytes": a Submit's inputs borrow
// the request's buffers, outputs move into the reply).
//
// Plain values; no synchronisation needed. Borrowed bytes are never written
// through a Tensor; a copy of a TensorBytes shares a borrowed view (no byte
// is copied) and copies owned bytes.
#ifndef JOULE_CORE_TENSOR_H_
#define JOULE_CORE_TENSOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

class TensorBytes {
 public:
  TensorBytes() = default;
  // Owns `bytes` (moved in: no copy).
  TensorBytes(std::string bytes) : owned_(std::move(bytes)) {}  // NOLINT
  // Borrows `bytes`, which stay valid and unchanged while `keep_alive` (or
  // any copy of it) lives. REQUIRES: keep_alive non-null (crashes
  // otherwise: a borrow nothing holds is a programming error).
  static TensorBytes Borrow(absl::string_view bytes,
                            std::shared_ptr<const void> keep_alive);

  absl::string_view view() const {
    return keep_alive_ ? borrowed_ : absl::string_view(owned_);
  }
  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }
  bool empty() const { return size() == 0; }
  bool borrowed() const { return keep_alive_ != nullptr; }
  // The bytes as a string, leaving this empty: owned bytes are moved out
  // (no copy), borrowed ones copied.
  std::string TakeString() &&;

  friend bool operator==(const TensorBytes& a, const TensorBytes& b) {
    return a.view() == b.view();
  }
  friend bool operator!=(const TensorBytes& a, const TensorBytes& b) {
    return !(a == b);
  }

 private:
  std::string owned_;  // unused while borrowed
  absl::string_view borrowed_;
  std::shared_ptr<const void> keep_alive_;  // non-null: borrowed
};

struct Tensor {
  std::string name;
  DataType dtype = DataType::kUnspecified;
  std::vector<int64_t> shape;  // rank 0 (empty) is a scalar: one element
  TensorBytes bytes;           // row-major, little-endian

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
