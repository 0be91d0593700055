// Elementwise constant folding for the ONNX analysis (onnx_fold.h):
// arithmetic (Add, Sub, Mul, Div, Mod), comparisons (Equal, Less, Greater,
// LessOrEqual, GreaterOrEqual), logic (And, Or, Not), Neg, Abs, Floor,
// Ceil, Sqrt, Where, variadic Min and Max, and Cast, with numpy
// broadcasting. Integer overflow and division by zero are not folded.
// Internal to the ONNX analysis.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_FOLD_ARITH_H_
#define JOULE_MODELS_ONNX_FOLD_ARITH_H_

#include <optional>
#include <string>

#include "models/onnx_const.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// One of the ops above.
bool IsElementwiseFoldOp(const std::string& op_type);

// The node's output when all its inputs are known constants; nullopt when
// one is not, or the result is undefined or too large.
std::optional<ConstTensor> FoldElementwise(const onnx::NodeProto& node,
                                           const ConstMap& consts);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_FOLD_ARITH_H_
