#include "core/tensor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

// Tensor bytes are little-endian on the wire; the helpers below copy them
// as host floats.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "joule assumes a little-endian host");

namespace joule {

int64_t ElementSize(DataType t) {
  switch (t) {
    case DataType::kFloat32:
    case DataType::kInt32:
      return 4;
    case DataType::kFloat16:
      return 2;
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kBool:
      return 1;
    case DataType::kInt64:
      return 8;
    case DataType::kUnspecified:
      return 0;
  }
  return 0;
}

std::string_view DataTypeName(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return "float32";
    case DataType::kFloat16:
      return "float16";
    case DataType::kInt8:
      return "int8";
    case DataType::kUint8:
      return "uint8";
    case DataType::kInt32:
      return "int32";
    case DataType::kInt64:
      return "int64";
    case DataType::kBool:
      return "bool";
    case DataType::kUnspecified:
      return "unspecified";
  }
  return "unspecified";
}

DataType DataTypeFromOnnx(int32_t onnx_elem_type) {
  switch (onnx_elem_type) {
    case 1:
      return DataType::kFloat32;
    case 2:
      return DataType::kUint8;
    case 3:
      return DataType::kInt8;
    case 6:
      return DataType::kInt32;
    case 7:
      return DataType::kInt64;
    case 9:
      return DataType::kBool;
    case 10:
      return DataType::kFloat16;
    default:
      return DataType::kUnspecified;
  }
}

TensorBytes TensorBytes::Borrow(absl::string_view bytes,
                                std::shared_ptr<const void> keep_alive) {
  if (keep_alive == nullptr) {
    std::fprintf(stderr, "TensorBytes::Borrow without a keep-alive\n");
    std::abort();
  }
  TensorBytes b;
  b.borrowed_ = bytes;
  b.keep_alive_ = std::move(keep_alive);
  return b;
}

std::string TensorBytes::TakeString() && {
  std::string out = keep_alive_ ? std::string(borrowed_) : std::move(owned_);
  *this = TensorBytes();
  return out;
}

std::string ShapeString(absl::Span<const int64_t> shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

std::string Tensor::ShapeString() const { return joule::ShapeString(shape); }

absl::StatusOr<int64_t> Tensor::NumElements() const {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    const int64_t d = shape[i];
    if (d < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor '", name, "': dim ", i, " of shape ",
                       ShapeString(), " is negative"));
    }
    if (d != 0 && n > kMax / d) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tensor '", name, "': shape ", ShapeString(), " overflows int64"));
    }
    n *= d;
  }
  const int64_t size = ElementSize(dtype);
  if (size > 0 && n > kMax / size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor '", name, "': shape ", ShapeString(), " of ",
        std::string(DataTypeName(dtype)), " overflows int64 bytes"));
  }
  return n;
}

absl::Status Tensor::Validate() const {
  const int64_t size = ElementSize(dtype);
  if (size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", name, "': dtype ", static_cast<int>(dtype),
                     " is unspecified or unknown"));
  }
  absl::StatusOr<int64_t> n = NumElements();
  if (!n.ok()) return n.status();
  const int64_t want = *n * size;
  if (static_cast<int64_t>(bytes.size()) != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor '", name, "': ", bytes.size(), " bytes, shape ", ShapeString(),
        " ", std::string(DataTypeName(dtype)), " needs ", want));
  }
  return absl::OkStatus();
}

Tensor MakeFloat32Tensor(std::string name, std::vector<int64_t> shape,
                         absl::Span<const float> values) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = DataType::kFloat32;
  t.shape = std::move(shape);
  absl::StatusOr<int64_t> n = t.NumElements();
  if (!n.ok() || *n != static_cast<int64_t>(values.size())) {
    std::fprintf(stderr, "MakeFloat32Tensor('%s'): %zu values for shape %s\n",
                 t.name.c_str(), values.size(), t.ShapeString().c_str());
    std::abort();
  }
  t.bytes = std::string(reinterpret_cast<const char*>(values.data()),
                        values.size() * sizeof(float));
  return t;
}

absl::StatusOr<std::vector<float>> Float32Values(const Tensor& t) {
  if (t.dtype != DataType::kFloat32) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", t.name, "' is ",
                     std::string(DataTypeName(t.dtype)), ", not float32"));
  }
  if (absl::Status s = t.Validate(); !s.ok()) return s;
  std::vector<float> out(t.bytes.size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), t.bytes.data(), t.bytes.size());
  return out;
}

}  // namespace joule
