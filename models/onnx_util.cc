#include "models/onnx_util.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace onnx_internal {

bool TensorType::FullyKnown() const {
  if (!has_shape) return false;
  for (int64_t d : dims) {
    if (d < 0) return false;
  }
  return true;
}

int ElementSize(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL:
      return 1;
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    default:
      return 0;
  }
}

std::string DtypeName(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
      return "float32";
    case onnx::TensorProto::UINT8:
      return "uint8";
    case onnx::TensorProto::INT8:
      return "int8";
    case onnx::TensorProto::UINT16:
      return "uint16";
    case onnx::TensorProto::INT16:
      return "int16";
    case onnx::TensorProto::INT32:
      return "int32";
    case onnx::TensorProto::INT64:
      return "int64";
    case onnx::TensorProto::STRING:
      return "string";
    case onnx::TensorProto::BOOL:
      return "bool";
    case onnx::TensorProto::FLOAT16:
      return "float16";
    case onnx::TensorProto::DOUBLE:
      return "float64";
    case onnx::TensorProto::UINT32:
      return "uint32";
    case onnx::TensorProto::UINT64:
      return "uint64";
    case onnx::TensorProto::COMPLEX64:
      return "complex64";
    case onnx::TensorProto::COMPLEX128:
      return "complex128";
    case onnx::TensorProto::BFLOAT16:
      return "bfloat16";
    default:
      return "undefined";
  }
}

std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<int64_t> CheckedNumel(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    std::optional<int64_t> next = CheckedMul(n, d);
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

std::string ShapeString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? "?" : absl::StrCat(dims[i]);
  }
  return s + "]";
}

std::optional<TensorType> TypeOf(const onnx::TypeProto& type) {
  if (type.value_case() != onnx::TypeProto::kTensorType) return std::nullopt;
  const onnx::TypeProto::Tensor& t = type.tensor_type();
  TensorType out;
  out.elem_type = t.elem_type();
  out.has_shape = t.has_shape();
  if (out.has_shape) {
    for (const onnx::TensorShapeProto::Dimension& d : t.shape().dim()) {
      out.dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value()
                                                                 : -1);
    }
  }
  return out;
}

TensorType TypeOf(const onnx::TensorProto& tensor) {
  TensorType out;
  out.elem_type = tensor.data_type();
  out.has_shape = true;
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  return out;
}

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& node,
                                     const std::string& name) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t AttrInt(const onnx::NodeProto& node, const std::string& name,
                int64_t def) {
  const onnx::AttributeProto* a = FindAttr(node, name);
  return a && a->type() == onnx::AttributeProto::INT ? a->i() : def;
}

float AttrFloat(const onnx::NodeProto& node, const std::string& name,
                float def) {
  const onnx::AttributeProto* a = FindAttr(node, name);
  return a && a->type() == onnx::AttributeProto::FLOAT ? a->f() : def;
}

std::string AttrString(const onnx::NodeProto& node, const std::string& name,
                       const std::string& def) {
  const onnx::AttributeProto* a = FindAttr(node, name);
  return a && a->type() == onnx::AttributeProto::STRING ? a->s() : def;
}

std::optional<std::vector<int64_t>> AttrInts(const onnx::NodeProto& node,
                                             const std::string& name) {
  const onnx::AttributeProto* a = FindAttr(node, name);
  if (!a || a->type() != onnx::AttributeProto::INTS) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::string NodeLabel(const onnx::NodeProto& node, int index) {
  const std::string op = node.domain().empty() || node.domain() == "ai.onnx"
                             ? node.op_type()
                             : absl::StrCat(node.domain(), ":", node.op_type());
  if (node.name().empty()) return absl::StrCat("#", index, " (", op, ")");
  return absl::StrCat("'", node.name(), "' (", op, ")");
}

std::string NodeName(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? absl::StrCat(node.op_type(), "#", index)
                             : node.name();
}

bool IsAliasOp(const std::string& op_type) {
  return op_type == "Reshape" || op_type == "Flatten" || op_type == "Squeeze" ||
         op_type == "Unsqueeze" || op_type == "Identity" ||
         op_type == "Dropout";
}

}  // namespace onnx_internal
}  // namespace joule
