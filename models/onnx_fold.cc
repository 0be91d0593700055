#include "models/onnx_fold.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "models/onnx_fold_arith.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;
using onnx::TensorProto;

// An integer list from an attribute (before `input_since_opset`) or from
// input `i` (from then on). nullopt: given but not known; `absent` set when
// neither is given.
std::optional<Dims> IntsArg(const onnx::NodeProto& node, int opset,
                            int input_since_opset, const char* attr, int i,
                            const ConstMap& consts, bool* absent) {
  *absent = false;
  if (opset < input_since_opset) {
    std::optional<Dims> a = AttrInts(node, attr);
    if (!a) *absent = true;
    return a;
  }
  if (!HasInput(node, i)) {
    *absent = true;
    return std::nullopt;
  }
  const ConstTensor* c = ConstInput(node, i, consts);
  if (!c || c->is_real()) return std::nullopt;
  return c->ints;
}

// Normalises a possibly negative axis; false when out of [-rank, rank).
bool NormAxis(int64_t rank, int64_t* axis) {
  if (*axis < -rank || *axis >= rank) return false;
  if (*axis < 0) *axis += rank;
  return true;
}

std::optional<ConstTensor> FoldGather(const onnx::NodeProto& node,
                                      const ConstTensor& data,
                                      const ConstTensor& indices) {
  if (indices.is_real() || data.dims.empty()) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  int64_t axis = AttrInt(node, "axis", 0);
  if (!NormAxis(rank, &axis)) return std::nullopt;
  Dims dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  std::optional<ConstTensor> out = MakeConst(data.elem_type, dims);
  if (!out) return std::nullopt;
  const int64_t axis_dim = data.dims[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.dims[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= data.dims[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t idx : indices.ints) {
      if (idx < -axis_dim || idx >= axis_dim) return std::nullopt;
      if (idx < 0) idx += axis_dim;
      for (int64_t i = 0; i < inner; ++i) {
        AppendElement(data, (o * axis_dim + idx) * inner + i, &*out);
      }
    }
  }
  return out;
}

std::optional<ConstTensor> FoldSlice(const onnx::NodeProto& node, int opset,
                                     const ConstMap& consts) {
  const ConstTensor* x = ConstInput(node, 0, consts);
  if (!x) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(x->dims.size());
  bool absent = false;
  std::optional<Dims> starts =
      IntsArg(node, opset, 10, "starts", 1, consts, &absent);
  std::optional<Dims> ends =
      IntsArg(node, opset, 10, "ends", 2, consts, &absent);
  if (!starts || !ends || starts->size() != ends->size()) return std::nullopt;
  std::optional<Dims> axes =
      IntsArg(node, opset, 10, "axes", 3, consts, &absent);
  if (!axes) {
    if (!absent) return std::nullopt;
    axes = Dims();
    for (size_t i = 0; i < starts->size(); ++i) axes->push_back(i);
  }
  Dims steps(starts->size(), 1);
  if (opset >= 10 && HasInput(node, 4)) {
    const ConstTensor* s = ConstInput(node, 4, consts);
    if (!s || s->is_real() || s->ints.size() != starts->size())
      return std::nullopt;
    steps = s->ints;
  }
  if (axes->size() != starts->size()) return std::nullopt;
  Dims start(rank, 0), step(rank, 1), count = x->dims;
  std::set<int64_t> seen;
  for (size_t i = 0; i < axes->size(); ++i) {
    int64_t a = (*axes)[i];
    if (!NormAxis(rank, &a) || !seen.insert(a).second || steps[i] == 0) {
      return std::nullopt;
    }
    const int64_t d = x->dims[a];
    if (d == 0) {
      count[a] = 0;
      continue;
    }
    int64_t s = (*starts)[i], e = (*ends)[i], st = steps[i];
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      count[a] = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      count[a] = s > e ? (s - e - st - 1) / -st : 0;
    }
    start[a] = s;
    step[a] = st;
  }
  std::optional<ConstTensor> out = MakeConst(x->elem_type, count);
  if (!out) return std::nullopt;
  const Dims stride = Strides(x->dims);
  const int64_t n = out->numel();
  Dims idx(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t from = 0;
    for (int64_t d = 0; d < rank; ++d)
      from += (start[d] + idx[d] * step[d]) * stride[d];
    AppendElement(*x, from, &*out);
    for (int64_t d = rank; d-- > 0;) {
      if (++idx[d] < count[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

std::optional<ConstTensor> FoldSqueezeUnsqueeze(const onnx::NodeProto& node,
                                                int opset,
                                                const ConstMap& consts) {
  const ConstTensor* x = ConstInput(node, 0, consts);
  if (!x) return std::nullopt;
  const bool unsqueeze = node.op_type() == "Unsqueeze";
  bool absent = false;
  std::optional<Dims> axes =
      IntsArg(node, opset, 13, "axes", 1, consts, &absent);
  if (!axes && (!absent || unsqueeze)) return std::nullopt;
  ConstTensor out = *x;
  const int64_t rank = static_cast<int64_t>(x->dims.size());
  if (unsqueeze) {
    const int64_t out_rank = rank + static_cast<int64_t>(axes->size());
    std::set<int64_t> at;
    for (int64_t a : *axes) {
      if (!NormAxis(out_rank, &a) || !at.insert(a).second) return std::nullopt;
    }
    out.dims.clear();
    size_t next = 0;
    for (int64_t d = 0; d < out_rank; ++d) {
      out.dims.push_back(at.count(d) ? 1 : x->dims[next++]);
    }
    return out;
  }
  std::set<int64_t> drop;
  if (axes) {
    for (int64_t a : *axes) {
      if (!NormAxis(rank, &a) || x->dims[a] != 1) return std::nullopt;
      drop.insert(a);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      if (x->dims[d] == 1) drop.insert(d);
    }
  }
  out.dims.clear();
  for (int64_t d = 0; d < rank; ++d) {
    if (!drop.count(d)) out.dims.push_back(x->dims[d]);
  }
  return out;
}

std::optional<ConstTensor> FoldConcat(const onnx::NodeProto& node,
                                      const ConstMap& consts) {
  const std::vector<const ConstTensor*> ins = ConstInputs(node, consts);
  if (ins.empty()) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(ins[0]->dims.size());
  int64_t axis = AttrInt(node, "axis", 0);
  if (!NormAxis(rank, &axis)) return std::nullopt;
  Dims dims = ins[0]->dims;
  dims[axis] = 0;
  for (const ConstTensor* c : ins) {
    if (c->is_real() != ins[0]->is_real() ||
        static_cast<int64_t>(c->dims.size()) != rank) {
      return std::nullopt;
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d != axis && c->dims[d] != ins[0]->dims[d]) return std::nullopt;
    }
    dims[axis] += c->dims[axis];
  }
  std::optional<ConstTensor> out = MakeConst(ins[0]->elem_type, dims);
  if (!out) return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= dims[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= dims[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (const ConstTensor* c : ins) {
      const int64_t block = c->dims[axis] * inner;
      for (int64_t i = 0; i < block; ++i)
        AppendElement(*c, o * block + i, &*out);
    }
  }
  return out;
}

std::optional<ConstTensor> FoldReshape(const onnx::NodeProto& node,
                                       const ConstTensor& x,
                                       const ConstTensor& shape) {
  if (shape.is_real()) return std::nullopt;
  const bool allow_zero = AttrInt(node, "allowzero", 0) != 0;
  Dims dims;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.ints.size(); ++i) {
    int64_t d = shape.ints[i];
    if (d == 0 && !allow_zero) {
      if (i >= x.dims.size()) return std::nullopt;
      d = x.dims[i];
    }
    if (d == -1) {
      if (infer >= 0) return std::nullopt;
      infer = static_cast<int>(i);
      dims.push_back(1);
      continue;
    }
    if (d < 0) return std::nullopt;
    dims.push_back(d);
    known *= d;
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0) return std::nullopt;
    dims[infer] = x.numel() / known;
  }
  std::optional<int64_t> n = CheckedNumel(dims);
  if (!n || *n != x.numel()) return std::nullopt;
  ConstTensor out = x;
  out.dims = dims;
  return out;
}

std::optional<ConstTensor> FoldExpand(const ConstTensor& x,
                                      const ConstTensor& shape) {
  if (shape.is_real()) return std::nullopt;
  std::optional<Dims> dims = BroadcastDims({x.dims, shape.ints});
  if (!dims) return std::nullopt;
  std::optional<ConstTensor> out = MakeConst(x.elem_type, *dims);
  if (!out) return std::nullopt;
  for (int64_t off : BroadcastOffsets(x.dims, *dims))
    AppendElement(x, off, &*out);
  return out;
}

std::optional<ConstTensor> FoldConstantOfShape(const onnx::NodeProto& node,
                                               const ConstTensor& shape) {
  if (shape.is_real()) return std::nullopt;
  ConstTensor value;
  value.elem_type = TensorProto::FLOAT;
  value.reals = {0.0};
  if (const onnx::AttributeProto* a = FindAttr(node, "value");
      a && a->has_t()) {
    std::optional<ConstTensor> v = ConstFromTensor(a->t());
    if (!v || v->numel() != 1) return std::nullopt;
    value = *v;
  }
  for (int64_t d : shape.ints) {
    if (d < 0) return std::nullopt;
  }
  std::optional<ConstTensor> out = MakeConst(value.elem_type, shape.ints);
  if (!out) return std::nullopt;
  for (int64_t i = 0; i < out->numel(); ++i) AppendElement(value, 0, &*out);
  return out;
}

std::optional<ConstTensor> FoldRange(const ConstTensor& start,
                                     const ConstTensor& limit,
                                     const ConstTensor& delta) {
  if (start.numel() != 1 || limit.numel() != 1 || delta.numel() != 1 ||
      start.is_real() != limit.is_real() ||
      start.is_real() != delta.is_real()) {
    return std::nullopt;
  }
  int64_t n = 0;
  if (start.is_real()) {
    const double s = start.reals[0], l = limit.reals[0], d = delta.reals[0];
    if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d)) {
      return std::nullopt;
    }
    const double count = std::max(0.0, std::ceil((l - s) / d));
    if (count > kMaxFoldElements) return std::nullopt;
    n = static_cast<int64_t>(count);
  } else {
    const int64_t s = start.ints[0], l = limit.ints[0], d = delta.ints[0];
    int64_t span;
    if (d == 0 || __builtin_sub_overflow(l, s, &span)) return std::nullopt;
    // ceil(span / d) for either sign of d.
    n = span / d + ((span % d != 0) && ((span < 0) == (d < 0)) ? 1 : 0);
    n = std::max<int64_t>(n, 0);
  }
  std::optional<ConstTensor> out = MakeConst(start.elem_type, {n});
  if (!out) return std::nullopt;
  for (int64_t i = 0; i < n; ++i) {
    if (start.is_real()) {
      out->reals.push_back(start.reals[0] + i * delta.reals[0]);
    } else {
      out->ints.push_back(start.ints[0] + i * delta.ints[0]);
    }
  }
  return out;
}

std::optional<ConstTensor> FoldReduce(const onnx::NodeProto& node, int opset,
                                      const ConstMap& consts) {
  const ConstTensor* x = ConstInput(node, 0, consts);
  if (!x) return std::nullopt;
  const std::string& op = node.op_type();
  const int64_t rank = static_cast<int64_t>(x->dims.size());
  bool absent = false;
  const int axes_input_since = op == "ReduceSum" ? 13 : 18;
  std::optional<Dims> axes =
      IntsArg(node, opset, axes_input_since, "axes", 1, consts, &absent);
  if (!axes && !absent) return std::nullopt;
  std::vector<bool> reduce(rank, !axes || axes->empty());
  if (axes && axes->empty() && AttrInt(node, "noop_with_empty_axes", 0)) {
    return *x;
  }
  if (axes) {
    for (int64_t a : *axes) {
      if (!NormAxis(rank, &a)) return std::nullopt;
      reduce[a] = true;
    }
  }
  const bool keep = AttrInt(node, "keepdims", 1) != 0;
  Dims kept_dims, out_dims;
  for (int64_t d = 0; d < rank; ++d) {
    kept_dims.push_back(reduce[d] ? 1 : x->dims[d]);
    if (!reduce[d] || keep) out_dims.push_back(kept_dims.back());
  }
  std::optional<ConstTensor> out = MakeConst(x->elem_type, out_dims);
  if (!out || x->numel() == 0) return std::nullopt;
  const int64_t n_out = *CheckedNumel(kept_dims);
  std::vector<bool> started(n_out, false);
  std::vector<int64_t> iacc(n_out, 0);
  std::vector<double> racc(n_out, 0);
  const Dims out_stride = Strides(kept_dims);
  Dims idx(rank, 0);
  for (int64_t k = 0; k < x->numel(); ++k) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o += (reduce[d] ? 0 : idx[d]) * out_stride[d];
    if (x->is_real()) {
      const double v = x->reals[k];
      double& acc = racc[o];
      if (!started[o])
        acc = v;
      else if (op == "ReduceSum")
        acc += v;
      else if (op == "ReduceProd")
        acc *= v;
      else if (op == "ReduceMin")
        acc = std::min(acc, v);
      else
        acc = std::max(acc, v);
    } else {
      const int64_t v = x->ints[k];
      int64_t& acc = iacc[o];
      if (!started[o]) {
        acc = v;
      } else if (op == "ReduceSum") {
        if (__builtin_add_overflow(acc, v, &acc)) return std::nullopt;
      } else if (op == "ReduceProd") {
        if (__builtin_mul_overflow(acc, v, &acc)) return std::nullopt;
      } else if (op == "ReduceMin") {
        acc = std::min(acc, v);
      } else {
        acc = std::max(acc, v);
      }
    }
    started[o] = true;
    for (int64_t d = rank; d-- > 0;) {
      if (++idx[d] < x->dims[d]) break;
      idx[d] = 0;
    }
  }
  if (x->is_real()) {
    out->reals = racc;
  } else {
    out->ints = iacc;
  }
  return out;
}

