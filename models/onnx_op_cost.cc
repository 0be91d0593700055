#include "models/onnx_op_cost.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;

// Overflow-checked arithmetic on counts: once a step overflows the result
// stays invalid, and CostOf reports OUT_OF_RANGE.
class Count {
 public:
  Count(int64_t v = 0) : v_(v), ok_(v >= 0) {}  // NOLINT: implicit on purpose
  Count operator*(Count o) const {
    std::optional<int64_t> r;
    if (ok_ && o.ok_) r = CheckedMul(v_, o.v_);
    return r ? Count(*r) : Invalid();
  }
  Count operator+(Count o) const {
    std::optional<int64_t> r;
    if (ok_ && o.ok_) r = CheckedAdd(v_, o.v_);
    return r ? Count(*r) : Invalid();
  }
  bool ok() const { return ok_; }
  int64_t value() const { return v_; }
  static Count Invalid() {
    Count c;
    c.ok_ = false;
    return c;
  }

 private:
  int64_t v_;
  bool ok_;
};

Count Numel(const Dims& d) {
  std::optional<int64_t> n = CheckedNumel(d);
  if (!n) return Count::Invalid();
  return Count(*n);
}

Count Product(Dims::const_iterator begin, Dims::const_iterator end) {
  return Numel(Dims(begin, end));
}

absl::StatusOr<OpCost> Make(Count ops, Count macs) {
  if (!ops.ok() || !macs.ok()) {
    return absl::OutOfRangeError("op count overflows 64 bits");
  }
  return OpCost{ops.value(), macs.value()};
}

absl::StatusOr<OpCost> Ops(Count ops) { return Make(ops, 0); }

// The known shape of input `i`, or FAILED_PRECONDITION naming the slot.
absl::StatusOr<Dims> InShape(const std::vector<const TensorType*>& inputs,
                             int i, const onnx::NodeProto& node,
                             size_t min_rank = 0) {
  if (i >= static_cast<int>(inputs.size()) || !inputs[i] ||
      !inputs[i]->FullyKnown()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "shape of input ",
        i < node.input_size() ? absl::StrCat("'", node.input(i), "'")
                              : absl::StrCat(i),
        " is unknown"));
  }
  if (inputs[i]->dims.size() < min_rank) {
    return absl::FailedPreconditionError(
        absl::StrCat("input '", node.input(i), "' has rank ",
                     inputs[i]->dims.size(), ", expected at least ", min_rank));
  }
  return inputs[i]->dims;
}

bool Has(const std::vector<const TensorType*>& slots, int i,
         const onnx::NodeProto& node, bool input) {
  const int n = input ? node.input_size() : node.output_size();
  return i < n && !(input ? node.input(i) : node.output(i)).empty();
}

// Conv, ConvInteger, QLinearConv: W is [M, C/group, k...], Y [N, M, ...].
absl::StatusOr<OpCost> ConvCost(const onnx::NodeProto& node,
                                const std::vector<const TensorType*>& in,
                                const Dims& y, int w_index, int bias_index) {
  absl::StatusOr<Dims> w = InShape(in, w_index, node, 3);
  if (!w.ok()) return w.status();
  const Count macs = Numel(y) * Product(w->begin() + 1, w->end());
  const bool bias = bias_index >= 0 && Has(in, bias_index, node, true);
  return Make(Count(2) * macs + (bias ? Numel(y) : 0), macs);
}

// ConvTranspose: X [N, C, in...], W [C, M/group, k...]: each input element
// is scattered to (M/group)·∏k outputs.
absl::StatusOr<OpCost> ConvTransposeCost(
    const onnx::NodeProto& node, const std::vector<const TensorType*>& in,
    const Dims& y) {
  absl::StatusOr<Dims> x = InShape(in, 0, node, 3);
  if (!x.ok()) return x.status();
  absl::StatusOr<Dims> w = InShape(in, 1, node, 3);
  if (!w.ok()) return w.status();
  const Count macs = Numel(*x) * Product(w->begin() + 1, w->end());
  const bool bias = Has(in, 2, node, true);
  return Make(Count(2) * macs + (bias ? Numel(y) : 0), macs);
}

