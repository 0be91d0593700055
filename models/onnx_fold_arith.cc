#include "models/onnx_fold_arith.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/onnx_util.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;
using onnx::TensorProto;

// Wraps an integer to what the type holds (Cast's semantics).
int64_t WrapTo(int32_t t, int64_t v) {
  switch (t) {
    case TensorProto::INT32:
      return static_cast<int32_t>(v);
    case TensorProto::INT16:
      return static_cast<int16_t>(v);
    case TensorProto::INT8:
      return static_cast<int8_t>(v);
    case TensorProto::UINT8:
      return static_cast<uint8_t>(v);
    case TensorProto::UINT16:
      return static_cast<uint16_t>(v);
    case TensorProto::UINT32:
      return static_cast<uint32_t>(v);
    case TensorProto::BOOL:
      return v != 0;
    default:
      return v;  // INT64; UINT64 above 2^63 is not folded anyway
  }
}

// Elementwise op over broadcast inputs, all integer or all real. `fi` and
// `fr` return false when an element cannot be computed.
template <typename IntFn, typename RealFn>
std::optional<ConstTensor> Elementwise(
    const std::vector<const ConstTensor*>& ins, int32_t out_type, IntFn fi,
    RealFn fr) {
  std::vector<Dims> shapes;
  for (const ConstTensor* c : ins) {
    if (!c || c->is_real() != ins[0]->is_real()) return std::nullopt;
    shapes.push_back(c->dims);
  }
  std::optional<Dims> dims = BroadcastDims(shapes);
  if (!dims) return std::nullopt;
  std::optional<ConstTensor> out = MakeConst(out_type, *dims);
  if (!out) return std::nullopt;
  std::vector<std::vector<int64_t>> offs;
  for (const ConstTensor* c : ins)
    offs.push_back(BroadcastOffsets(c->dims, *dims));
  const int64_t n = out->numel();
  const bool real_out = IsRealType(out_type);
  for (int64_t k = 0; k < n; ++k) {
    if (ins[0]->is_real()) {
      std::vector<double> a;
      for (size_t j = 0; j < ins.size(); ++j)
        a.push_back(ins[j]->reals[offs[j][k]]);
      double r = 0;
      if (!fr(a, &r)) return std::nullopt;
      if (real_out) {
        out->reals.push_back(r);
      } else {
        out->ints.push_back(static_cast<int64_t>(r));
      }
    } else {
      std::vector<int64_t> a;
      for (size_t j = 0; j < ins.size(); ++j)
        a.push_back(ins[j]->ints[offs[j][k]]);
      int64_t r = 0;
      if (!fi(a, &r)) return std::nullopt;
      out->ints.push_back(r);
    }
  }
  return out;
}

std::optional<ConstTensor> FoldBinary(const std::string& op,
                                      const onnx::NodeProto& node,
                                      const ConstMap& consts) {
  const ConstTensor* a = ConstInput(node, 0, consts);
  const ConstTensor* b = ConstInput(node, 1, consts);
  if (!a || !b) return std::nullopt;
  const bool cmp = op == "Equal" || op == "Less" || op == "Greater" ||
                   op == "LessOrEqual" || op == "GreaterOrEqual";
  const int32_t type = cmp ? int32_t{TensorProto::BOOL} : a->elem_type;
  const bool fmod = AttrInt(node, "fmod", 0) != 0;
  auto fi = [&](const std::vector<int64_t>& v, int64_t* r) {
    const int64_t x = v[0], y = v[1];
    if (op == "Add") return !__builtin_add_overflow(x, y, r);
    if (op == "Sub") return !__builtin_sub_overflow(x, y, r);
    if (op == "Mul") return !__builtin_mul_overflow(x, y, r);
    if (op == "Div" || op == "Mod") {
      if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1)) {
        return false;
      }
      if (op == "Div") {
        *r = x / y;  // ONNX integer Div truncates, as C++ does
      } else {
        *r = x % y;  // fmod=0: the sign follows the divisor
        if (!fmod && *r != 0 && ((*r < 0) != (y < 0))) *r += y;
      }
      return true;
    }
    if (op == "Equal")
      *r = x == y;
    else if (op == "Less")
      *r = x < y;
    else if (op == "Greater")
      *r = x > y;
    else if (op == "LessOrEqual")
      *r = x <= y;
    else if (op == "GreaterOrEqual")
      *r = x >= y;
    else if (op == "And")
      *r = x && y;
    else if (op == "Or")
      *r = x || y;
    else
      return false;
    return true;
  };
  auto fr = [&](const std::vector<double>& v, double* r) {
    const double x = v[0], y = v[1];
    if (op == "Add")
      *r = x + y;
    else if (op == "Sub")
      *r = x - y;
    else if (op == "Mul")
      *r = x * y;
    else if (op == "Div")
      *r = x / y;
    else if (op == "Mod")
      *r = fmod ? std::fmod(x, y) : x - y * std::floor(x / y);
    else if (op == "Equal")
      *r = x == y;
    else if (op == "Less")
      *r = x < y;
    else if (op == "Greater")
      *r = x > y;
    else if (op == "LessOrEqual")
      *r = x <= y;
    else if (op == "GreaterOrEqual")
      *r = x >= y;
    else
      return false;
    return std::isfinite(*r);
  };
  return Elementwise({a, b}, type, fi, fr);
}

