// ONNX cost analysis: what one inference of an ONNX model costs, per node
// and in total, from the graph alone (docs/ARCHITECTURE.md, "Cost model": the
// graph is analysed once, at registration). The model registry turns the result
// into the JobCost the scheduler places jobs with; `joulectl analyze` prints
// it with no daemon.
//
// How shapes are found:
//   1. Inputs get concrete shapes: the shapes given by the caller, else the
//      model's own; a dynamic FIRST dimension defaults to 1 (batch 1); any
//      other dynamic dimension must be given, or the analysis fails naming
//      the input and the dimension.
//   2. ONNX's shape inference (onnx::shape_inference::InferShapes) runs, in
//      a forked child: ONNX 1.12 crashes on some malformed models, which
//      must be INVALID_ARGUMENT instead (onnx_infer.h).
//   3. Nodes whose outputs are constants once shapes are known (Shape,
//      Gather, Slice, Unsqueeze, Concat, Cast, ... over shapes; see
//      onnx_fold.h) are folded into initializers, and inference runs again,
//      until nothing more folds. ONNX 1.12 alone leaves
//      Reshape(x, Concat(Gather(Shape(x)), ...)) unknown; this resolves it.
//   A node whose output shape or cost still cannot be determined is listed
//   in `unresolved_nodes` (and costs 0). An unresolved node never fails the
//   analysis: the result says it is partial (`complete`, `partial_reason`,
//   nodes_resolved of nodes_total), its cost is what the resolved nodes
//   cost, and the scheduler's calibration from measured runs corrects it
//   (docs/ARCHITECTURE.md, "Cost model"). With no activation known at all,
//   the JobCost counts the inputs read once, so the prediction is memory
//   traffic and never 0.
//
// Opsets newer than 17 (what Debian's ONNX 1.12 knows): a model is never
// refused for its opset. Before each inference pass every node is brought
// into its opset-17 form with the same output shapes, or left out of
// inference and unresolved (onnx_opset_adapt.h says which ops and why);
// beyond the newest opset whose operator changes the analysis knows
// (kOpsKnownOpset), nodes are costed as at that opset and the result is
// partial.
//
// Cost formulas (a multiply-add is 2 ops; E = elements of the output, X of
// the first input; bias/C adds one op per output element when present):
//   Conv, ConvInteger, QLinearConv  MACs = E·(C/group)·∏kernel (depthwise
//                                   and grouped included), ops = 2·MACs+bias
//   ConvTranspose        MACs = X·(M/group)·∏kernel, ops = 2·MACs + bias
//   MatMul(+Integer/QLinear)  MACs = E·K (K: A's last dim), ops = 2·MACs
//   Gemm                 MACs = M·N·K, ops = 2·MACs + (C ? M·N : 0)
//   MaxPool, AveragePool, LpPool     ops = E·∏kernel
//   Global{Average,Max,Lp}Pool       ops = X
//   BatchNormalization   ops = 2·E (folded to one scale and one shift)
//   LayerNormalization   ops = 6·E + (bias ? E : 0): mean, subtract,
//                        square, variance, normalise, scale (+ shift)
//   InstanceNormalization, GroupNormalization  ops = 7·E
//   RMSNormalization     ops = 4·E (square, mean, normalise, scale)
//   RotaryEmbedding      ops = 3·E (two multiplies and an add per element)
//   Softmax, LogSoftmax  ops = 3·E (exp, sum, divide); Hardmax E
//   ReduceMean/Sum/Max/Min/Prod/L1/LogSum, ArgMax/ArgMin  ops = X;
//   ReduceSumSquare/L2/LogSumExp  ops = 2·X
//   Resize, Upsample     nearest E; linear 2·2^r·E; cubic 2·4^r·E, r = axes
//                        whose size changes (one multiply-add per tap)
//   QuantizeLinear, DequantizeLinear  ops = 2·E
//   elementwise unary and binary (Relu, Sigmoid, Clip, Add, Mul, Div, Pow,
//   Where, ...)          ops = E; variadic Sum/Max/Min/Mean: (inputs-1)·E
//   data movement (Transpose, Concat, Slice, Gather, Pad, Cast, ...)  0 ops
//   MACs count only Conv, ConvTranspose, MatMul and Gemm (and their
//   quantised forms).
//
// Bytes:
//   weights      every initializer a node reads, and every Constant node's
//                tensor, once each. Attributed, per node, to the first node
//                (in topological order) that reads it.
//   activations  every output tensor a node writes, except outputs of
//                views (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
//                Dropout), of Constant nodes (weights) and of folded nodes
//                (computed at analysis time).
//   Both come two ways: `native_*` in the model's own data types, and the
//   FP32-referenced figure (elements × 4) the scheduler's JobCost wants
//   (core/types.h: bytes at FP32, scaled down by the precision a device
//   runs). For an FP32 model the two agree; an FP16 model's native bytes
//   are half its FP32-referenced ones.
//
// JobCost (ToJobCost): one inference at the analysed shapes is one batch
// item, at the model's own precision only (`precision`; model_precision in
// the JobCost): an FP32 model is predicted at FP32 peak, not at the INT8
// peak of a device that could only reach it by quantising the model. A
// device whose profile converts models (DeviceSpec::converts_models_to)
// may run it at those precisions too, with the same ops; the analysis
// itself converts nothing. Weight and activation bytes are
// FP32-referenced; input and output bytes are the model's inputs and
// outputs in their own types (they cross the link as sent).
//
// Malformed input (not a protobuf, truncated, no graph, cyclic graph, a
// node input nothing produces, data that does not match its dims, counts
// that overflow 64 bits, ...) is INVALID_ARGUMENT with a message that names
// the node or the field; no ONNX or protobuf exception escapes.
//
// Thread-safe: the functions are pure and may run concurrently.
#ifndef JOULE_MODELS_ONNX_ANALYSIS_H_
#define JOULE_MODELS_ONNX_ANALYSIS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/types.h"

