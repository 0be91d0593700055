#include "models/onnx_checks.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;

absl::Status Invalid(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::StatusOr<int64_t> CheckTensorData(const onnx::TensorProto& t,
                                        const std::string& what) {
  const Dims dims(t.dims().begin(), t.dims().end());
  for (int64_t d : dims) {
    if (d < 0)
      return Invalid(
          absl::StrCat(what, ": negative dim in ", ShapeString(dims)));
  }
  std::optional<int64_t> numel = CheckedNumel(dims);
  if (!numel) {
    return Invalid(absl::StrCat(what, ": dims ", ShapeString(dims),
                                " have more elements than 64 bits can count"));
  }
  if (t.data_type() == onnx::TensorProto::STRING) return *numel;
  const int esize = onnx_internal::ElementSize(t.data_type());
  if (esize == 0) {
    return Invalid(
        absl::StrCat(what, ": unsupported data type ", t.data_type()));
  }
  // Bytes, natively and at FP32, must be countable too.
  if (!CheckedMul(*numel, std::max(esize, 4))) {
    return Invalid(absl::StrCat(what, ": dims ", ShapeString(dims),
                                " have more bytes than 64 bits can count"));
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return *numel;
  int64_t held = 0;
  if (t.has_raw_data()) {
    held = static_cast<int64_t>(t.raw_data().size()) / esize;
    if (static_cast<int64_t>(t.raw_data().size()) % esize != 0) held = -1;
  } else {
    switch (t.data_type()) {
      case onnx::TensorProto::FLOAT:
        held = t.float_data_size();
        break;
      case onnx::TensorProto::COMPLEX64:
        held = t.float_data_size() / 2;
        break;
      case onnx::TensorProto::DOUBLE:
        held = t.double_data_size();
        break;
      case onnx::TensorProto::COMPLEX128:
        held = t.double_data_size() / 2;
        break;
      case onnx::TensorProto::INT64:
        held = t.int64_data_size();
        break;
      case onnx::TensorProto::UINT32:
      case onnx::TensorProto::UINT64:
        held = t.uint64_data_size();
        break;
      default:
        held = t.int32_data_size();
        break;
    }
  }
  if (held != *numel) {
    return Invalid(
        absl::StrCat(what, ": dims ", ShapeString(dims), " need ", *numel,
                     " elements but its data holds ",
                     held < 0 ? "a partial element" : absl::StrCat(held)));
  }
  return *numel;
}

absl::StatusOr<std::optional<onnx::TensorProto>> CheckedConstantNodeTensor(
    const onnx::NodeProto& node, int index) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    onnx::TensorProto t;
    if (a.name() == "value" && a.has_t()) {
      t = a.t();
    } else if (a.name() == "value_float") {
      t.set_data_type(onnx::TensorProto::FLOAT);
      t.add_float_data(a.f());
    } else if (a.name() == "value_floats") {
      t.set_data_type(onnx::TensorProto::FLOAT);
      t.add_dims(a.floats_size());
      *t.mutable_float_data() = a.floats();
    } else if (a.name() == "value_int") {
      t.set_data_type(onnx::TensorProto::INT64);
      t.add_int64_data(a.i());
    } else if (a.name() == "value_ints") {
      t.set_data_type(onnx::TensorProto::INT64);
      t.add_dims(a.ints_size());
      *t.mutable_int64_data() = a.ints();
    } else {
      continue;
    }
    t.set_name(node.output_size() ? node.output(0) : "");
    absl::StatusOr<int64_t> n = CheckTensorData(
        t, absl::StrCat("node ", NodeLabel(node, index), ": value"));
    if (!n.ok()) return n.status();
    return std::optional<onnx::TensorProto>(std::move(t));
  }
  return std::optional<onnx::TensorProto>();
}

absl::StatusOr<Dims> FixInputShape(const onnx::ValueInfoProto& vi,
                                   const TensorType& type,
                                   const InputShapes& given) {
  const std::string& name = vi.name();
  Dims dims;
  auto it = given.find(name);
  if (it != given.end()) {
    dims = it->second;
    if (type.has_shape && type.dims.size() != dims.size()) {
      return Invalid(absl::StrCat("input_shapes: input '", name, "' has rank ",
                                  type.dims.size(), " in the model, ",
                                  dims.size(), " dims given"));
    }
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] <= 0) {
        return Invalid(absl::StrCat("input_shapes: input '", name, "' dim ", i,
                                    " must be > 0, got ", dims[i]));
      }
      if (type.has_shape && type.dims[i] > 0 && type.dims[i] != dims[i]) {
        return Invalid(absl::StrCat("input_shapes: input '", name, "' dim ", i,
                                    " is ", type.dims[i], " in the model, ",
                                    dims[i], " given"));
      }
    }
  } else {
    if (!type.has_shape) {
      return Invalid(absl::StrCat("input '", name,
                                  "' has no shape in the model; give one (",
                                  name, "=D1,D2,...)"));
    }
    const auto& model_dims = vi.type().tensor_type().shape().dim();
    for (size_t i = 0; i < type.dims.size(); ++i) {
      if (type.dims[i] > 0) {
        dims.push_back(type.dims[i]);
      } else if (i == 0) {
        dims.push_back(1);  // a dynamic batch dimension: batch 1
      } else {
        const std::string& param = model_dims[static_cast<int>(i)].dim_param();
        return Invalid(absl::StrCat(
            "input '", name, "' dim ", i,
            param.empty() ? "" : absl::StrCat(" ('", param, "')"),
            " is dynamic; give the input's shape (", name, "=D1,D2,...)"));
      }
    }
  }
  if (!CheckedNumel(dims)) {
    return Invalid(absl::StrCat("input '", name, "': shape ", ShapeString(dims),
                                " has more elements than 64 bits can count"));
  }
  return dims;
}

void SetTensorShape(onnx::ValueInfoProto* vi, int32_t elem_type,
                    const Dims& dims) {
  onnx::TypeProto::Tensor* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem_type);
  onnx::TensorShapeProto* s = t->mutable_shape();
  s->clear_dim();
  for (int64_t d : dims) s->add_dim()->set_dim_value(d);
}

}  // namespace onnx_internal
}  // namespace joule