std::optional<ConstTensor> Fold(const onnx::NodeProto& node, int opset,
                                const ConstMap& consts, const TypeMap& types) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") return std::nullopt;
  if (node.output_size() < 1 || node.output(0).empty()) return std::nullopt;
  const std::string& op = node.op_type();
  if (op == "Shape" || op == "Size") {
    if (node.input_size() < 1) return std::nullopt;
    auto it = types.find(node.input(0));
    if (it == types.end() || !it->second.FullyKnown()) return std::nullopt;
    const Dims& in = it->second.dims;
    if (op == "Size") {
      std::optional<ConstTensor> out = MakeConst(TensorProto::INT64, {});
      std::optional<int64_t> n = CheckedNumel(in);
      if (!out || !n) return std::nullopt;
      out->ints = {*n};
      return out;
    }
    const int64_t rank = static_cast<int64_t>(in.size());
    int64_t start = AttrInt(node, "start", 0);
    int64_t end = AttrInt(node, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    std::optional<ConstTensor> out =
        MakeConst(TensorProto::INT64, {end - start});
    if (!out) return std::nullopt;
    out->ints.assign(in.begin() + start, in.begin() + end);
    return out;
  }
  if (op == "ConstantOfShape") {
    const ConstTensor* s = ConstInput(node, 0, consts);
    return s ? FoldConstantOfShape(node, *s) : std::nullopt;
  }
  // Everything below needs every present input to be a known constant.
  for (int i = 0; i < node.input_size(); ++i) {
    if (HasInput(node, i) && !ConstInput(node, i, consts)) return std::nullopt;
  }
  const ConstTensor* x = ConstInput(node, 0, consts);
  if (!x) return std::nullopt;
  if (op == "Identity") return *x;
  if (op == "Gather" && ConstInput(node, 1, consts)) {
    return FoldGather(node, *x, *ConstInput(node, 1, consts));
  }
  if (op == "Slice") return FoldSlice(node, opset, consts);
  if (op == "Squeeze" || op == "Unsqueeze") {
    return FoldSqueezeUnsqueeze(node, opset, consts);
  }
  if (op == "Concat") return FoldConcat(node, consts);
  if (op == "Reshape" && ConstInput(node, 1, consts)) {
    return FoldReshape(node, *x, *ConstInput(node, 1, consts));
  }
  if (op == "Expand" && ConstInput(node, 1, consts)) {
    return FoldExpand(*x, *ConstInput(node, 1, consts));
  }
  if (op == "Range" && ConstInput(node, 1, consts) &&
      ConstInput(node, 2, consts)) {
    return FoldRange(*x, *ConstInput(node, 1, consts),
                     *ConstInput(node, 2, consts));
  }
  if (IsElementwiseFoldOp(op)) return FoldElementwise(node, consts);
  if (op == "ReduceProd" || op == "ReduceSum" || op == "ReduceMin" ||
      op == "ReduceMax") {
    return FoldReduce(node, opset, consts);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ConstTensor> FoldNode(const onnx::NodeProto& node, int opset,
                                    const ConstMap& consts,
                                    const TypeMap& types) {
  std::optional<ConstTensor> out = Fold(node, opset, consts, types);
  // A broken fold must not feed wrong values onwards.
  if (out && !out->consistent()) return std::nullopt;
  return out;
}

}  // namespace onnx_internal
}  // namespace joule
