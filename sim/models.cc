#include "sim/models.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace joule {
namespace {

// ops_by_precision {fp32, fp16, int8, int4}; 0 = not offered at that
// precision.
JobCost Cost(double fp32, double fp16, double int8, double int4,
             double weight_bytes, double activation_bytes, double input_bytes,
             double output_bytes) {
  JobCost c;
  c.ops_by_precision = {fp32, fp16, int8, int4};
  c.weight_bytes = weight_bytes;
  c.activation_bytes = activation_bytes;
  c.input_bytes = input_bytes;
  c.output_bytes = output_bytes;
  return c;
}

std::vector<ModelSpec> MakeCatalogue() {
  std::vector<ModelSpec> m;

  // Camera object detector, SSD-MobileNet class, one camera at 30 fps.
  //  - ops: SSD300-MobileNetV1 is 1.2 G mult-adds with 6.8 M parameters
  //    (Howard et al. 2017, "MobileNets", Table 13); larger inputs (~430 px)
  //    or a V2/FPN head bring it to ~2.5 GMAC. We use 2.5 GMAC = 5.0 G ops
  //    (1 MAC = 2 ops): an approximation at the heavy end of the class.
  //  - weights: 6.8 M params * 4 B = 27.2 MB at FP32 (Howard et al.).
  //  - activations: ~4 M values written and read once per frame, 16 MB at
  //    FP32 (approximation from the feature-map sizes).
  //  - input 300*300*3 B (uint8 RGB), output ~10 kB of boxes.
  //  - realtime, deadline = one frame period (33.3 ms).
  {
    ModelSpec s;
    s.name = "camera_detector";
    s.summary = "SSD-MobileNet-class detector, 2.5 GMAC (approx.), 30 fps";
    s.cost = Cost(5.0e9, 5.0e9, 5.0e9, 0, 27.2e6, 16e6, 270e3, 10e3);
    s.priority_class = PriorityClass::kRealtime;
    s.deadline_ms = 1000.0 / 30.0;
    s.rate_per_s = 30;
    m.push_back(s);
  }

  // Always-on wake-word / keyword spotter, DS-CNN-S.
  //  - ops and weights: DS-CNN (S) has 38.6 K parameters and 5.4 M ops per
  //    inference (Zhang et al. 2017, "Hello Edge: Keyword Spotting on
  //    Microcontrollers", Table 5); 38.6 K * 4 B = 154 kB at FP32.
  //  - activations: 64 channels * 25*5 * ~4 layers * 4 B ≈ 100 kB at FP32
  //    (approximation).
  //  - input: 49*10 MFCC floats (1960 B); output 12 class scores.
  //  - one inference per 100 ms hop of a 1 s window; interactive, deadline
  //    one hop.
  {
    ModelSpec s;
    s.name = "wake_word";
    s.summary = "DS-CNN-S keyword spotter, 5.4 M ops, 100 ms hop";
    s.cost = Cost(5.4e6, 5.4e6, 5.4e6, 0, 154.4e3, 100e3, 1960, 48);
    s.priority_class = PriorityClass::kInteractive;
    s.deadline_ms = 100;
    s.rate_per_s = 10;
    m.push_back(s);
  }

  // OCR of a camera page, PP-OCR-class detector + CRNN recogniser.
  //  - ops: a DBNet-style text detector at 640*640 (~3 GFLOP) plus ~20 text
  //    lines through a CRNN recogniser (~0.25 GFLOP each): ~8 G ops per
  //    page. An approximation; PP-OCR's mobile models are lighter, server
  //    models heavier.
  //  - weights: ~4 M params, 16 MB at FP32 (approximation, PP-OCRv3 mobile
  //    detector + recogniser are a few MB each).
  //  - activations: 40 MB at FP32 (approximation).
  //  - FP32/FP16 only and CPU/GPU only: the recogniser's BiLSTM and CTC
  //    decode stay in float and (assumption) the NPU toolchain lacks them.
  //  - input 640*640*3 B, output ~2 kB of text; interactive, 500 ms.
  {
    ModelSpec s;
    s.name = "ocr";
    s.summary = "PP-OCR-class det+rec, ~8 G ops/page (approx.), CPU/GPU only";
    s.cost = Cost(8e9, 8e9, 0, 0, 16e6, 40e6, 1.2288e6, 2e3);
    s.priority_class = PriorityClass::kInteractive;
    s.deadline_ms = 500;
    s.allowed_kinds = {DeviceKind::kCpu, DeviceKind::kGpu};
    s.rate_per_s = 2;
    m.push_back(s);
  }

  // BERT-base-like NLP model, one 128-token sequence per job.
  //  - ops: BERT-base has 110 M parameters (Devlin et al. 2019), ~86 M of
  //    them outside the embeddings; 2 * 86 M * 128 tokens ≈ 22 GFLOP plus
  //    ~0.6 GFLOP of attention scores: ~22 G ops (derived).
  //  - weights streamed per sequence: the 86 M non-embedding params plus
  //    the used embedding rows, ~350 MB at FP32 (derived).
  //  - activations: ~13 K values per token per layer * 128 * 12 layers * 4 B
  //    ≈ 80 MB at FP32 (approximation).
  //  - INT8 as in Q8BERT (Zafrir et al. 2019); batch class, 2 s deadline.
  {
    ModelSpec s;
    s.name = "nlp_bert";
    s.summary = "BERT-base, 128 tokens, ~22 GFLOP (derived)";
    s.cost = Cost(22e9, 22e9, 22e9, 0, 350e6, 80e6, 1024, 3072);
    s.priority_class = PriorityClass::kBatch;
    s.deadline_ms = 2000;
    s.rate_per_s = 1;
    m.push_back(s);
  }

  // Reference models of the published-latency check (sim/cost_check.h,
  // docs/COST_MODEL_CHECK.md). Ops are 2 per multiply-add. Activation bytes
  // count every layer's output feature map once (batch norm and activation
  // fused into the layer before), at FP32: derived from each paper's layer
  // table, an approximation (runtimes keep fewer maps live, but each map is
  // written once and read at least once). Weights at FP32 (4 B/param).
  // Rates and deadlines are a camera's (30 fps) and an interactive
  // classifier's; a scenario may override them.

  // YOLOv5s v6, 640x640.
  //  - ops and weights: 16.5 GFLOP at 640 and 7.2 M params (Ultralytics
  //    YOLOv5 README, "Pretrained Checkpoints", YOLOv5s row).
  //  - activations: 35.7 M values (the yolov5s.yaml layers at 640: e.g. the
  //    first conv's 320*320*32, the C3 blocks' internal maps, the three
  //    255-channel heads), 142.9 MB at FP32 (derived).
  //  - input 640*640*3 B; output 25200 * 85 floats.
  {
    ModelSpec s;
    s.name = "yolov5s_640";
    s.summary = "YOLOv5s detector at 640x640, 16.5 GFLOP, 7.2 M params";
    s.cost = Cost(16.5e9, 16.5e9, 16.5e9, 0, 28.8e6, 142.9e6, 1228800,
                  25200 * 85 * 4);
    s.priority_class = PriorityClass::kRealtime;
    s.deadline_ms = 1000.0 / 30.0;
    s.rate_per_s = 30;
    m.push_back(s);
  }

  // MobileNetV1 (1.0, 224), ImageNet classifier.
  //  - ops and weights: 569 M mult-adds, 4.2 M params (Howard et al. 2017,
  //    "MobileNets", Table 8, 1.0 MobileNet-224): 1.138 G ops, 16.8 MB.
  //  - activations: 5.04 M values from Table 1's layer shapes, 20.2 MB at
  //    FP32 (derived).
  //  - input 224*224*3 B; output 1000 floats.
  {
    ModelSpec s;
    s.name = "mobilenet_v1_224";
    s.summary = "MobileNetV1-224 classifier, 569 M MAC, 4.2 M params";
    s.cost = Cost(1.138e9, 1.138e9, 1.138e9, 0, 16.8e6, 20.2e6, 150528, 4000);
    s.priority_class = PriorityClass::kInteractive;
    s.deadline_ms = 100;
    s.rate_per_s = 10;
    m.push_back(s);
  }

  // MobileNetV2 (1.0, 224), ImageNet classifier.
  //  - ops and weights: 300 M mult-adds, 3.4 M params (Sandler et al. 2018,
  //    "MobileNetV2", Table 4): 0.6 G ops, 13.6 MB.
  //  - activations: 6.68 M values from Table 2's bottlenecks (expansion,
  //    depthwise and projection outputs), 26.7 MB at FP32 (derived).
  //  - input 224*224*3 B; output 1000 floats.
  {
    ModelSpec s;
    s.name = "mobilenet_v2_224";
    s.summary = "MobileNetV2-224 classifier, 300 M MAC, 3.4 M params";
    s.cost = Cost(0.6e9, 0.6e9, 0.6e9, 0, 13.6e6, 26.7e6, 150528, 4000);
    s.priority_class = PriorityClass::kInteractive;
    s.deadline_ms = 100;
    s.rate_per_s = 10;
    m.push_back(s);
  }

  // ResNet-50, 224, ImageNet classifier.
  //  - ops and weights: 4.09 G mult-adds and 25,557,032 params (torchvision
  //    ResNet50_Weights.IMAGENET1K_V1 model card, "GFLOPS 4.09", counting
  //    mult-adds): 8.18 G ops, 102.2 MB. ResNet v2 (pre-activation) has the
  //    same convolutions.
  //  - activations: 10.8 M values (He et al. 2016, Table 1's stages: each
  //    bottleneck's three outputs plus the projection shortcuts), 43.2 MB at
  //    FP32 (derived).
  //  - input 224*224*3 B; output 1000 floats.
  {
    ModelSpec s;
    s.name = "resnet50_224";
    s.summary = "ResNet-50-224 classifier, 4.09 G MAC, 25.6 M params";
    s.cost = Cost(8.18e9, 8.18e9, 8.18e9, 0, 102.2e6, 43.2e6, 150528, 4000);
    s.priority_class = PriorityClass::kInteractive;
    s.deadline_ms = 100;
    s.rate_per_s = 10;
    m.push_back(s);
  }
  return m;
}

}  // namespace

