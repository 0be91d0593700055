#include "executors/onnxruntime/ort_tensor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace {

using ort::ElementType;

// The seven of ort_api.h, for the inverse mapping.
constexpr ElementType kSupported[] = {
    ElementType::kFloat, ElementType::kFloat16, ElementType::kInt8,
    ElementType::kUint8, ElementType::kInt32,   ElementType::kInt64,
    ElementType::kBool};

std::string Described(const Tensor& t) {
  return absl::StrCat(std::string(DataTypeName(t.dtype)), " ", t.ShapeString());
}

}  // namespace

DataType ToDataType(ElementType t) {
  return DataTypeFromOnnx(static_cast<int32_t>(t));
}

bool IsSupportedElementType(ElementType t) {
  return ToDataType(t) != DataType::kUnspecified;
}

std::optional<ElementType> ToElementType(DataType t) {
  if (t == DataType::kUnspecified) return std::nullopt;
  for (ElementType s : kSupported) {
    if (ToDataType(s) == t) return s;
  }
  return std::nullopt;
}

std::string ElementTypeName(ElementType t) {
  const DataType d = ToDataType(t);
  if (d == DataType::kUnspecified) {
    return absl::StrCat("onnx type ", static_cast<int>(t));
  }
  return std::string(DataTypeName(d));
}

std::string InfoString(const OrtTensorInfo& info) {
  return absl::StrCat(ElementTypeName(info.element_type), " ",
                      ShapeString(info.shape));
}

absl::Status MatchInputs(absl::string_view model,
                         const std::vector<OrtTensorInfo>& want,
                         absl::Span<const Tensor> given,
                         std::vector<const Tensor*>* ordered) {
  ordered->assign(want.size(), nullptr);
  for (const Tensor& t : given) {
    size_t i = 0;
    while (i < want.size() && want[i].name != t.name) ++i;
    if (i == want.size()) {
      std::vector<std::string> names;
      for (const OrtTensorInfo& w : want) names.push_back(w.name);
      return absl::InvalidArgumentError(
          absl::StrCat("model '", model, "' has no input '", t.name,
                       "' (its inputs: ", absl::StrJoin(names, ", "), ")"));
    }
    if ((*ordered)[i] != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model '", model, "': input '", t.name, "' given twice"));
    }
    (*ordered)[i] = &t;
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const OrtTensorInfo& w = want[i];
    const Tensor* t = (*ordered)[i];
    if (t == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("model '", model, "': input '", w.name, "' (",
                       InfoString(w), ") not given"));
    }
    const std::string prefix = absl::StrCat("model '", model, "': input '",
                                            w.name, "' is ", InfoString(w));
    if (t->dtype != ToDataType(w.element_type)) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, ", got ", Described(*t)));
    }
    if (t->shape.size() != w.shape.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, ", got rank ", t->shape.size(), " ", t->ShapeString()));
    }
    for (size_t d = 0; d < w.shape.size(); ++d) {
      if (w.shape[d] >= 0 && t->shape[d] != w.shape[d]) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, ", got ", t->ShapeString(), " (dim ", d, ")"));
      }
    }
    if (absl::Status s = t->Validate(); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("model '", model, "': ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace joule
