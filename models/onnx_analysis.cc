#include "models/onnx_analysis.h"

#include <algorithm>
#include <exception>
#include <new>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/onnx_checks.h"
#include "models/onnx_fold.h"
#include "models/onnx_graph.h"
#include "models/onnx_infer.h"
#include "models/onnx_op_cost.h"
#include "models/onnx_opset_adapt.h"
#include "models/onnx_util.h"
#include "onnx/onnx_pb.h"

namespace joule {

using onnx_internal::CheckedAdd;
using onnx_internal::CheckedConstantNodeTensor;
using onnx_internal::CheckedMul;
using onnx_internal::CheckedNumel;
using onnx_internal::CheckTensorData;
using onnx_internal::ConstMap;
using onnx_internal::ConstTensor;
using onnx_internal::FixInputShape;
using onnx_internal::GraphIndex;
using onnx_internal::NodeLabel;
using onnx_internal::SetTensorShape;
using onnx_internal::ShapeString;
using onnx_internal::TensorType;
using onnx_internal::TypeMap;

namespace {

using Dims = std::vector<int64_t>;

// Before 7 models predate the shape-inference functions this relies on.
// Newer opsets than ONNX 1.12 knows (17) are adapted (onnx_opset_adapt.h).
constexpr int64_t kMinOpset = 7;
// The IR version ONNX 1.12 knows; newer models are inferred as of it (the
// graph constructs the analysis uses are the same).
constexpr int64_t kInferenceMaxIrVersion = 8;
// Each pass folds at least one node, so this only bounds pathological
// graphs with very long shape-computation chains.
constexpr int kMaxInferencePasses = 64;
constexpr int64_t kFp32Bytes = 4;

absl::Status Invalid(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

TypeMap CollectTypes(const onnx::GraphProto& g) {
  TypeMap types;
  auto add = [&types](const onnx::ValueInfoProto& vi) {
    std::optional<TensorType> t = onnx_internal::TypeOf(vi.type());
    if (t) types[vi.name()] = *t;
  };
  for (const auto& vi : g.input()) add(vi);
  for (const auto& vi : g.value_info()) add(vi);
  for (const auto& vi : g.output()) add(vi);
  for (const auto& t : g.initializer())
    types[t.name()] = onnx_internal::TypeOf(t);
  return types;
}

// One initializer or Constant tensor: what it weighs.
struct Weight {
  int64_t elements = 0;
  int32_t elem_type = 0;
};

bool IsQuantizedOp(const std::string& op) {
  return op == "QLinearConv" || op == "QLinearMatMul" || op == "ConvInteger" ||
         op == "MatMulInteger" || op == "QuantizeLinear" ||
         op == "DequantizeLinear" || op == "DynamicQuantizeLinear";
}

// Everything the analysis carries between its steps.
class Analyzer {
 public:
  Analyzer(const onnx::ModelProto& model, const InputShapes& shapes)
      : model_(model), graph_(model.graph()), shapes_(shapes) {}

  absl::StatusOr<OnnxAnalysis> Run() {
    if (absl::Status s = CheckHeader(); !s.ok()) return s;
    absl::StatusOr<GraphIndex> index = onnx_internal::IndexGraph(graph_);
    if (!index.ok()) return index.status();
    index_ = *std::move(index);
    if (absl::Status s = BuildWorkModel(); !s.ok()) return s;
    if (absl::Status s = InferToFixedPoint(); !s.ok()) return s;
    return Cost();
  }

 private:
  // A convolution's weight is [M, C/group, k1, ..., kn]: rank 3 or more.
  // ONNX 1.12's ConvTranspose inference reads its dims without checking and
  // may crash (or not: the read is out of bounds) on a lower rank, so such a
  // model is refused here, the same way every time.
  absl::Status CheckConvWeight(const onnx::NodeProto& node, int index) const {
    if (!node.domain().empty() || node.input_size() < 2 ||
        (node.op_type() != "Conv" && node.op_type() != "ConvTranspose")) {
      return absl::OkStatus();
    }
    for (const onnx::TensorProto& t : graph_.initializer()) {
      if (t.name() == node.input(1) && t.dims_size() < 3) {
        return Invalid(absl::StrCat("node ", NodeLabel(node, index),
                                    ": weight '", t.name(), "' has rank ",
                                    t.dims_size(),
                                    "; a convolution's weight has rank >= 3"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckHeader() {
    if (!model_.has_graph() || graph_.node_size() == 0) {
      return Invalid("not an ONNX model: it has no graph or no nodes");
    }
    if (model_.ir_version() <= 0) {
      return Invalid("not an ONNX model: ir_version is missing");
    }
    bool found = false;
    for (const onnx::OperatorSetIdProto& o : model_.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") {
        opset_ = o.version();
        found = true;
      }
    }
    if (!found) {
      return Invalid("opset_import: no version for the default ONNX domain");
    }
    if (opset_ < kMinOpset) {
      return Invalid(absl::StrCat("opset_import: opset ", opset_,
                                  " is not supported (", kMinOpset,
                                  " or newer)"));
    }
    return absl::OkStatus();
  }

  // The model ONNX's inference runs on: nodes in topological order, inputs
  // with concrete shapes, large weights replaced by typed graph inputs (so
  // their data is never copied), small ones kept (their values matter).
  absl::Status BuildWorkModel() {
    work_.set_ir_version(std::max<int64_t>(model_.ir_version(), 4));
    *work_.mutable_opset_import() = model_.opset_import();
    *work_.mutable_functions() = model_.functions();
    onnx::GraphProto* g = work_.mutable_graph();
    g->set_name(graph_.name());

    for (int i : index_.real_inputs) {
      const onnx::ValueInfoProto& vi = graph_.input(i);
      std::optional<TensorType> type = onnx_internal::TypeOf(vi.type());
      if (!type) {
        return Invalid(absl::StrCat("input '", vi.name(),
                                    "' is not a tensor (sequence, map and "
                                    "optional inputs are not supported)"));
      }
      if (type->elem_type == 0) {
        return Invalid(
            absl::StrCat("input '", vi.name(), "' has no element type"));
      }
      absl::StatusOr<Dims> dims = FixInputShape(vi, *type, shapes_);
      if (!dims.ok()) return dims.status();
      onnx::ValueInfoProto* in = g->add_input();
      in->set_name(vi.name());
      SetTensorShape(in, type->elem_type, *dims);
      input_dims_[vi.name()] = *dims;
    }
    for (const auto& [name, dims] : shapes_) {
      if (!input_dims_.count(name)) {
        std::vector<std::string> names;
        for (int i : index_.real_inputs)
          names.push_back(graph_.input(i).name());
        return Invalid(absl::StrCat("input_shapes: '", name,
                                    "' is not an input of the model (inputs: ",
                                    absl::StrJoin(names, ", "), ")"));
      }
    }

    for (const onnx::TensorProto& t : graph_.initializer()) {
      absl::StatusOr<int64_t> n =
          CheckTensorData(t, absl::StrCat("initializer '", t.name(), "'"));
      if (!n.ok()) return n.status();
      weights_[t.name()] = Weight{*n, t.data_type()};
      AddConstant(t, t.name(), *n, g);
    }
    for (const onnx::SparseTensorProto& t : graph_.sparse_initializer()) {
      const Dims dims(t.dims().begin(), t.dims().end());
      std::optional<int64_t> nnz = CheckedNumel(
          Dims(t.values().dims().begin(), t.values().dims().end()));
      if (!nnz || !CheckedMul(*nnz, 16) || !CheckedNumel(dims)) {
        return Invalid(absl::StrCat("sparse initializer '", t.values().name(),
                                    "': dims overflow 64 bits"));
      }
      weights_[t.values().name()] = Weight{*nnz, t.values().data_type()};
      SetTensorShape(g->add_input(), t.values().data_type(), dims);
      g->mutable_input(g->input_size() - 1)->set_name(t.values().name());
    }

    for (int i : index_.order) {
      const onnx::NodeProto& node = graph_.node(i);
      if (absl::Status s = CheckConvWeight(node, i); !s.ok()) return s;
      if (node.op_type() == "Constant" && node.domain().empty()) {
        absl::StatusOr<std::optional<onnx::TensorProto>> t =
            CheckedConstantNodeTensor(node, i);
        if (!t.ok()) return t.status();
        if (t->has_value() && node.output_size() == 1 &&
            !node.output(0).empty()) {
          const int64_t n =
              *CheckedNumel(Dims((*t)->dims().begin(), (*t)->dims().end()));
          constant_weights_[i] = Weight{n, (*t)->data_type()};
          AddConstant(**t, node.output(0), n, g);
          continue;  // the work graph holds it as an initializer or input
        }
      }
      *g->add_node() = node;
      work_nodes_.push_back(i);
    }
    for (const onnx::ValueInfoProto& out : graph_.output()) {
      onnx::ValueInfoProto* o = g->add_output();
      o->set_name(out.name());
      if (out.type().has_tensor_type()) {
        o->mutable_type()->mutable_tensor_type()->set_elem_type(
            out.type().tensor_type().elem_type());
      }
    }
    return absl::OkStatus();
  }

  // A weight in the work graph: small ones as initializers whose values
  // folding and ONNX can read, large ones as typed inputs.
  void AddConstant(const onnx::TensorProto& t, const std::string& name,
                   int64_t numel, onnx::GraphProto* g) {
    if (numel <= onnx_internal::kMaxFoldElements) {
      onnx::TensorProto* copy = g->add_initializer();
      *copy = t;
      copy->set_name(name);
      if (std::optional<ConstTensor> c = onnx_internal::ConstFromTensor(t)) {
        consts_[name] = *std::move(c);
      }
      return;
    }
    onnx::ValueInfoProto* in = g->add_input();
    in->set_name(name);
    SetTensorShape(in, t.data_type(), Dims(t.dims().begin(), t.dims().end()));
  }

  // For a model newer than opset 17: the work model with every node in its
  // opset-17 form, or left out (left_out_ says why); see onnx_opset_adapt.h.
  // Returns how many nodes it holds.
  int PrepareForInference(onnx::ModelProto* prepared) {
    *prepared = work_;
    prepared->set_ir_version(
        std::min<int64_t>(prepared->ir_version(), kInferenceMaxIrVersion));
    for (onnx::OperatorSetIdProto& o : *prepared->mutable_opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") {
        o.set_version(std::min(o.version(), onnx_internal::kInferenceMaxOpset));
      }
    }
    onnx::GraphProto* g = prepared->mutable_graph();
    g->clear_node();
    left_out_.clear();
    int kept = 0;
    for (int k = 0; k < work_.graph().node_size(); ++k) {
      const onnx::NodeProto& node = work_.graph().node(k);
      if (!node.domain().empty() && node.domain() != "ai.onnx") {
        *g->add_node() = node;
        ++kept;
        continue;
      }
      onnx_internal::AdaptedNode a =
          onnx_internal::AdaptNodeForInference(node, opset_, consts_, types_);
      if (!a.node) {
        left_out_[work_nodes_[k]] = a.reason;
        continue;
      }
      *g->add_node() = *std::move(a.node);
      for (onnx::TensorProto& t : a.initializers) {
        *g->add_initializer() = std::move(t);
      }
      ++kept;
    }
    return kept;
  }

  absl::Status InferToFixedPoint() {
    folded_.assign(graph_.node_size(), false);
    types_ = CollectTypes(work_.graph());
    const bool adapt = opset_ > onnx_internal::kInferenceMaxOpset;
    int inferred_before = -1;
    for (passes_ = 1;; ++passes_) {
      int inferred = 0;
      if (adapt) {
        onnx::ModelProto prepared;
        inferred = PrepareForInference(&prepared);
        if (absl::Status s = onnx_internal::InferShapesIsolated(&prepared);
            !s.ok()) {
          return s;
        }
        types_ = CollectTypes(prepared.graph());
      } else {
        if (absl::Status s = onnx_internal::InferShapesIsolated(&work_);
            !s.ok()) {
          return s;
        }
        types_ = CollectTypes(work_.graph());
      }
      std::vector<int> newly;
      const onnx::GraphProto& g = work_.graph();
      for (int k = 0; k < g.node_size(); ++k) {
        std::optional<ConstTensor> v = onnx_internal::FoldNode(
            g.node(k), static_cast<int>(opset_), consts_, types_);
        if (!v) continue;
        types_[g.node(k).output(0)] = TensorType{v->elem_type, true, v->dims};
        consts_[g.node(k).output(0)] = *std::move(v);
        newly.push_back(k);
      }
      // Another pass when something folded, or when a node left out of
      // inference could now be adapted (its inputs became known).
      const bool more_adapted =
          adapt && !left_out_.empty() && inferred > inferred_before;
      inferred_before = inferred;
      if ((newly.empty() && !more_adapted) || passes_ >= kMaxInferencePasses)
        return absl::OkStatus();
      if (newly.empty()) continue;
      // Replace the folded nodes by initializers holding their values.
      onnx::GraphProto* mg = work_.mutable_graph();
      google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
      std::vector<int> kept_index;
      size_t next = 0;
      for (int k = 0; k < mg->node_size(); ++k) {
        if (next < newly.size() && newly[next] == k) {
          ++next;
          folded_[work_nodes_[k]] = true;
          const std::string& out = mg->node(k).output(0);
          *mg->add_initializer() =
              onnx_internal::ConstToTensor(consts_.at(out), out);
          continue;
        }
        *kept.Add() = std::move(*mg->mutable_node(k));
        kept_index.push_back(work_nodes_[k]);
      }
      mg->mutable_node()->Swap(&kept);
      work_nodes_ = std::move(kept_index);
    }
  }

  const TensorType* TypeOfValue(const std::string& name) const {
    if (name.empty()) return nullptr;
    auto it = types_.find(name);
    return it == types_.end() ? nullptr : &it->second;
  }

  absl::StatusOr<OnnxAnalysis> Cost();
  absl::Status CostNode(int i, OnnxAnalysis* a,
                        std::unordered_set<std::string>* attributed);
  void Summarize(OnnxAnalysis* a) const;

  const onnx::ModelProto& model_;
  const onnx::GraphProto& graph_;
  const InputShapes& shapes_;
  int64_t opset_ = 0;
  GraphIndex index_;
  onnx::ModelProto work_;
  std::vector<int> work_nodes_;  // work_ node k is graph_.node(work_nodes_[k])
  std::map<std::string, Dims> input_dims_;
  std::unordered_map<std::string, Weight> weights_;   // initializers
  std::unordered_map<int, Weight> constant_weights_;  // Constant nodes
  ConstMap consts_;
  TypeMap types_;
  std::vector<bool> folded_;
  // Nodes (graph_ index) left out of inference at a newer opset, and why.
  std::map<int, std::string> left_out_;
  int passes_ = 0;
};

absl::Status Analyzer::CostNode(int i, OnnxAnalysis* a,
                                std::unordered_set<std::string>* attributed) {
  const onnx::NodeProto& node = graph_.node(i);
  OnnxNodeInfo info;
  info.name = onnx_internal::NodeName(node, i);
  info.op_type = node.op_type();
  info.domain = node.domain() == "ai.onnx" ? "" : node.domain();
  const std::string label = absl::StrCat("node ", NodeLabel(node, i));

  std::vector<const TensorType*> ins, outs;
  std::string unknown_output;
  int64_t out_elements = 0;
  int64_t out_native_bytes = 0;
  for (const std::string& o : node.output()) {
    const TensorType* t = TypeOfValue(o);
    outs.push_back(t);
    info.output_shapes.push_back(
        t && t->has_shape ? std::optional<Dims>(t->dims) : std::nullopt);
    if (o.empty()) continue;
    if (!t || !t->FullyKnown()) {
      if (unknown_output.empty()) unknown_output = o;
      continue;
    }
    std::optional<int64_t> n = CheckedNumel(t->dims);
    std::optional<int64_t> sum =
        n ? CheckedAdd(out_elements, *n) : std::nullopt;
    std::optional<int64_t> native =
        n ? CheckedMul(*n, onnx_internal::ElementSize(t->elem_type))
          : std::nullopt;
    if (native) native = CheckedAdd(out_native_bytes, *native);
    if (!sum || !native || !CheckedMul(*sum, kFp32Bytes)) {
      return Invalid(absl::StrCat(label, ": output '", o, "' shape ",
                                  ShapeString(t->dims),
                                  " has more elements than 64 bits can count"));
    }
    out_elements = *sum;
    out_native_bytes = *native;
  }
  // Weights: overflow-checked, natively and at FP32.
  bool weights_ok = true;
  auto add_weight = [&](const Weight& w) {
    std::optional<int64_t> fp32 =
        CheckedAdd(info.weight_bytes, w.elements * kFp32Bytes);
    std::optional<int64_t> native =
        CheckedAdd(a->native_weight_bytes,
                   w.elements * onnx_internal::ElementSize(w.elem_type));
    weights_ok = weights_ok && fp32 && native;
    if (fp32 && native) {
      info.weight_bytes = *fp32;
      a->native_weight_bytes = *native;
    }
  };
  for (const std::string& in : node.input()) {
    ins.push_back(TypeOfValue(in));
    auto w = weights_.find(in);
    if (w != weights_.end() && attributed->insert(in).second)
      add_weight(w->second);
  }
  auto cw = constant_weights_.find(i);
  if (cw != constant_weights_.end()) add_weight(cw->second);
  if (!weights_ok) {
    return Invalid(absl::StrCat(label, ": weight bytes overflow 64 bits"));
  }
  if (cw != constant_weights_.end()) {
    info.kind = OnnxNodeInfo::Kind::kConstant;
  } else if (folded_[i]) {
    info.kind = OnnxNodeInfo::Kind::kFolded;
  } else if (auto left = left_out_.find(i); left != left_out_.end()) {
    info.kind = OnnxNodeInfo::Kind::kUnresolved;
    info.unresolved_reason = left->second;
  } else if (!unknown_output.empty()) {
    info.kind = OnnxNodeInfo::Kind::kUnresolved;
    info.unresolved_reason =
        absl::StrCat("shape of output '", unknown_output, "' is unknown");
  } else if (onnx_internal::IsAliasOp(node.op_type()) &&
             (node.domain().empty() || node.domain() == "ai.onnx")) {
    info.kind = OnnxNodeInfo::Kind::kView;
  } else {
    absl::StatusOr<onnx_internal::OpCost> cost =
        onnx_internal::CostOf(node, ins, outs);
    if (cost.ok()) {
      info.ops = cost->ops;
      info.macs = cost->macs;
      info.activation_bytes = out_elements * kFp32Bytes;
      std::optional<int64_t> native =
          CheckedAdd(a->native_activation_bytes, out_native_bytes);
      if (!native)
        return Invalid(
            absl::StrCat(label, ": activation bytes overflow 64 bits"));
      a->native_activation_bytes = *native;
    } else if (cost.status().code() == absl::StatusCode::kOutOfRange) {
      return Invalid(absl::StrCat(label, ": ", cost.status().message()));
    } else {
      info.kind = OnnxNodeInfo::Kind::kUnresolved;
      info.unresolved_reason = std::string(cost.status().message());
    }
  }
  if (info.kind == OnnxNodeInfo::Kind::kUnresolved) {
    a->unresolved_nodes.push_back(info.name);
  }
  std::optional<int64_t> ops = CheckedAdd(a->ops, info.ops);
  std::optional<int64_t> macs = CheckedAdd(a->macs, info.macs);
  std::optional<int64_t> wb = CheckedAdd(a->weight_bytes, info.weight_bytes);
  std::optional<int64_t> ab =
      CheckedAdd(a->activation_bytes, info.activation_bytes);
  if (!ops || !macs || !wb || !ab) {
    return Invalid(
        absl::StrCat(label, ": the model's totals overflow 64 bits"));
  }
  a->ops = *ops;
  a->macs = *macs;
  a->weight_bytes = *wb;
  a->activation_bytes = *ab;
  a->nodes.push_back(std::move(info));
  return absl::OkStatus();
}

absl::StatusOr<OnnxAnalysis> Analyzer::Cost() {
  OnnxAnalysis a;
  a.ir_version = model_.ir_version();
  a.opset = opset_;
  a.producer = model_.producer_name();
  if (!model_.producer_version().empty()) {
    absl::StrAppend(&a.producer, " ", model_.producer_version());
  }
  a.graph_name = graph_.name();
  a.inference_passes = passes_;
  std::unordered_set<std::string> attributed;
  for (int i : index_.order) {
    if (absl::Status s = CostNode(i, &a, &attributed); !s.ok()) return s;
  }
  // Nodes that could not be resolved make the cost partial, never an error:
  // an executor may still run the model (docs/ARCHITECTURE.md, "Cost
  // model": measured runs refine it).
  a.nodes_total = static_cast<int>(a.nodes.size());
  a.nodes_resolved =
      a.nodes_total - static_cast<int>(a.unresolved_nodes.size());
  std::vector<std::string> why;
  if (!a.unresolved_nodes.empty()) {
    const OnnxNodeInfo* first = nullptr;
    for (const OnnxNodeInfo& n : a.nodes) {
      if (n.kind == OnnxNodeInfo::Kind::kUnresolved) {
        first = &n;
        break;
      }
    }
    why.push_back(absl::StrCat(
        a.unresolved_nodes.size(), " unresolved, the first '", first->name,
        "' (", first->op_type, "): ", first->unresolved_reason));
  }
  if (opset_ > onnx_internal::kOpsKnownOpset) {
    why.push_back(absl::StrCat(
        "opset ", opset_, " is newer than the operators this analysis knows (",
        onnx_internal::kOpsKnownOpset, "): nodes costed as at ",
        onnx_internal::kOpsKnownOpset));
  }
  a.complete = why.empty();
  a.partial_reason = absl::StrJoin(why, "; ");
  Summarize(&a);
  return a;
}

void Analyzer::Summarize(OnnxAnalysis* a) const {
  for (int i : index_.real_inputs) {
    const std::string& name = graph_.input(i).name();
    OnnxTensorInfo t;
    t.name = name;
    t.onnx_elem_type = graph_.input(i).type().tensor_type().elem_type();
    t.dtype = onnx_internal::DtypeName(t.onnx_elem_type);
    t.shape = input_dims_.at(name);
    t.model_shape.assign(t.shape.size(), -1);
    const onnx::TypeProto::Tensor& declared =
        graph_.input(i).type().tensor_type();
    if (declared.has_shape() &&
        declared.shape().dim_size() == static_cast<int>(t.shape.size())) {
      for (int d = 0; d < declared.shape().dim_size(); ++d) {
        const onnx::TensorShapeProto::Dimension& dim = declared.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0) {
          t.model_shape[d] = dim.dim_value();
        }
      }
    }
    t.bytes =
        *CheckedNumel(t.shape) * onnx_internal::ElementSize(t.onnx_elem_type);
    a->input_bytes += t.bytes;
    a->inputs.push_back(std::move(t));
  }
  for (const onnx::ValueInfoProto& out : graph_.output()) {
    OnnxTensorInfo t;
    t.name = out.name();
    const TensorType* type = TypeOfValue(out.name());
    t.shape_known = type && type->FullyKnown();
    if (type) {
      t.onnx_elem_type = type->elem_type;
      t.shape = type->dims;
      if (type->FullyKnown()) {
        std::optional<int64_t> n = CheckedNumel(type->dims);
        std::optional<int64_t> b =
            n ? CheckedMul(*n, onnx_internal::ElementSize(type->elem_type))
              : std::nullopt;
        t.bytes = b.value_or(0);
      }
    }
    t.dtype = onnx_internal::DtypeName(t.onnx_elem_type);
    a->output_bytes += t.bytes;
    a->outputs.push_back(std::move(t));
  }
  // Precision: quantised ops, else the dtype holding most weight elements.
  int64_t fp16 = 0, fp32 = 0, int8 = 0;
  bool quantized = false;
  auto count = [&](const Weight& w) {
    switch (w.elem_type) {
      case onnx::TensorProto::FLOAT16:
      case onnx::TensorProto::BFLOAT16:
        fp16 += w.elements;
        break;
      case onnx::TensorProto::FLOAT:
      case onnx::TensorProto::DOUBLE:
        fp32 += w.elements;
        break;
      case onnx::TensorProto::INT8:
      case onnx::TensorProto::UINT8:
        int8 += w.elements;
        break;
      default:
        break;
    }
  };
  for (const auto& [name, w] : weights_) count(w);
  for (const auto& [i, w] : constant_weights_) count(w);
  for (const onnx::NodeProto& n : graph_.node())
    quantized |= IsQuantizedOp(n.op_type());
  if (fp16 == 0 && fp32 == 0 && int8 == 0 && !a->inputs.empty() &&
      a->inputs[0].onnx_elem_type == onnx::TensorProto::FLOAT16) {
    fp16 = 1;
  }
  if (quantized || (int8 > fp32 && int8 > fp16)) {
    a->precision = Precision::kInt8;
  } else if (fp16 > fp32) {
    a->precision = Precision::kFp16;
  }
}

}  // namespace

absl::string_view NodeKindName(OnnxNodeInfo::Kind kind) {
  switch (kind) {
    case OnnxNodeInfo::Kind::kCompute:
      return "compute";
    case OnnxNodeInfo::Kind::kView:
      return "view";
    case OnnxNodeInfo::Kind::kConstant:
      return "constant";
    case OnnxNodeInfo::Kind::kFolded:
      return "folded";
    case OnnxNodeInfo::Kind::kUnresolved:
      return "unresolved";
  }
  return "?";
}

double OnnxAnalysis::ArithmeticIntensity() const {
  const double bytes =
      static_cast<double>(weight_bytes) + static_cast<double>(activation_bytes);
  return bytes > 0 ? static_cast<double>(ops) / bytes : 0;
}

double OnnxAnalysis::ResolvedFraction() const {
  return nodes_total > 0 ? static_cast<double>(nodes_resolved) / nodes_total
                         : 1.0;
}

std::string OnnxAnalysis::CostNote() const {
  if (complete) return "";
  return absl::StrCat(
      "cost partly estimated: ", nodes_resolved, " of ", nodes_total,
      " nodes resolved; refined by measured runs (", partial_reason, ")");
}

JobCost OnnxAnalysis::ToJobCost() const {
  JobCost c;
  c.model_precision = precision;
  c.ops_by_precision[static_cast<int>(precision)] = static_cast<double>(ops);
  c.weight_bytes = static_cast<double>(weight_bytes);
  c.activation_bytes = static_cast<double>(activation_bytes);
  if (!complete && activation_bytes == 0) {
    // Nothing of the activations is known: at least the inputs are read
    // once (FP32-referenced), so the prediction is memory traffic, not 0.
    double elements = 0;
    for (const OnnxTensorInfo& t : inputs) {
      const int size = onnx_internal::ElementSize(t.onnx_elem_type);
      if (size > 0) elements += static_cast<double>(t.bytes) / size;
    }
    c.activation_bytes = elements * kFp32Bytes;
  }
  c.input_bytes = static_cast<double>(input_bytes);
  c.output_bytes = static_cast<double>(output_bytes);
  return c;
}

absl::StatusOr<OnnxAnalysis> AnalyzeOnnx(absl::string_view model_bytes,
                                         const InputShapes& input_shapes) {
  if (model_bytes.empty())
    return Invalid("not an ONNX model: the file is empty");
  if (static_cast<int64_t>(model_bytes.size()) > kMaxOnnxModelBytes) {
    return Invalid(absl::StrCat("the model is ", model_bytes.size(),
                                " bytes; at most ", kMaxOnnxModelBytes,
                                " are accepted"));
  }
  try {
    onnx::ModelProto model;
    if (!model.ParseFromArray(model_bytes.data(),
                              static_cast<int>(model_bytes.size()))) {
      return Invalid(
          "not an ONNX model: the bytes do not parse as an onnx.ModelProto "
          "(truncated, or not a protobuf)");
    }
    return Analyzer(model, input_shapes).Run();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory analysing the model");
  } catch (const std::exception& e) {
    return Invalid(absl::StrCat("ONNX analysis failed: ", e.what()));
  }
}

}  // namespace joule
