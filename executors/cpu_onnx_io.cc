#include "executors/cpu_onnx_io.h"

#include <algorithm>
#include <climits>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/onnx_graph.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace cpu_onnx_internal {
namespace {

CpuOnnxTensorInfo InfoOf(const onnx::ValueInfoProto& v) {
  CpuOnnxTensorInfo info;
  info.name = v.name();
  if (!v.has_type() || !v.type().has_tensor_type()) return info;
  const onnx::TypeProto::Tensor& t = v.type().tensor_type();
  info.dtype = DataTypeFromOnnx(t.elem_type());
  if (!t.has_shape()) return info;
  info.rank_known = true;
  for (const onnx::TensorShapeProto::Dimension& d : t.shape().dim()) {
    info.shape.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value()
                                                                : -1);
  }
  return info;
}

// Why OpenCV 4.6 would fuse this graph wrongly (see CpuOnnxFusion::kAuto);
// empty when it would not.
std::string FusionHazard(const onnx::GraphProto& g,
                         std::unordered_set<std::string> constants) {
  for (const onnx::NodeProto& n : g.node()) {
    if (n.op_type() == "Constant") {
      constants.insert(n.output().begin(), n.output().end());
    }
  }
  auto computed = [&](const std::string& t) { return !constants.count(t); };
  for (const onnx::NodeProto& n : g.node()) {
    const std::string label = absl::StrCat(
        n.op_type(), " '", n.name().empty() ? n.output(0) : n.name(), "'");
    if ((n.op_type() == "MatMul" || n.op_type() == "Gemm") &&
        n.input_size() >= 2 && computed(n.input(0)) && computed(n.input(1))) {
      return absl::StrCat(label, " multiplies two computed tensors");
    }
    if (n.op_type() == "Pow") return absl::StrCat(label, " (opencv#22649)");
  }
  return "";
}

}  // namespace

absl::Status ReadModelGraph(const std::string& name, const std::string& bytes,
                            CpuOnnxModelInfo* info) {
  std::vector<CpuOnnxTensorInfo>* inputs = &info->inputs;
  std::vector<CpuOnnxTensorInfo>* outputs = &info->outputs;
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      !model.has_graph()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu_onnx cannot import model '", name,
                     "': ", bytes.size(), " bytes that are not an ONNX model"));
  }
  const onnx::GraphProto& g = model.graph();
  const std::vector<std::string> names = onnx_internal::InitializerNames(g);
  const std::unordered_set<std::string> weights(names.begin(), names.end());
  for (int i : onnx_internal::RealInputs(g, weights)) {
    inputs->push_back(InfoOf(g.input(i)));
  }
  for (const onnx::ValueInfoProto& v : g.output()) {
    outputs->push_back(InfoOf(v));
  }
  if (inputs->empty() || outputs->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cpu_onnx cannot import model '", name, "': the graph has ",
        inputs->size(), " inputs and ", outputs->size(), " outputs"));
  }
  info->fusion_note = FusionHazard(g, weights);
  return absl::OkStatus();
}

std::string InfoString(const CpuOnnxTensorInfo& info) {
  return absl::StrCat(std::string(DataTypeName(info.dtype)), " ",
                      info.rank_known ? ShapeString(info.shape) : "[?]");
}

absl::Status MatchInputs(const std::string& model_name,
                         const std::vector<CpuOnnxTensorInfo>& want,
                         const std::vector<Tensor>& given,
                         std::vector<const Tensor*>* ordered) {
  std::vector<std::string> names;
  for (const CpuOnnxTensorInfo& w : want) names.push_back(w.name);
  const std::string expected = absl::StrCat(
      "model '", model_name, "' takes ",
      absl::StrJoin(want, ", ",
                    [](std::string* out, const CpuOnnxTensorInfo& w) {
                      absl::StrAppend(out, "'", w.name, "' ", InfoString(w));
                    }));
  for (size_t i = 0; i < given.size(); ++i) {
    const std::string& n = given[i].name;
    if (std::find(names.begin(), names.end(), n) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown input '", n, "': ", expected));
    }
    for (size_t j = 0; j < i; ++j) {
      if (given[j].name == n) {
        return absl::InvalidArgumentError(
            absl::StrCat("input '", n, "' given twice"));
      }
    }
  }
  for (const CpuOnnxTensorInfo& w : want) {
    auto it = std::find_if(given.begin(), given.end(),
                           [&](const Tensor& t) { return t.name == w.name; });
    if (it == given.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing input '", w.name, "': ", expected));
    }
    if (it->dtype != DataType::kFloat32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", w.name, "' is ", std::string(DataTypeName(it->dtype)),
          "; cpu_onnx runs float32 inputs only"));
    }
    if (absl::Status s = it->Validate(); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", w.name, "': ", s.message()));
    }
    bool match = !w.rank_known || w.shape.size() == it->shape.size();
    for (size_t d = 0; match && d < it->shape.size(); ++d) {
      const int64_t dim = it->shape[d];
      match = dim > 0 && dim <= INT_MAX &&
              (!w.rank_known || w.shape[d] < 0 || w.shape[d] == dim);
    }
    if (!match) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", w.name, "' has shape ", it->ShapeString(), "; model '",
          model_name, "' expects ", InfoString(w), " (-1: any positive size)"));
    }
    ordered->push_back(&*it);
  }
  return absl::OkStatus();
}

std::vector<int> CvDims(const std::vector<int64_t>& shape) {
  if (shape.empty()) return {1};  // a scalar as one element
  return std::vector<int>(shape.begin(), shape.end());
}

Tensor ToTensor(const std::string& name, const cv::Mat& out,
                const CpuOnnxTensorInfo* declared) {
  cv::Mat f;
  if (out.depth() == CV_32F && out.isContinuous()) {
    f = out;
  } else if (out.depth() == CV_32F) {
    f = out.clone();
  } else {
    out.convertTo(f, CV_32F);
  }
  Tensor t;
  t.name = name;
  t.dtype = DataType::kFloat32;
  for (int d = 0; d < f.dims; ++d) t.shape.push_back(f.size[d]);
  if (declared && declared->rank_known) {
    int64_t n = 1;
    bool fixed = true;
    for (int64_t d : declared->shape) {
      fixed = fixed && d > 0;
      n *= std::max<int64_t>(d, 1);
    }
    if (fixed && n == static_cast<int64_t>(f.total()))
      t.shape = declared->shape;
  }
  t.bytes = std::string(reinterpret_cast<const char*>(f.data),
                        f.total() * f.elemSize());
  return t;
}

}  // namespace cpu_onnx_internal
}  // namespace joule
