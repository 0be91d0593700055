// Constant folding of the small shape-computation subgraphs that ONNX 1.12's
// shape inference leaves unknown, e.g.
//   Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))
// Once x's shape is known (input shapes are fixed before inference), Shape
// is a constant, and so is everything computed only from constants. The
// analysis folds such nodes into initializers and runs ONNX's inference
// again, until nothing more folds (onnx_analysis.cc).
//
// Folded ops: Shape, Size, Identity, Cast, Gather, Slice, Squeeze,
// Unsqueeze, Concat, Reshape, Expand, ConstantOfShape, Range, Add, Sub, Mul,
// Div, Mod, Min, Max, Equal, Less, Greater, LessOrEqual, GreaterOrEqual,
// Where, Not, And, Or, Neg, Abs, Floor, Ceil, Sqrt, ReduceProd, ReduceSum,
// ReduceMin, ReduceMax. Only integer, bool, float and double tensors of at
// most kMaxFoldElements elements; anything else is left to ONNX (and shows
// up as unresolved if ONNX cannot infer it either). Integer arithmetic that
// would overflow, or divide by zero, is not folded.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_FOLD_H_
#define JOULE_MODELS_ONNX_FOLD_H_

#include <optional>

#include "models/onnx_const.h"
#include "models/onnx_util.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// The value of the node's only output, when it can be computed from `consts`
// (values known so far) and, for Shape and Size, from `types`. `opset` is
// the model's default-domain opset (attributes moved to inputs over time).
std::optional<ConstTensor> FoldNode(const onnx::NodeProto& node, int opset,
                                    const ConstMap& consts,
                                    const TypeMap& types);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_FOLD_H_