// MatMul family: K is A's last dim; every output element is K MACs.
absl::StatusOr<OpCost> MatMulCost(const onnx::NodeProto& node,
                                  const std::vector<const TensorType*>& in,
                                  const Dims& y, int a_index) {
  absl::StatusOr<Dims> a = InShape(in, a_index, node, 1);
  if (!a.ok()) return a.status();
  const Count macs = Numel(y) * a->back();
  return Make(Count(2) * macs, macs);
}

absl::StatusOr<OpCost> GemmCost(const onnx::NodeProto& node,
                                const std::vector<const TensorType*>& in,
                                const Dims& y) {
  absl::StatusOr<Dims> a = InShape(in, 0, node, 2);
  if (!a.ok()) return a.status();
  const int64_t k = AttrInt(node, "transA", 0) ? (*a)[0] : (*a)[1];
  const Count macs = Numel(y) * k;
  const bool c = Has(in, 2, node, true);
  return Make(Count(2) * macs + (c ? Numel(y) : 0), macs);
}

absl::StatusOr<OpCost> PoolCost(const onnx::NodeProto& node, const Dims& y) {
  std::optional<Dims> kernel = AttrInts(node, "kernel_shape");
  if (!kernel) {
    return absl::FailedPreconditionError("kernel_shape attribute is missing");
  }
  return Ops(Numel(y) * Numel(*kernel));
}

// Resize / Upsample: nearest reads one input per output; linear 2^r taps and
// cubic 4^r taps, r the number of axes whose size changes, each tap one
// multiply-add.
absl::StatusOr<OpCost> ResizeCost(const onnx::NodeProto& node,
                                  const std::vector<const TensorType*>& in,
                                  const Dims& y) {
  absl::StatusOr<Dims> x = InShape(in, 0, node);
  if (!x.ok()) return x.status();
  if (x->size() != y.size()) {
    return absl::FailedPreconditionError("input and output ranks differ");
  }
  int resized = 0;
  for (size_t i = 0; i < y.size(); ++i) resized += (*x)[i] != y[i];
  if (resized > 20) return absl::OutOfRangeError("too many resized axes");
  const std::string mode = AttrString(node, "mode", "nearest");
  int64_t per_output = 1;
  if (mode == "linear" || mode == "bilinear" || mode == "trilinear") {
    per_output = 2 * (int64_t{1} << resized);
  } else if (mode == "cubic") {
    per_output = 2 * (int64_t{1} << (2 * resized));
  } else if (mode != "nearest") {
    return absl::UnimplementedError(
        absl::StrCat("no cost formula for resize mode '", mode, "'"));
  }
  return Ops(Numel(y) * per_output);
}

const std::set<std::string>& UnaryOps() {
  static const auto* ops = new std::set<std::string>{"Relu",
                                                     "LeakyRelu",
                                                     "Sigmoid",
                                                     "HardSigmoid",
                                                     "HardSwish",
                                                     "Tanh",
                                                     "Exp",
                                                     "Log",
                                                     "Sqrt",
                                                     "Reciprocal",
                                                     "Neg",
                                                     "Abs",
                                                     "Floor",
                                                     "Ceil",
                                                     "Round",
                                                     "Sign",
                                                     "Erf",
                                                     "Elu",
                                                     "Selu",
                                                     "Celu",
                                                     "Softplus",
                                                     "Softsign",
                                                     "ThresholdedRelu",
                                                     "Sin",
                                                     "Cos",
                                                     "Tan",
                                                     "Asin",
                                                     "Acos",
                                                     "Atan",
                                                     "Sinh",
                                                     "Cosh",
                                                     "Asinh",
                                                     "Acosh",
                                                     "Atanh",
                                                     "Not",
                                                     "IsNaN",
                                                     "IsInf",
                                                     "Clip",
                                                     "Shrink",
                                                     "Mish",
                                                     "Gelu",
                                                     "BitwiseNot"};
  return *ops;
}

const std::set<std::string>& BinaryOps() {
  static const auto* ops = new std::set<std::string>{
      "Add",      "Sub",   "Mul",        "Div",         "Pow",
      "Mod",      "PRelu", "And",        "Or",          "Xor",
      "Equal",    "Less",  "Greater",    "LessOrEqual", "GreaterOrEqual",
      "BitShift", "Where", "BitwiseAnd", "BitwiseOr",   "BitwiseXor"};
  return *ops;
}

const std::set<std::string>& VariadicOps() {
  static const auto* ops =
      new std::set<std::string>{"Sum", "Max", "Min", "Mean"};
  return *ops;
}

