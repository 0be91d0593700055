// Vocabulary types shared by every component: precisions, device kinds,
// priority classes, job costs and job states.
//
// Plain values; no synchronisation needed.
#ifndef JOULE_CORE_TYPES_H_
#define JOULE_CORE_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace joule {

enum class Precision { kFp32 = 0, kFp16, kInt8, kInt4 };
inline constexpr int kNumPrecisions = 4;
inline constexpr std::array<Precision, kNumPrecisions> kAllPrecisions = {
    Precision::kFp32, Precision::kFp16, Precision::kInt8, Precision::kInt4};
std::string_view PrecisionName(Precision p);  // "fp32", "fp16", ...
std::optional<Precision> ParsePrecision(std::string_view s);
// Bytes per element relative to FP32: 1, 1/2, 1/4, 1/8.
double PrecisionByteScale(Precision p);

enum class DeviceKind { kCpu = 0, kGpu, kNpu };
std::string_view DeviceKindName(DeviceKind k);  // "cpu", "gpu", "npu"
std::optional<DeviceKind> ParseDeviceKind(std::string_view s);

// Queue order: lower value is dispatched first.
enum class PriorityClass { kRealtime = 0, kInteractive, kBatch };
inline constexpr int kNumPriorityClasses = 3;
std::string_view PriorityClassName(PriorityClass c);

enum class Preference { kBalanced = 0, kLatency, kEnergy };
std::string_view PreferenceName(Preference p);

enum class JobState {
  kQueued,
  kRunning,
  kCompleted,
  kFailed,
  kCancelled,
  kDeadlineExceeded,
  kRejected,
};
std::string_view JobStateName(JobState s);  // "completed", ...
inline bool IsTerminal(JobState s) {
  return s != JobState::kQueued && s != JobState::kRunning;
}

// What a job costs, independent of the device that runs it (docs/
// ARCHITECTURE.md, "Cost model"). Ops are per batch item; bytes are per item at
// FP32 except weights, which are read once per batch.
//
// Two kinds: a cost the client gives lists every precision the job can run
// at (ops > 0 each); a registered ONNX model's cost is at the model's own
// precision (`model_precision`), which a device runs as is, or converts to
// one of the precisions its profile says it converts models to
// (DeviceSpec::converts_models_to), with the same ops. Its ops may be 0
// when the analysis resolved no node (the cost is then memory traffic).
struct JobCost {
  // ops_by_precision[p] > 0 when the job can run at precision p.
  std::array<double, kNumPrecisions> ops_by_precision{};
  // Set for a model's cost: the precision the model is in.
  std::optional<Precision> model_precision;
  double weight_bytes = 0;      // at FP32
  double activation_bytes = 0;  // per item, at FP32
  double input_bytes = 0;       // per item, over the link
  double output_bytes = 0;      // per item, over the link

  double ops(Precision p) const {
    return ops_by_precision[static_cast<int>(p)];
  }
  // The job offers p as it is (without conversion by a device).
  bool Supports(Precision p) const {
    return ops(p) > 0 || model_precision == p;
  }
};

}  // namespace joule

#endif  // JOULE_CORE_TYPES_H_
