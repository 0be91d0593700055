#include "governor/dvfs.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace joule {
namespace {

DvfsDecision Make(int from, int to, DvfsReason reason) {
  StepDirection d = StepDirection::kNone;
  if (to > from) d = StepDirection::kUp;
  if (to < from) d = StepDirection::kDown;
  return DvfsDecision{to, reason, d};
}

StepDirection Reverse(StepDirection d) {
  switch (d) {
    case StepDirection::kUp:
      return StepDirection::kDown;
    case StepDirection::kDown:
      return StepDirection::kUp;
    case StepDirection::kNone:
      break;
  }
  return StepDirection::kNone;
}

// Adaptive policy below the cap; see dvfs.h.
DvfsDecision Adaptive(const DvfsInputs& in, int cap,
                      const GovernorTunables& t) {
  const double peak = in.mean + t.k * in.stddev;  // μ + k·σ
  const bool sustained = in.mean > t.up_threshold;
  const bool surge = in.latest > std::max(peak, t.up_threshold);
  const bool idle = peak < t.down_threshold;

  StepDirection want = StepDirection::kNone;
  DvfsReason why = DvfsReason::kHold;
  if (sustained || surge) {
    want = StepDirection::kUp;
    why = sustained ? DvfsReason::kSustainedLoad : DvfsReason::kSurge;
  } else if (idle) {
    want = StepDirection::kDown;
    why = DvfsReason::kIdle;
  }
  if (want == StepDirection::kNone) return Make(in.current, in.current, why);
  if (want == StepDirection::kUp && in.current >= cap) {
    return Make(in.current, in.current, DvfsReason::kAtCap);
  }
  if (want == StepDirection::kDown && in.current <= 0) {
    return Make(in.current, in.current, DvfsReason::kAtBottom);
  }
  if (!MinIntervalElapsed(in.since_last_change, t)) {
    return Make(in.current, in.current, DvfsReason::kRateLimited);
  }
  if (!PassesChangeFilter(want, in, t)) {
    return Make(in.current, in.current, DvfsReason::kChangeFiltered);
  }
  const int step = want == StepDirection::kUp ? 1 : -1;
  return Make(in.current, in.current + step, why);
}

}  // namespace

std::string_view StepDirectionName(StepDirection d) {
  switch (d) {
    case StepDirection::kNone:
      return "none";
    case StepDirection::kUp:
      return "up";
    case StepDirection::kDown:
      return "down";
  }
  return "none";
}

std::string_view DvfsReasonName(DvfsReason r) {
  switch (r) {
    case DvfsReason::kHold:
      return "hold";
    case DvfsReason::kSustainedLoad:
      return "sustained_load";
    case DvfsReason::kSurge:
      return "surge";
    case DvfsReason::kIdle:
      return "idle";
    case DvfsReason::kAtCap:
      return "at_cap";
    case DvfsReason::kAtBottom:
      return "at_bottom";
    case DvfsReason::kRateLimited:
      return "rate_limited";
    case DvfsReason::kChangeFiltered:
      return "change_filtered";
    case DvfsReason::kThermalCap:
      return "thermal_cap";
    case DvfsReason::kPerformance:
      return "performance";
    case DvfsReason::kPowersave:
      return "powersave";
  }
  return "unknown";
}

bool IsKnownDvfsPolicy(std::string_view policy) {
  return policy == "adaptive" || policy == "performance" ||
         policy == "powersave";
}

bool MinIntervalElapsed(Duration since_last_change, const GovernorTunables& t) {
  return since_last_change >= std::chrono::milliseconds(t.min_interval_ms);
}

bool PassesChangeFilter(StepDirection proposed, const DvfsInputs& in,
                        const GovernorTunables& t) {
  if (in.last_direction == StepDirection::kNone) return true;
  if (proposed != Reverse(in.last_direction)) return true;
  return std::fabs(in.mean - in.mean_at_last_change) >= t.change_filter;
}

DvfsDecision NextPState(const DvfsInputs& in, const GovernorTunables& t) {
  const int top = std::max(in.num_pstates - 1, 0);
  const int cap = std::clamp(in.cap, 0, top);
  if (in.current > cap) return Make(in.current, cap, DvfsReason::kThermalCap);
  if (t.policy == "performance") {
    return Make(in.current, cap, DvfsReason::kPerformance);
  }
  if (t.policy == "powersave") {
    return Make(in.current, 0, DvfsReason::kPowersave);
  }
  return Adaptive(in, cap, t);
}

}  // namespace joule
