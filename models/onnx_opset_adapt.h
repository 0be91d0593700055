// Models newer than ONNX 1.12's shape inference: how the analysis infers the
// shapes of a model whose default-domain opset is above 17 (the last opset
// Debian's ONNX 1.12 knows). Internal to the ONNX analysis
// (onnx_analysis.h, "Opsets newer than 17").
//
// Why this approach. Running 1.12's inference on such a model as it is (or
// with its opset import clamped to 17, which is what 1.12 does anyway: it
// picks the newest schema it has at or below the model's opset) is not
// safe on its own: an operator whose signature changed after 17 would be
// inferred by its old schema, and that can be silently wrong, not just
// fail. ReduceMean-18 takes its axes as a second input; 1.12's
// ReduceMean-13 ignores that input and reduces every axis, giving a wrong
// shape that then propagates. So every node is first brought into the
// opset-17 form that has the same output shapes, the way ONNX's own
// version converter downgrades models (its 18->17 adapters turn Reduce*
// axes inputs back into attributes, for instance), or is left out of
// inference and becomes unresolved:
//
//   unchanged after 17, or only the element types it accepts were widened
//   (Cast, Reshape, Shape, Flatten, Transpose, Squeeze, Unsqueeze, Identity,
//   QuantizeLinear, DequantizeLinear, ... at 19, 21 and 23; Conv, MaxPool,
//   ... at 22, ONNX 1.14-1.18 release notes): kept as is;
//   Reduce* (18; ReduceMax/Min 20)  a constant axes input becomes the axes
//       attribute; no axes input with noop_with_empty_axes = 1 is an
//       Identity; a computed axes input: unresolved
//   Split (18)        num_outputs dropped: 1.12 then splits evenly into the
//       node's outputs (an uneven split fails there: unresolved)
//   Pad (18, 19)      a constant axes input with constant pads becomes
//       pads over every axis of a known-rank input; otherwise unresolved
//   Resize (18, 19)   antialias and keep_aspect_ratio_policy (stretch, or
//       with scales) dropped, half_pixel_symmetric read as half_pixel (same
//       output size); an axes attribute, or a non-stretch policy with sizes:
//       unresolved
//   ScatterND, ScatterElements (18)  reduction max/min read as none (same
//       shape)
//   AveragePool (19), LpPool (18)  dilations of 1 and ceil_mode 0 dropped;
//       others change the output size: unresolved
//   GridSample (20)   modes linear/cubic read as bilinear/bicubic (4-D)
//   new ops whose output has the shape of their first input (Mish,
//       BitwiseNot, GroupNormalization, Gelu, RMSNormalization,
//       RotaryEmbedding): an Identity stands in for inference; the cost
//       formula still sees the real op
//   BitwiseAnd/Or/Xor (18)  an Add stands in (numpy broadcasting)
//   any other op new or changed after 17 (Col2Im, CenterCropPad,
//       DeformConv, AffineGrid, DFT, Attention, string and image ops, ...):
//       unresolved
//
// Beyond kOpsKnownOpset the changes are not known: nodes are treated as at
// that opset, and the analysis says its cost is partial.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_OPSET_ADAPT_H_
#define JOULE_MODELS_ONNX_OPSET_ADAPT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/onnx_const.h"
#include "models/onnx_util.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// The newest default-domain opset ONNX 1.12's schemas cover.
inline constexpr int64_t kInferenceMaxOpset = 17;
// The newest opset whose operator changes the table above accounts for.
inline constexpr int64_t kOpsKnownOpset = 23;

struct AdaptedNode {
  // The node in its opset-17 form; nullopt: left out of inference
  // (unresolved, `reason` says why).
  std::optional<onnx::NodeProto> node;
  // Constants the adapted node reads (e.g. Pad's pads over every axis).
  std::vector<onnx::TensorProto> initializers;
  bool rewritten = false;  // the node changed
  std::string reason;
};

// `node` (of the default domain) of a model at `opset` > 17, adapted for
// ONNX 1.12's inference. `consts` and `types` are what is known so far (a
// node left out now may be adapted once its inputs are known).
AdaptedNode AdaptNodeForInference(const onnx::NodeProto& node, int64_t opset,
                                  const ConstMap& consts, const TypeMap& types);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_OPSET_ADAPT_H_