std::optional<ConstTensor> FoldUnary(const std::string& op,
                                     const ConstTensor& x) {
  auto fi = [&](const std::vector<int64_t>& v, int64_t* r) {
    if (op == "Not") {
      *r = !v[0];
      return true;
    }
    if (v[0] == std::numeric_limits<int64_t>::min()) return false;
    if (op == "Neg")
      *r = -v[0];
    else if (op == "Abs")
      *r = v[0] < 0 ? -v[0] : v[0];
    else
      return false;
    return true;
  };
  auto fr = [&](const std::vector<double>& v, double* r) {
    if (op == "Neg")
      *r = -v[0];
    else if (op == "Abs")
      *r = std::fabs(v[0]);
    else if (op == "Floor")
      *r = std::floor(v[0]);
    else if (op == "Ceil")
      *r = std::ceil(v[0]);
    else if (op == "Sqrt")
      *r = std::sqrt(v[0]);
    else
      return false;
    return std::isfinite(*r);
  };
  return Elementwise({&x}, x.elem_type, fi, fr);
}

std::optional<ConstTensor> FoldCast(const onnx::NodeProto& node,
                                    const ConstTensor& x) {
  const int32_t to = static_cast<int32_t>(AttrInt(node, "to", 0));
  std::optional<ConstTensor> out = MakeConst(to, x.dims);
  if (!out) return std::nullopt;
  if (IsIntType(to)) {
    if (x.is_real()) {
      for (double v : x.reals) {
        if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) return std::nullopt;
        out->ints.push_back(WrapTo(to, static_cast<int64_t>(v)));
      }
    } else {
      for (int64_t v : x.ints) out->ints.push_back(WrapTo(to, v));
    }
  } else if (IsRealType(to)) {
    auto round = [to](double v) {
      return to == TensorProto::FLOAT
                 ? static_cast<double>(static_cast<float>(v))
                 : v;
    };
    if (x.is_real()) {
      for (double v : x.reals) out->reals.push_back(round(v));
    } else {
      for (int64_t v : x.ints)
        out->reals.push_back(round(static_cast<double>(v)));
    }
  } else {
    return std::nullopt;
  }
  return out;
}

// Where(cond, a, b): a where the (integer) condition holds, else b.
std::optional<ConstTensor> FoldWhere(const ConstTensor& cond,
                                     const ConstTensor& a,
                                     const ConstTensor& b) {
  if (cond.is_real() || a.is_real() != b.is_real()) return std::nullopt;
  std::optional<Dims> dims = BroadcastDims({cond.dims, a.dims, b.dims});
  if (!dims) return std::nullopt;
  std::optional<ConstTensor> out = MakeConst(a.elem_type, *dims);
  if (!out) return std::nullopt;
  const std::vector<int64_t> oc = BroadcastOffsets(cond.dims, *dims);
  const std::vector<int64_t> oa = BroadcastOffsets(a.dims, *dims);
  const std::vector<int64_t> ob = BroadcastOffsets(b.dims, *dims);
  for (size_t k = 0; k < oc.size(); ++k) {
    if (cond.ints[oc[k]]) {
      AppendElement(a, oa[k], &*out);
    } else {
      AppendElement(b, ob[k], &*out);
    }
  }
  return out;
}

std::optional<ConstTensor> FoldMinMax(
    const std::vector<const ConstTensor*>& ins, bool is_min) {
  auto fi = [is_min](const std::vector<int64_t>& v, int64_t* r) {
    *r = is_min ? *std::min_element(v.begin(), v.end())
                : *std::max_element(v.begin(), v.end());
    return true;
  };
  auto fr = [is_min](const std::vector<double>& v, double* r) {
    *r = is_min ? *std::min_element(v.begin(), v.end())
                : *std::max_element(v.begin(), v.end());
    return true;
  };
  return Elementwise(ins, ins[0]->elem_type, fi, fr);
}

}  // namespace

bool IsElementwiseFoldOp(const std::string& op) {
  static const char* const kOps[] = {
      "Add",   "Sub",  "Mul",     "Div",         "Mod",
      "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
      "And",   "Or",   "Not",     "Neg",         "Abs",
      "Floor", "Ceil", "Sqrt",    "Where",       "Min",
      "Max",   "Cast"};
  for (const char* o : kOps) {
    if (op == o) return true;
  }
  return false;
}

std::optional<ConstTensor> FoldElementwise(const onnx::NodeProto& node,
                                           const ConstMap& consts) {
  const std::vector<const ConstTensor*> ins = ConstInputs(node, consts);
  if (ins.empty()) return std::nullopt;
  const std::string& op = node.op_type();
  if (op == "Cast") return FoldCast(node, *ins[0]);
  if (op == "Neg" || op == "Abs" || op == "Floor" || op == "Ceil" ||
      op == "Sqrt" || op == "Not") {
    return FoldUnary(op, *ins[0]);
  }
  if (op == "Where") {
    if (ins.size() != 3) return std::nullopt;
    return FoldWhere(*ins[0], *ins[1], *ins[2]);
  }
  if (op == "Min" || op == "Max") return FoldMinMax(ins, op == "Min");
  if (ins.size() != 2) return std::nullopt;
  return FoldBinary(op, node, consts);
}

}  // namespace onnx_internal
}  // namespace joule
