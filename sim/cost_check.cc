#include "sim/cost_check.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/models.h"

namespace joule {
namespace {

constexpr std::string_view kModelZoo =
    "https://github.com/airockchip/rknn_model_zoo/blob/"
    "eaa94d6f57ca553d493bf3bd7399a070452d2774/README.md";
constexpr std::string_view kJasHacks =
    "http://jas-hacks.blogspot.com/2023/06/"
    "rk3588-rknn-object-detection-on.html";
constexpr std::string_view kSmallBoard =
    "https://github.com/nihui/ncnn-small-board";
constexpr std::string_view kNcnnResNet50 = "https://bbs.songma.com/107723.html";
constexpr std::string_view kQengineering =
    "https://github.com/Qengineering/YoloV5-NPU-Rock-5";

std::vector<PublishedLatency> MakeRows() {
  std::vector<PublishedLatency> r;
  // RKNN on the NPU, INT8 (rknn_model_zoo README, "Model performance
  // benchmark(FPS)"; ms = 1000 / FPS).
  r.push_back({"npu-1", "mobilenet_v2_224", "npu0", Precision::kInt8, 1,
               1000.0 / 433.0, "RKNN (rknn_model_zoo v1.6.0)",
               "mobilenetv2-12 (ONNX), [1,3,224,224]; RK3588, one NPU core "
               "at the maximum NPU clock; inference only; 433.0 FPS",
               kModelZoo});
  r.push_back({"npu-2", "resnet50_224", "npu0", Precision::kInt8, 1,
               1000.0 / 108.6, "RKNN (rknn_model_zoo v1.6.0)",
               "resnet50-v2-7 (ONNX), [1,3,224,224]; RK3588, one NPU core "
               "at the maximum NPU clock; inference only; 108.6 FPS",
               kModelZoo});
  r.push_back({"npu-3", "yolov5s_640", "npu0", Precision::kInt8, 1,
               1000.0 / 63.3, "RKNN (rknn_model_zoo v1.6.0)",
               "yolov5s_relu (SiLU replaced by ReLU), [1,3,640,640]; RK3588, "
               "one NPU core at the maximum NPU clock; inference only; "
               "63.3 FPS",
               kModelZoo});
  r.push_back({"npu-4", "yolov5s_640", "npu0", Precision::kInt8, 1,
               1000.0 / 42.5, "RKNN (rknn_model_zoo v1.6.0)",
               "yolov5s (SiLU), [1,3,640,640]; RK3588, one NPU core at the "
               "maximum NPU clock; inference only; 42.5 FPS",
               kModelZoo});
  // rknn_benchmark, RKNPU SDK v1.5.0 (jas-hacks blog).
  r.push_back({"npu-5", "yolov5s_640", "npu0", Precision::kInt8, 1, 18.84,
               "RKNN (rknpu2 v1.5.0, rknn_benchmark)",
               "yolov5s-640-640.rknn (the SDK's quantised example), 1000 "
               "iterations; three instances at once, one per core (core "
               "masks 1, 2, 4): \"Avg Time 18.84ms\" per instance",
               kJasHacks});
  r.push_back({"npu-6", "yolov5s_640", "npu0", Precision::kInt8, 3, 9.86,
               "RKNN (rknpu2 v1.5.0, rknn_benchmark)",
               "yolov5s-640-640.rknn, 1000 iterations, one instance on all "
               "three cores (core mask 7): \"Avg Time 9.86ms\"",
               kJasHacks});
  // ncnn on the CPU.
  r.push_back({"cpu-1", "mobilenet_v1_224", "cpu0", Precision::kFp16, 0, 5.41,
               "ncnn (benchncnn)",
               "\"mobilenet\" (MobileNetV1, 224x224), Radxa ROCK 5B "
               "(RK3588); all four A76 big cores, fp16 arithmetic",
               kSmallBoard});
  r.push_back({"cpu-2", "mobilenet_v1_224", "cpu0", Precision::kFp16, 0, 5.75,
               "ncnn (benchncnn)",
               "\"mobilenet\" (MobileNetV1, 224x224), Orange Pi 5 "
               "(RK3588S); all four A76 big cores, fp16 arithmetic",
               kSmallBoard});
  r.push_back({"cpu-3", "resnet50_224", "cpu0", Precision::kFp16, 0, 30.9413,
               "ncnn",
               "ResNet-50 (torchvision, converted with pnnx), "
               "[1,3,224,224], FP16, on the RK3588 CPU; thread count not "
               "stated",
               kNcnnResNet50});
  r.push_back({"cpu-4", "yolov5s_640", "cpu0", Precision::kFp16, 0,
               1000.0 / 12.5, "ncnn",
               "YoloV5 640x640 small on a Rock 5 (RK3588) CPU, 12.5 FPS of "
               "the whole demo (pre- and post-processing included); "
               "precision not stated, taken as ncnn's FP16 on the A76",
               kQengineering});
  // ncnn Vulkan on the Mali-G610.
  r.push_back({"gpu-1", "mobilenet_v1_224", "gpu0", Precision::kFp16, 0, 9.16,
               "ncnn Vulkan (benchncnn)",
               "\"mobilenet\" (MobileNetV1, 224x224) on the Mali-G610 of a "
               "ZYSJ RK3588 board through Vulkan, fp16",
               kSmallBoard});
  r.push_back({"gpu-2", "resnet50_224", "gpu0", Precision::kFp16, 0, 43.4555,
               "ncnn Vulkan",
               "ResNet-50 (torchvision, converted with pnnx), "
               "[1,3,224,224], FP16, on the RK3588's Mali-G610 through "
               "Vulkan",
               kNcnnResNet50});
  return r;
}

const DeviceSpec* FindDevice(const std::vector<DeviceSpec>& profile,
                             std::string_view name) {
  for (const DeviceSpec& d : profile) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// absl's string_view is not std::string_view in every build: hand absl
// std::strings.
std::string Str(std::string_view v) { return std::string(v); }

std::string DeviceLabel(const PublishedLatency& p) {
  if (p.npu_cores == 0) return Str(p.device);
  return absl::StrFormat("%s (%d of %d cores)", Str(p.device), p.npu_cores,
                         kRk3588NpuCores);
}

}  // namespace

const std::vector<PublishedLatency>& PublishedLatencies() {
  static const std::vector<PublishedLatency>* const kRows =
      new std::vector<PublishedLatency>(MakeRows());
  return *kRows;
}

DeviceSpec SpecForRow(const DeviceSpec& device, int npu_cores) {
  if (npu_cores < 0 || npu_cores > kRk3588NpuCores) {
    // A broken table invariant: the rows are compiled in.
    std::fprintf(stderr, "SpecForRow(%s): %d NPU cores\n", device.name.c_str(),
                 npu_cores);
    std::abort();
  }
  DeviceSpec d = device;
  if (npu_cores == 0) return d;
  const double share = static_cast<double>(npu_cores) / kRk3588NpuCores;
  for (double& peak : d.peak_ops_per_s) peak *= share;
  return d;
}

absl::StatusOr<CostCheckRow> PredictLatency(
    const PublishedLatency& row, const std::vector<DeviceSpec>& profile) {
  const std::optional<ModelSpec> model = FindBuiltinModel(row.model);
  if (!model) {
    return absl::NotFoundError(
        absl::StrCat(Str(row.id), ": no built-in model ", Str(row.model)));
  }
  const DeviceSpec* device = FindDevice(profile, row.device);
  if (device == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        Str(row.id), ": no device ", Str(row.device), " in the profile"));
  }
  const double ops = model->cost.ops(row.precision);
  if (ops <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Str(row.id), ": ", Str(row.model), " has no ",
                     Str(PrecisionName(row.precision)), " ops"));
  }
  // Offer only the measured precision, so the estimate is of that run.
  JobCost cost = model->cost;
  cost.ops_by_precision = {};
  cost.ops_by_precision[static_cast<int>(row.precision)] = ops;
  cost.model_precision.reset();

  const DeviceSpec spec = SpecForRow(*device, row.npu_cores);
  std::optional<Estimate> est = EstimateJob(cost, 1, spec, spec.max_pstate());
  if (!est) {
    return absl::InvalidArgumentError(
        absl::StrCat(Str(row.id), ": ", Str(row.device), " cannot run ",
                     Str(PrecisionName(row.precision))));
  }
  CostCheckRow out;
  out.published = row;
  out.estimate = *est;
  out.predicted_ms = est->exec_s * 1e3;
  out.error = out.predicted_ms / row.published_ms - 1;
  return out;
}