namespace joule {

// Input name -> concrete dims (every dim > 0).
using InputShapes = std::map<std::string, std::vector<int64_t>>;

// Files larger than this are refused (protobuf's own limit is 2 GiB; larger
// models keep their weights in external data files).
inline constexpr int64_t kMaxOnnxModelBytes = int64_t{1} << 30;

struct OnnxTensorInfo {
  std::string name;
  std::string dtype;           // "float32", "float16", "int64", ...
  int32_t onnx_elem_type = 0;  // onnx::TensorProto::DataType
  // As analysed (dynamic dims fixed). For an output whose shape could not
  // be inferred: shape_known is false, unknown dims are -1, bytes 0.
  std::vector<int64_t> shape;
  bool shape_known = true;
  int64_t bytes = 0;  // in its own dtype
  // Inputs only: the dims the model declares, -1 where a dim is dynamic (a
  // dim_param or no value); all -1 when the model gives no shape. A job's
  // tensors must match the static dims; the dynamic ones are theirs.
  std::vector<int64_t> model_shape;
};

struct OnnxNodeInfo {
  enum class Kind {
    kCompute,     // costed by a formula; its outputs are activations
    kView,        // Reshape, Flatten, ...: no ops, no bytes
    kConstant,    // a Constant node: its tensor is weights
    kFolded,      // computed at analysis time: no ops, no bytes
    kUnresolved,  // shape or cost unknown; counted as 0
  };
  std::string name;  // the node's name, or "Conv#3" when it has none
  std::string op_type;
  std::string domain;  // "" for the default ONNX domain
  Kind kind = Kind::kCompute;
  // Per output; nullopt when that output's shape is unknown. Unknown dims
  // inside a known rank are -1.
  std::vector<std::optional<std::vector<int64_t>>> output_shapes;
  int64_t ops = 0;
  int64_t macs = 0;
  int64_t weight_bytes = 0;       // FP32-referenced, see "Bytes" above
  int64_t activation_bytes = 0;   // FP32-referenced
  std::string unresolved_reason;  // set for kUnresolved
};

// "compute", "view", "constant", "folded", "unresolved".
absl::string_view NodeKindName(OnnxNodeInfo::Kind kind);

struct OnnxAnalysis {
  int64_t ir_version = 0;
  int64_t opset = 0;  // of the default ONNX domain
  std::string producer;
  std::string graph_name;
  // The model's own precision: INT8 when it has quantised ops or mostly
  // 8-bit weights, FP16 when mostly half-precision weights, else FP32.
  Precision precision = Precision::kFp32;

  std::vector<OnnxTensorInfo> inputs;
  std::vector<OnnxTensorInfo> outputs;
  std::vector<OnnxNodeInfo> nodes;  // topological order

  int64_t ops = 0;
  int64_t macs = 0;
  int64_t weight_bytes = 0;      // FP32-referenced (elements × 4)
  int64_t activation_bytes = 0;  // FP32-referenced (elements × 4)
  int64_t native_weight_bytes = 0;
  int64_t native_activation_bytes = 0;
  int64_t input_bytes = 0;   // native, all inputs
  int64_t output_bytes = 0;  // native, all outputs of known shape
  // Nodes whose shape or cost is unknown, by name, in topological order.
  std::vector<std::string> unresolved_nodes;
  // ONNX shape-inference passes run (1 + one per round of folding).
  int inference_passes = 0;
  // Whether the cost covers the whole model: every node resolved, at an
  // opset whose operators the analysis knows. A partial cost is what the
  // resolved nodes cost; measured runs correct it (calibration).
  bool complete = true;
  // Why it is partial ("" when complete): the unresolved nodes (the first
  // named, with its reason) and/or an opset newer than kOpsKnownOpset.
  std::string partial_reason;
  int nodes_resolved = 0;  // nodes not unresolved (constants included)
  int nodes_total = 0;

  // ops / (weight_bytes + activation_bytes), at FP32; 0 with no bytes.
  double ArithmeticIntensity() const;
  // nodes_resolved / nodes_total (1 for no nodes).
  double ResolvedFraction() const;
  // "" when complete, else "cost partly estimated: N of M nodes resolved;
  // refined by measured runs (partial_reason)".
  std::string CostNote() const;
  // See "JobCost" above.
  JobCost ToJobCost() const;
};

// Analyses a serialized onnx.ModelProto.
absl::StatusOr<OnnxAnalysis> AnalyzeOnnx(absl::string_view model_bytes,
                                         const InputShapes& input_shapes = {});

// Reads a whole ONNX file (at most kMaxOnnxModelBytes). NOT_FOUND,
// PERMISSION_DENIED, ... naming the path when it cannot be read;
// INVALID_ARGUMENT when it is too large or not a regular file.
absl::StatusOr<std::string> ReadOnnxFile(const std::string& path);

// Parses "NAME=D1,D2,...", several separated by ';' (the joulectl
// --input-shape and policy-file syntax), into `shapes`. INVALID_ARGUMENT
// naming the offending entry for a missing '=', a non-integer or
// non-positive dim, or a name given twice.
absl::Status ParseInputShapes(absl::string_view spec, InputShapes* shapes);

}  // namespace joule

#endif  // JOULE_MODELS_ONNX_ANALYSIS_H_
