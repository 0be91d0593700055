// Models: the cost records joule-sim's workloads are made of (ModelSpec), and
// the built-in catalogue of edge-inference models the reference scenario
// uses: a camera object detector, an always-on wake-word spotter, OCR and a
// BERT-base-like NLP model; and four published reference models (YOLOv5s,
// MobileNetV1/V2, ResNet-50) that the cost-model check uses. Each record gives
// ops per precision, weight and activation bytes, input/output bytes, priority
// class, deadline and the device kinds it may run on; models.cc cites where
// each figure comes from and says which are approximations.
//
// Plain values and stateless functions; thread-safe.
#ifndef JOULE_SIM_MODELS_H_
#define JOULE_SIM_MODELS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace joule {

// A model fed by one stream of frames (a fixed camera): each frame shows a
// new scene with probability change_probability, else the previous frame's
// scene again under fresh sensor noise. joule-sim sends every frame with a
// thumbnail as its change signal (sim/frames.h), so the daemon's own frame
// skipping decides which frames run, under the threshold and max_age_ms
// given here (the policy's scheduler.frame_skip entry for the model).
struct FrameProcess {
  double change_probability = 0.1;
  // Each thumbnail value is the scene's plus uniform noise in ±noise
  // (clamped to [0, 1]): two frames of one scene differ by about
  // 2/3 · noise on average, two scenes by about 1/3.
  double noise = 0.005;
  uint32_t thumbnail_values = 64;
  double threshold = 0.02;
  uint32_t max_age_ms = 1000;
};

struct ModelSpec {
  std::string name;     // unique in a scenario; [A-Za-z0-9_.-]+
  std::string summary;  // one line for the report ("2.5 GMAC detector")
  JobCost cost;         // per item; see core/types.h
  uint32_t batch = 1;
  PriorityClass priority_class = PriorityClass::kInteractive;
  // Relative deadline of each job; 0 = none.
  double deadline_ms = 0;
  // MLPerf Server latency bound; 0 = deadline_ms. Server workloads set it as
  // every query's deadline.
  double latency_bound_ms = 0;
  std::vector<DeviceKind> allowed_kinds;  // empty = any
  // Mean arrivals per second in the scenario (before any scaling to a
  // target utilisation).
  double rate_per_s = 0;
  // Frames of one stream; unset: jobs carry no change signal.
  std::optional<FrameProcess> frames;

  double server_bound_ms() const {
    return latency_bound_ms > 0 ? latency_bound_ms : deadline_ms;
  }
};

// The built-in catalogue, in a fixed order: camera_detector, wake_word, ocr,
// nlp_bert (the reference scenario's), then yolov5s_640, mobilenet_v1_224,
// mobilenet_v2_224, resnet50_224 (the published-latency check's,
// sim/cost_check.h). Rates are each model's natural rate (30 fps camera, a
// 100 ms wake-word hop, 2 OCR pages/s, 1 NLP query/s, 10 classifications/s).
const std::vector<ModelSpec>& BuiltinModels();
// The catalogue entry named `name`, or nullopt.
std::optional<ModelSpec> FindBuiltinModel(std::string_view name);

// "realtime" / "interactive" / "batch" → the class; nullopt otherwise.
std::optional<PriorityClass> ParsePriorityClass(std::string_view s);

// "cpu,gpu" → {kCpu, kGpu}; "" → {} (any). Nullopt on an unknown kind.
std::optional<std::vector<DeviceKind>> ParseKindList(std::string_view s);
std::string KindListName(const std::vector<DeviceKind>& kinds);  // "any"

}  // namespace joule

#endif  // JOULE_SIM_MODELS_H_