absl::StatusOr<std::vector<CostCheckRow>> PredictAll(
    const std::vector<DeviceSpec>& profile) {
  std::vector<CostCheckRow> rows;
  for (const PublishedLatency& p : PublishedLatencies()) {
    absl::StatusOr<CostCheckRow> r = PredictLatency(p, profile);
    if (!r.ok()) return r.status();
    rows.push_back(*r);
  }
  return rows;
}

std::string CostCheckMarkdown(const std::vector<CostCheckRow>& rows) {
  std::string out =
      "| row | model | device | precision | published ms | predicted ms | "
      "error | limited by |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const CostCheckRow& r : rows) {
    const PublishedLatency& p = r.published;
    double percent = std::round(100 * r.error);
    if (percent == 0) percent = 0;  // no "-0%"
    absl::StrAppendFormat(
        &out, "| %s | %s | %s | %s | %.2f | %.2f | %+.0f%% | %s |\n", Str(p.id),
        Str(p.model), DeviceLabel(p), Str(PrecisionName(p.precision)),
        p.published_ms, r.predicted_ms, percent,
        r.estimate.memory_bound ? "memory" : "compute");
  }
  out +=
      "\n| row | runtime | what was measured | source |\n"
      "| --- | --- | --- | --- |\n";
  for (const CostCheckRow& r : rows) {
    const PublishedLatency& p = r.published;
    absl::StrAppendFormat(&out, "| %s | %s | %s | %s |\n", Str(p.id),
                          Str(p.runtime), Str(p.measured), Str(p.source));
  }
  return out;
}

}  // namespace joule