// No arithmetic, but a new output tensor is written.
const std::set<std::string>& DataMovementOps() {
  static const auto* ops = new std::set<std::string>{"Transpose",
                                                     "Concat",
                                                     "Split",
                                                     "Slice",
                                                     "Gather",
                                                     "GatherElements",
                                                     "GatherND",
                                                     "Pad",
                                                     "Tile",
                                                     "Expand",
                                                     "Cast",
                                                     "CastLike",
                                                     "Shape",
                                                     "Size",
                                                     "ConstantOfShape",
                                                     "Range",
                                                     "DepthToSpace",
                                                     "SpaceToDepth",
                                                     "ScatterND",
                                                     "ScatterElements",
                                                     "Scatter",
                                                     "OneHot",
                                                     "EyeLike",
                                                     "Trilu",
                                                     "ReverseSequence",
                                                     "Reshape",
                                                     "Flatten",
                                                     "Squeeze",
                                                     "Unsqueeze",
                                                     "Identity",
                                                     "Dropout",
                                                     "Constant"};
  return *ops;
}

const std::set<std::string>& ReduceOps() {
  static const auto* ops = new std::set<std::string>{
      "ReduceMean", "ReduceSum",    "ReduceMax", "ReduceMin", "ReduceProd",
      "ReduceL1",   "ReduceLogSum", "ArgMax",    "ArgMin"};
  return *ops;
}

}  // namespace

absl::StatusOr<OpCost> CostOf(const onnx::NodeProto& node,
                              const std::vector<const TensorType*>& in,
                              const std::vector<const TensorType*>& out) {
  const std::string& op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    return absl::UnimplementedError(absl::StrCat(
        "no cost formula for ops of domain '", node.domain(), "'"));
  }
  if (out.empty() || !out[0] || !out[0]->FullyKnown()) {
    return absl::FailedPreconditionError("output shape is unknown");
  }
  const Dims& y = out[0]->dims;
  const Count e = Numel(y);

  if (op == "Conv") return ConvCost(node, in, y, 1, 2);
  if (op == "ConvInteger") return ConvCost(node, in, y, 1, -1);
  if (op == "QLinearConv") return ConvCost(node, in, y, 3, 8);
  if (op == "ConvTranspose") return ConvTransposeCost(node, in, y);
  if (op == "MatMul" || op == "MatMulInteger")
    return MatMulCost(node, in, y, 0);
  if (op == "QLinearMatMul") return MatMulCost(node, in, y, 0);
  if (op == "Gemm") return GemmCost(node, in, y);
  if (op == "MaxPool" || op == "AveragePool" || op == "LpPool") {
    return PoolCost(node, y);
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool" ||
      op == "GlobalLpPool") {
    absl::StatusOr<Dims> x = InShape(in, 0, node);
    if (!x.ok()) return x.status();
    return Ops(Numel(*x));
  }
  if (op == "BatchNormalization") return Ops(Count(2) * e);
  if (op == "LayerNormalization") {
    return Ops(Count(Has(in, 2, node, true) ? 7 : 6) * e);
  }
  if (op == "InstanceNormalization" || op == "GroupNormalization") {
    return Ops(Count(7) * e);
  }
  if (op == "RMSNormalization") return Ops(Count(4) * e);
  if (op == "RotaryEmbedding") return Ops(Count(3) * e);
  if (op == "Softmax" || op == "LogSoftmax") return Ops(Count(3) * e);
  if (op == "Hardmax") return Ops(e);
  if (ReduceOps().count(op) || op == "ReduceSumSquare" || op == "ReduceL2" ||
      op == "ReduceLogSumExp") {
    absl::StatusOr<Dims> x = InShape(in, 0, node);
    if (!x.ok()) return x.status();
    const int per = ReduceOps().count(op) ? 1 : 2;
    return Ops(Count(per) * Numel(*x));
  }
  if (op == "Resize" || op == "Upsample") return ResizeCost(node, in, y);
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    return Ops(Count(2) * e);
  }
  if (UnaryOps().count(op) || BinaryOps().count(op)) return Ops(e);
  if (VariadicOps().count(op)) {
    return Ops(Count(std::max(1, node.input_size() - 1)) * e);
  }
  if (DataMovementOps().count(op)) return Ops(0);
  return absl::UnimplementedError(
      absl::StrCat("no cost formula for op '", op, "'"));
}

}  // namespace onnx_internal
}  // namespace joule
