#include "core/types.h"

#include "core/enum_names.h"

namespace joule {
namespace {

constexpr std::array<std::string_view, kNumPrecisions> kPrecisionNames = {
    "fp32", "fp16", "int8", "int4"};
constexpr std::array<std::string_view, 3> kKindNames = {"cpu", "gpu", "npu"};

}  // namespace

std::string_view PrecisionName(Precision p) {
  return kPrecisionNames[static_cast<int>(p)];
}
std::optional<Precision> ParsePrecision(std::string_view s) {
  return ParseEnumName<Precision>(s, kPrecisionNames);
}
double PrecisionByteScale(Precision p) {
  static constexpr double kScale[] = {1.0, 0.5, 0.25, 0.125};
  return kScale[static_cast<int>(p)];
}

std::string_view DeviceKindName(DeviceKind k) {
  return kKindNames[static_cast<int>(k)];
}
std::optional<DeviceKind> ParseDeviceKind(std::string_view s) {
  return ParseEnumName<DeviceKind>(s, kKindNames);
}

std::string_view PriorityClassName(PriorityClass c) {
  static constexpr std::string_view kNames[] = {"realtime", "interactive",
                                                "batch"};
  return kNames[static_cast<int>(c)];
}

std::string_view PreferenceName(Preference p) {
  static constexpr std::string_view kNames[] = {"balanced", "latency",
                                                "energy"};
  return kNames[static_cast<int>(p)];
}

std::string_view JobStateName(JobState s) {
  static constexpr std::string_view kNames[] = {
      "queued",    "running",           "completed", "failed",
      "cancelled", "deadline_exceeded", "rejected"};
  return kNames[static_cast<int>(s)];
}

}  // namespace joule
