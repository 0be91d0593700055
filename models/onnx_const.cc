#include "models/onnx_const.h"

#include <algorithm>
#include <cstring>

#include "models/onnx_util.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;
using onnx::TensorProto;

template <typename T>
bool ReadRaw(const std::string& raw, int64_t n, std::vector<T>* out) {
  if (raw.size() != static_cast<size_t>(n) * sizeof(T)) return false;
  out->resize(n);
  if (n) std::memcpy(out->data(), raw.data(), raw.size());  // little-endian
  return true;
}

template <typename T, typename To>
bool ReadRawAs(const std::string& raw, int64_t n, std::vector<To>* out) {
  std::vector<T> v;
  if (!ReadRaw(raw, n, &v)) return false;
  out->assign(v.begin(), v.end());
  return true;
}

}  // namespace

bool IsIntType(int32_t t) {
  switch (t) {
    case TensorProto::INT64:
    case TensorProto::INT32:
    case TensorProto::INT16:
    case TensorProto::INT8:
    case TensorProto::UINT8:
    case TensorProto::UINT16:
    case TensorProto::UINT32:
    case TensorProto::UINT64:
    case TensorProto::BOOL:
      return true;
    default:
      return false;
  }
}

bool IsRealType(int32_t t) {
  return t == TensorProto::FLOAT || t == TensorProto::DOUBLE;
}

bool ConstTensor::is_real() const { return IsRealType(elem_type); }

int64_t ConstTensor::numel() const { return CheckedNumel(dims).value_or(0); }

bool ConstTensor::consistent() const {
  std::optional<int64_t> n = CheckedNumel(dims);
  const size_t held = is_real() ? reals.size() : ints.size();
  const size_t other = is_real() ? ints.size() : reals.size();
  return n && static_cast<size_t>(*n) == held && other == 0;
}

std::optional<ConstTensor> MakeConst(int32_t type, Dims dims) {
  std::optional<int64_t> n = CheckedNumel(dims);
  if (!n || *n > kMaxFoldElements) return std::nullopt;
  ConstTensor c;
  c.elem_type = type;
  c.dims = std::move(dims);
  return c;
}

void AppendElement(const ConstTensor& x, int64_t from, ConstTensor* out) {
  if (x.is_real()) {
    out->reals.push_back(x.reals[from]);
  } else {
    out->ints.push_back(x.ints[from]);
  }
}

const ConstTensor* ConstInput(const onnx::NodeProto& node, int i,
                              const ConstMap& consts) {
  if (!HasInput(node, i)) return nullptr;
  auto it = consts.find(node.input(i));
  return it == consts.end() ? nullptr : &it->second;
}

std::vector<const ConstTensor*> ConstInputs(const onnx::NodeProto& node,
                                            const ConstMap& consts) {
  std::vector<const ConstTensor*> ins;
  for (int i = 0; i < node.input_size(); ++i) {
    const ConstTensor* c = ConstInput(node, i, consts);
    if (!c) return {};
    ins.push_back(c);
  }
  return ins;
}

bool HasInput(const onnx::NodeProto& node, int i) {
  return i < node.input_size() && !node.input(i).empty();
}

Dims Strides(const Dims& dims) {
  Dims s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

std::optional<Dims> BroadcastDims(const std::vector<Dims>& shapes) {
  size_t rank = 0;
  for (const Dims& s : shapes) rank = std::max(rank, s.size());
  Dims out(rank, 1);
  for (const Dims& s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[rank - s.size() + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o != 1) return std::nullopt;
      o = s[i];
    }
  }
  return out;
}

