#include "executors/cpu_onnx_runtime.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "executors/cpu_onnx_io.h"
#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace joule {

using cpu_onnx_internal::CvDims;
using cpu_onnx_internal::InfoString;
using cpu_onnx_internal::MatchInputs;
using cpu_onnx_internal::ReadModelGraph;
using cpu_onnx_internal::ToTensor;

namespace {

// OpenCV's messages span lines ("> > (expected: ...)"); one line reads better
// in a Status and a log.
std::string OneLine(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (c == '>' && (out.empty() || space)) continue;  // quoting markers
    if (space) out += ' ';
    space = false;
    out += c;
  }
  constexpr size_t kMax = 800;
  if (out.size() > kMax) out = out.substr(0, kMax) + "...";
  return out;
}

std::string CvMessage(const cv::Exception& e) {
  std::string msg = OneLine(e.err);
  if (!e.func.empty()) absl::StrAppend(&msg, " (in ", e.func, ")");
  return msg;
}

class OpenCvModel final : public CpuOnnxModel {
 public:
  const CpuOnnxModelInfo& info() const override { return info_; }
  absl::StatusOr<std::vector<Tensor>> Run(
      const std::vector<Tensor>& inputs) override;

  std::string name_;
  CpuOnnxModelInfo info_;
  // What forward() is asked for: the graph's output names, or OpenCV's
  // unconnected output layers when those are what it answers to.
  std::vector<cv::String> forward_names_;
  // Only the one thread running the model touches it once Load returned
  // (before that, only Load's thread).
  cv::dnn::Net net_;
};

absl::StatusOr<std::vector<Tensor>> OpenCvModel::Run(
    const std::vector<Tensor>& given) {
  std::vector<const Tensor*> inputs;
  if (absl::Status s = MatchInputs(name_, info_.inputs, given, &inputs);
      !s.ok()) {
    return s;
  }
  std::vector<Tensor> result;
  try {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& t = *inputs[i];
      const std::vector<int> dims = CvDims(t.shape);
      cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F);
      if (!t.bytes.empty())
        std::memcpy(blob.data, t.bytes.data(), t.bytes.size());
      net_.setInput(blob, info_.inputs[i].name);
    }
    std::vector<cv::Mat> outs;
    net_.forward(outs, forward_names_);
    for (size_t i = 0; i < outs.size(); ++i) {
      const CpuOnnxTensorInfo* declared =
          i < info_.outputs.size() ? &info_.outputs[i] : nullptr;
      const std::string name =
          declared ? declared->name : std::string(forward_names_[i]);
      result.push_back(ToTensor(name, outs[i], declared));
    }
  } catch (const cv::Exception& e) {
    return absl::InternalError(
        absl::StrCat("cpu_onnx: model '", name_, "' failed: ", CvMessage(e)));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cpu_onnx: model '", name_, "' failed: ", e.what()));
  }
  return result;
}

}  // namespace

CpuOnnxRuntime::CpuOnnxRuntime(CpuOnnxRuntimeOptions options)
    : options_(options) {
  if (options_.num_threads > 0) cv::setNumThreads(options_.num_threads);
}

absl::StatusOr<std::shared_ptr<RuntimeModel>> CpuOnnxRuntime::Load(
    const std::string& name, const std::string& onnx_bytes) {
  auto model = std::make_shared<OpenCvModel>();
  model->name_ = name;
  if (absl::Status s = ReadModelGraph(name, onnx_bytes, &model->info_);
      !s.ok()) {
    return s;
  }
  switch (options_.fusion) {
    case CpuOnnxFusion::kAuto:
      model->info_.fusion = model->info_.fusion_note.empty();
      break;
    case CpuOnnxFusion::kOn:
      model->info_.fusion = true;
      model->info_.fusion_note.clear();
      break;
    case CpuOnnxFusion::kOff:
      model->info_.fusion = false;
      model->info_.fusion_note = "fusion off by option";
      break;
  }
  const std::string prefix =
      absl::StrCat("cpu_onnx cannot import model '", name, "': ");
  for (const CpuOnnxTensorInfo& in : model->info_.inputs) {
    if (in.dtype != DataType::kFloat32) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "input '", in.name, "' is ", InfoString(in),
                       "; cpu_onnx feeds float32 inputs only"));
    }
  }
  try {
    model->net_ =
        cv::dnn::readNetFromONNX(onnx_bytes.data(), onnx_bytes.size());
  } catch (const cv::Exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, CvMessage(e)));
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, e.what()));
  }
  if (model->net_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(prefix, "OpenCV returned an empty network"));
  }
  model->net_.enableFusion(model->info_.fusion);
  for (const CpuOnnxTensorInfo& out : model->info_.outputs) {
    model->forward_names_.push_back(out.name);
  }

  const bool shapes_known =
      std::all_of(model->info_.inputs.begin(), model->info_.inputs.end(),
                  [](const CpuOnnxTensorInfo& i) { return i.rank_known; });
  if (options_.warm_up_on_load && shapes_known) {
    std::vector<std::string> shapes;
    std::vector<cv::Mat> outs;
    try {
      for (const CpuOnnxTensorInfo& in : model->info_.inputs) {
        std::vector<int64_t> shape = in.shape;
        for (int64_t& d : shape) d = std::max<int64_t>(d, 1);
        shapes.push_back(absl::StrCat(in.name, "=", ShapeString(shape)));
        const std::vector<int> dims = CvDims(shape);
        model->net_.setInput(cv::Mat(static_cast<int>(dims.size()), dims.data(),
                                     CV_32F, cv::Scalar(0)),
                             in.name);
      }
      try {
        model->net_.forward(outs, model->forward_names_);
      } catch (const cv::Exception&) {
        // Some graphs answer only to OpenCV's own names for their output
        // layers; use those when there are as many.
        std::vector<cv::String> alt =
            model->net_.getUnconnectedOutLayersNames();
        if (alt.size() != model->forward_names_.size()) throw;
        model->net_.forward(outs, alt);
        model->forward_names_ = alt;
      }
    } catch (const cv::Exception& e) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "OpenCV imports it but its warm-up run at ",
                       absl::StrJoin(shapes, " "), " fails: ", CvMessage(e)));
    } catch (const std::exception& e) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "warm-up run failed: ", e.what()));
    }
  }

  return model;
}

}  // namespace joule
