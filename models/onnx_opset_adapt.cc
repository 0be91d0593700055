#include "models/onnx_opset_adapt.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace joule {
namespace onnx_internal {
namespace {

bool IsReduce18(const std::string& op) {
  static const auto* ops = new std::set<std::string>{
      "ReduceL1",   "ReduceL2",  "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
      "ReduceMean", "ReduceMin", "ReduceProd",   "ReduceSumSquare"};
  return ops->count(op) > 0;
}

// New ops whose first output has the shape and type of their first input.
bool IsShapePreservingNewOp(const std::string& op) {
  static const auto* ops = new std::set<std::string>{
      "Mish", "BitwiseNot",       "GroupNormalization",
      "Gelu", "RMSNormalization", "RotaryEmbedding"};
  return ops->count(op) > 0;
}

// Ops new after 17, or changed after 17 in a way no rule here adapts.
bool IsUnadaptable(const std::string& op) {
  static const auto* ops = new std::set<std::string>{"Col2Im",
                                                     "CenterCropPad",
                                                     "DeformConv",
                                                     "AffineGrid",
                                                     "DFT",
                                                     "ImageDecoder",
                                                     "RegexFullMatch",
                                                     "StringConcat",
                                                     "StringSplit",
                                                     "Attention",
                                                     "OptionalGetElement",
                                                     "OptionalHasElement"};
  return ops->count(op) > 0;
}

void RemoveAttr(onnx::NodeProto* node, const std::string& name) {
  auto* attrs = node->mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i) {
    if (attrs->Get(i).name() == name) attrs->DeleteSubrange(i, 1);
  }
}

void SetAttrString(onnx::NodeProto* node, const std::string& name,
                   const std::string& value) {
  RemoveAttr(node, name);
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void SetAttrInts(onnx::NodeProto* node, const std::string& name,
                 const std::vector<int64_t>& values) {
  RemoveAttr(node, name);
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

// Keeps the first `n` inputs.
void KeepInputs(onnx::NodeProto* node, int n) {
  while (node->input_size() > n) node->mutable_input()->RemoveLast();
}

AdaptedNode Unresolved(std::string reason) {
  AdaptedNode a;
  a.reason = std::move(reason);
  return a;
}

AdaptedNode Rewritten(onnx::NodeProto node) {
  AdaptedNode a;
  a.node = std::move(node);
  a.rewritten = true;
  return a;
}

// An Identity (or `op`) over the node's first input, writing its first
// output: it stands in for inference only.
AdaptedNode StandIn(const onnx::NodeProto& node, const std::string& op,
                    int inputs) {
  if (node.input_size() < inputs || node.output_size() < 1) {
    return Unresolved("too few inputs or outputs");
  }
  for (int i = 1; i < node.output_size(); ++i) {
    if (!node.output(i).empty()) {
      return Unresolved(absl::StrCat(node.op_type(),
                                     " with more than one output is not "
                                     "inferred"));
    }
  }
  onnx::NodeProto s;
  s.set_name(node.name());
  s.set_op_type(op);
  for (int i = 0; i < inputs; ++i) s.add_input(node.input(i));
  s.add_output(node.output(0));
  return Rewritten(std::move(s));
}

AdaptedNode AdaptReduce(const onnx::NodeProto& node, const ConstMap& consts) {
  onnx::NodeProto n = node;
  const bool noop = AttrInt(node, "noop_with_empty_axes", 0) != 0;
  RemoveAttr(&n, "noop_with_empty_axes");
  if (!HasInput(node, 1)) {
    if (noop) return StandIn(node, "Identity", 1);
    KeepInputs(&n, 1);
    return Rewritten(std::move(n));
  }
  const ConstTensor* axes = ConstInput(node, 1, consts);
  if (!axes || axes->is_real()) {
    return Unresolved(
        absl::StrCat("axes input '", node.input(1), "' is not a constant"));
  }
  if (axes->ints.empty()) {
    if (noop) return StandIn(node, "Identity", 1);
  } else {
    SetAttrInts(&n, "axes", axes->ints);
  }
  KeepInputs(&n, 1);
  return Rewritten(std::move(n));
}

// Pad-18: pads (2·len(axes)) over the listed axes only. Rewritten as pads
// over every axis, zero elsewhere.
AdaptedNode AdaptPad(const onnx::NodeProto& node, const ConstMap& consts,
                     const TypeMap& types) {
  if (!HasInput(node, 3)) return AdaptedNode{node, {}, false, ""};
  const ConstTensor* pads = ConstInput(node, 1, consts);
  const ConstTensor* axes = ConstInput(node, 3, consts);
  if (!pads || !axes || pads->is_real() || axes->is_real()) {
    return Unresolved("pads or axes input is not a constant");
  }
  auto t = types.find(node.input(0));
  if (t == types.end() || !t->second.has_shape) {
    return Unresolved("rank of the padded input is unknown");
  }
  const int64_t rank = static_cast<int64_t>(t->second.dims.size());
  const int64_t k = static_cast<int64_t>(axes->ints.size());
  if (static_cast<int64_t>(pads->ints.size()) != 2 * k) {
    return Unresolved("pads does not hold two values per axis");
  }
  std::vector<int64_t> full(2 * rank, 0);
  for (int64_t i = 0; i < k; ++i) {
    int64_t axis = axes->ints[i];
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return Unresolved("axis out of range");
    full[axis] = pads->ints[i];
    full[rank + axis] = pads->ints[k + i];
  }
  AdaptedNode a;
  onnx::NodeProto n = node;
  const std::string name = absl::StrCat(node.output(0), "/pads_all_axes");
  KeepInputs(&n, 3);
  n.set_input(1, name);
  ConstTensor c;
  c.dims = {2 * rank};
  c.ints = full;
  a.initializers.push_back(ConstToTensor(c, name));
  a.node = std::move(n);
  a.rewritten = true;
  return a;
}

AdaptedNode AdaptResize(const onnx::NodeProto& node) {
  if (FindAttr(node, "axes")) {
    return Unresolved("Resize with an axes attribute is not inferred");
  }
  const std::string policy =
      AttrString(node, "keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && HasInput(node, 3)) {
    return Unresolved(absl::StrCat("Resize with keep_aspect_ratio_policy '",
                                   policy, "' and sizes is not inferred"));
  }
  onnx::NodeProto n = node;
  RemoveAttr(&n, "antialias");
  RemoveAttr(&n, "keep_aspect_ratio_policy");
  if (AttrString(node, "coordinate_transformation_mode", "") ==
      "half_pixel_symmetric") {
    SetAttrString(&n, "coordinate_transformation_mode", "half_pixel");
  }
  return Rewritten(std::move(n));
}

// Pool attributes added after 17 that change the output size unless they
// are at their defaults.
AdaptedNode AdaptPool(const onnx::NodeProto& node, bool ceil_mode_is_new) {
  if (std::optional<std::vector<int64_t>> d = AttrInts(node, "dilations")) {
    for (int64_t v : *d) {
      if (v != 1) return Unresolved("dilations other than 1 are not inferred");
    }
  }
  if (ceil_mode_is_new && AttrInt(node, "ceil_mode", 0) != 0) {
    return Unresolved("ceil_mode 1 is not inferred");
  }
  onnx::NodeProto n = node;
  RemoveAttr(&n, "dilations");
  if (ceil_mode_is_new) RemoveAttr(&n, "ceil_mode");
  return Rewritten(std::move(n));
}

}  // namespace

AdaptedNode AdaptNodeForInference(const onnx::NodeProto& node, int64_t opset,
                                  const ConstMap& consts,
                                  const TypeMap& types) {
  const std::string& op = node.op_type();
  AdaptedNode as_is{node, {}, false, ""};
  if (opset <= kInferenceMaxOpset) return as_is;
  if (IsReduce18(op)) return AdaptReduce(node, consts);
  if (op == "Split") {
    if (!FindAttr(node, "num_outputs")) return as_is;
    onnx::NodeProto n = node;
    RemoveAttr(&n, "num_outputs");
    return Rewritten(std::move(n));
  }
  if (op == "Pad") return AdaptPad(node, consts, types);
  if (op == "Resize") return AdaptResize(node);
  if (op == "ScatterND" || op == "ScatterElements") {
    const std::string r = AttrString(node, "reduction", "none");
    if (r != "max" && r != "min") return as_is;
    onnx::NodeProto n = node;
    RemoveAttr(&n, "reduction");
    return Rewritten(std::move(n));
  }
  if (op == "AveragePool" && opset >= 19) return AdaptPool(node, false);
  if (op == "LpPool") return AdaptPool(node, true);
  if (op == "GridSample" && opset >= 20) {
    const std::string mode = AttrString(node, "mode", "linear");
    onnx::NodeProto n = node;
    SetAttrString(&n, "mode",
                  mode == "linear"  ? "bilinear"
                  : mode == "cubic" ? "bicubic"
                                    : mode);
    return Rewritten(std::move(n));
  }
  if (IsShapePreservingNewOp(op)) return StandIn(node, "Identity", 1);
  if (op == "BitwiseAnd" || op == "BitwiseOr" || op == "BitwiseXor") {
    return StandIn(node, "Add", 2);
  }
  if (IsUnadaptable(op)) {
    return Unresolved(absl::StrCat(op, " is new or changed after opset ",
                                   kInferenceMaxOpset,
                                   " and not inferred by this analysis"));
  }
  return as_is;
}

}  // namespace onnx_internal
}  // namespace joule