std::vector<int64_t> BroadcastOffsets(const Dims& in, const Dims& out) {
  const size_t rank = out.size();
  Dims padded(rank - in.size(), 1);
  padded.insert(padded.end(), in.begin(), in.end());
  Dims stride = Strides(padded);
  for (size_t d = 0; d < rank; ++d) {
    if (padded[d] == 1) stride[d] = 0;
  }
  const int64_t n = *CheckedNumel(out);
  std::vector<int64_t> offsets(n);
  Dims idx(rank, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    offsets[k] = off;
    for (size_t d = rank; d-- > 0;) {
      off += stride[d];
      if (++idx[d] < out[d]) break;
      off -= stride[d] * idx[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

std::optional<ConstTensor> ConstFromTensor(const onnx::TensorProto& t) {
  if (t.data_location() == TensorProto::EXTERNAL || t.has_segment()) {
    return std::nullopt;
  }
  std::optional<ConstTensor> c =
      MakeConst(t.data_type(), Dims(t.dims().begin(), t.dims().end()));
  if (!c) return std::nullopt;
  const int64_t n = *CheckedNumel(c->dims);
  const std::string& raw = t.raw_data();
  const bool has_raw = t.has_raw_data();
  bool ok = false;
  switch (t.data_type()) {
    case TensorProto::FLOAT:
      if (has_raw) {
        ok = ReadRawAs<float>(raw, n, &c->reals);
      } else {
        c->reals.assign(t.float_data().begin(), t.float_data().end());
        ok = c->consistent();
      }
      break;
    case TensorProto::DOUBLE:
      if (has_raw) {
        ok = ReadRawAs<double>(raw, n, &c->reals);
      } else {
        c->reals.assign(t.double_data().begin(), t.double_data().end());
        ok = c->consistent();
      }
      break;
    case TensorProto::INT64:
      if (has_raw) {
        ok = ReadRawAs<int64_t>(raw, n, &c->ints);
      } else {
        c->ints.assign(t.int64_data().begin(), t.int64_data().end());
        ok = c->consistent();
      }
      break;
    case TensorProto::UINT64:
    case TensorProto::UINT32:
      if (has_raw) {
        ok = t.data_type() == TensorProto::UINT32
                 ? ReadRawAs<uint32_t>(raw, n, &c->ints)
                 : ReadRawAs<uint64_t>(raw, n, &c->ints);
      } else {
        c->ints.assign(t.uint64_data().begin(), t.uint64_data().end());
        ok = c->consistent();
      }
      for (int64_t v : c->ints) ok = ok && v >= 0;  // above 2^63: not folded
      break;
    case TensorProto::INT32:
    case TensorProto::INT16:
    case TensorProto::INT8:
    case TensorProto::UINT16:
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      if (has_raw) {
        switch (t.data_type()) {
          case TensorProto::INT32:
            ok = ReadRawAs<int32_t>(raw, n, &c->ints);
            break;
          case TensorProto::INT16:
            ok = ReadRawAs<int16_t>(raw, n, &c->ints);
            break;
          case TensorProto::UINT16:
            ok = ReadRawAs<uint16_t>(raw, n, &c->ints);
            break;
          case TensorProto::INT8:
            ok = ReadRawAs<int8_t>(raw, n, &c->ints);
            break;
          default:
            ok = ReadRawAs<uint8_t>(raw, n, &c->ints);
            break;
        }
      } else {
        c->ints.assign(t.int32_data().begin(), t.int32_data().end());
        ok = c->consistent();
      }
      break;
    default:
      return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return c;
}

onnx::TensorProto ConstToTensor(const ConstTensor& c, const std::string& name) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(c.elem_type);
  for (int64_t d : c.dims) t.add_dims(d);
  std::string raw;
  auto put = [&raw](const auto& v) {
    raw.append(reinterpret_cast<const char*>(&v), sizeof(v));
  };
  if (c.is_real()) {
    for (double v : c.reals) {
      if (c.elem_type == TensorProto::FLOAT) {
        put(static_cast<float>(v));
      } else {
        put(v);
      }
    }
  } else {
    for (int64_t v : c.ints) {
      switch (ElementSize(c.elem_type)) {
        case 1:
          put(static_cast<uint8_t>(v));
          break;
        case 2:
          put(static_cast<uint16_t>(v));
          break;
        case 4:
          put(static_cast<uint32_t>(v));
          break;
        default:
          put(v);
          break;
      }
    }
  }
  t.set_raw_data(raw);
  return t;
}

}  // namespace onnx_internal
}  // namespace joule