const std::vector<ModelSpec>& BuiltinModels() {
  static const std::vector<ModelSpec>* const kModels =
      new std::vector<ModelSpec>(MakeCatalogue());
  return *kModels;
}

std::optional<ModelSpec> FindBuiltinModel(std::string_view name) {
  for (const ModelSpec& m : BuiltinModels()) {
    if (m.name == name) return m;
  }
  return std::nullopt;
}

std::optional<PriorityClass> ParsePriorityClass(std::string_view s) {
  for (int c = 0; c < kNumPriorityClasses; ++c) {
    const auto pc = static_cast<PriorityClass>(c);
    if (PriorityClassName(pc) == s) return pc;
  }
  return std::nullopt;
}

std::optional<std::vector<DeviceKind>> ParseKindList(std::string_view s) {
  std::vector<DeviceKind> kinds;
  if (s.empty()) return kinds;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(s.data(), s.size()), ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::optional<DeviceKind> k =
        ParseDeviceKind(std::string_view(part.data(), part.size()));
    if (!k) return std::nullopt;
    kinds.push_back(*k);
  }
  return kinds;
}

std::string KindListName(const std::vector<DeviceKind>& kinds) {
  if (kinds.empty()) return "any";
  std::vector<std::string> names;
  for (DeviceKind k : kinds) names.emplace_back(DeviceKindName(k));
  return absl::StrJoin(names, ",");
}

}  // namespace joule
