// Small constant tensors for the ONNX analysis' constant folding
// (onnx_fold.h): their values, conversion from and to TensorProto, and
// numpy-style broadcasting. Internal to the ONNX analysis.
//
// Thread-safe (pure functions and plain values).
#ifndef JOULE_MODELS_ONNX_CONST_H_
#define JOULE_MODELS_ONNX_CONST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// Shape tensors are tiny; this bounds the work and memory of one fold.
inline constexpr int64_t kMaxFoldElements = 1 << 16;

// A small constant tensor. Integer and bool types hold their values in
// `ints`, floating types in `reals` (the other vector is empty).
struct ConstTensor {
  int32_t elem_type = onnx::TensorProto::INT64;
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;
  std::vector<double> reals;

  bool is_real() const;
  int64_t numel() const;  // from dims
  // The values match the dims and the type.
  bool consistent() const;
};

using ConstMap = std::unordered_map<std::string, ConstTensor>;

bool IsIntType(int32_t elem_type);   // integer or bool
bool IsRealType(int32_t elem_type);  // float or double (not float16)

// The tensor's values, or nullopt when it is too large, external, of an
// unsupported type, or its data does not match its dims.
std::optional<ConstTensor> ConstFromTensor(const onnx::TensorProto& tensor);
// An initializer holding `c`, named `name`.
onnx::TensorProto ConstToTensor(const ConstTensor& c, const std::string& name);

// A tensor of `type` and `dims` with no values yet, to be filled; nullopt
// when dims are negative or hold more than kMaxFoldElements elements.
std::optional<ConstTensor> MakeConst(int32_t type, std::vector<int64_t> dims);
// Appends element `from` of `x` to `out`'s values.
void AppendElement(const ConstTensor& x, int64_t from, ConstTensor* out);

// The constant fed to input `i` of `node`; nullptr when the input is absent
// or not a known constant.
const ConstTensor* ConstInput(const onnx::NodeProto& node, int i,
                              const ConstMap& consts);
// The constants fed to every input of `node`, in order; empty when the node
// has no inputs or one of them is absent or not a known constant.
std::vector<const ConstTensor*> ConstInputs(const onnx::NodeProto& node,
                                            const ConstMap& consts);
// Input `i` is given (present and not the empty name).
bool HasInput(const onnx::NodeProto& node, int i);

// Row-major strides of `dims`.
std::vector<int64_t> Strides(const std::vector<int64_t>& dims);
// Numpy broadcasting of `shapes`; nullopt when they do not broadcast.
std::optional<std::vector<int64_t>> BroadcastDims(
    const std::vector<std::vector<int64_t>>& shapes);
// For each element of `out` (row-major), the flat index it reads in a
// tensor of dims `in` broadcast to `out`.
std::vector<int64_t> BroadcastOffsets(const std::vector<int64_t>& in,
                                      const std::vector<int64_t>& out);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_CONST_H_
