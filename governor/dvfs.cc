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

// f_p in kHz; p + 1 when the table is absent, i.e. evenly spaced with
// f_p / f_max = (p + 1) / num_pstates (only ratios matter to the policies).
double FreqKhz(const DvfsInputs& in, int p) {
  if (static_cast<int>(in.freq_khz.size()) == std::max(in.num_pstates, 1)) {
    return static_cast<double>(in.freq_khz[p]);
  }
  return static_cast<double>(p + 1);
}

// Ondemand below the cap; see dvfs.h.
DvfsDecision Ondemand(const DvfsInputs& in, int cap,
                      const GovernorTunables& t) {
  if (in.latest > t.up_threshold) {
    return Make(in.current, cap, DvfsReason::kOndemandMax);
  }
  const double f_min = FreqKhz(in, 0);
  const double f_max = FreqKhz(in, std::max(in.num_pstates - 1, 0));
  const double target = f_min + in.latest * (f_max - f_min);
  return Make(in.current, PStateClosest(in, target, cap),
              DvfsReason::kOndemandProportional);
}

// Schedutil below the cap; see dvfs.h.
DvfsDecision Schedutil(const DvfsInputs& in, int cap) {
  const double f_max = FreqKhz(in, std::max(in.num_pstates - 1, 0));
  const double f_cur =
      FreqKhz(in, std::clamp(in.current, 0, std::max(in.num_pstates - 1, 0)));
  const double util = in.latest * f_cur / f_max;
  return Make(in.current, PStateAtLeast(in, 1.25 * f_max * util, cap),
              DvfsReason::kSchedutil);
}

// Conservative below the cap; see dvfs.h.
DvfsDecision Conservative(const DvfsInputs& in, int cap,
                          const GovernorTunables& t) {
  if (in.latest > t.up_threshold) {
    if (in.current >= cap)
      return Make(in.current, in.current, DvfsReason::kAtCap);
    return Make(in.current, in.current + 1, DvfsReason::kConservativeUp);
  }
  if (in.latest < t.down_threshold) {
    if (in.current <= 0) {
      return Make(in.current, in.current, DvfsReason::kAtBottom);
    }
    return Make(in.current, in.current - 1, DvfsReason::kConservativeDown);
  }
  return Make(in.current, in.current, DvfsReason::kHold);
}

// Slack below the cap; see dvfs.h.
DvfsDecision Slack(const DvfsInputs& in, int cap, const GovernorTunables& t) {
  const int top = std::max(in.num_pstates - 1, 0);
  const double f_cur = FreqKhz(in, std::clamp(in.current, 0, top));
  const double up = std::max(t.up_threshold, 1e-3);
  const double n = static_cast<double>(std::max<size_t>(in.window_samples, 1));
  const double work =
      std::max(in.mean / up, in.mean + t.k * in.stddev / std::sqrt(n));
  int p_load = cap;
  for (int p = 0; p < cap; ++p) {
    if (work * f_cur / FreqKhz(in, p) <= 1.0) {
      p_load = p;
      break;
    }
  }
  const int p_dl = std::min(in.deadline_floor, cap);
  const int floor = std::max(p_load, p_dl);
  const bool has_power =
      static_cast<int>(in.dynamic_power_w.size()) == in.num_pstates;
  int target = floor;
  double best = 0;
  // An idle window still ranks P-states by what the next job will cost.
  const double mean = std::max(in.mean, kSlackMinLoad);
  for (int p = floor; p <= cap && has_power; ++p) {
    const double u = mean * f_cur / FreqKhz(in, p);
    const double e =
        u * (in.dynamic_power_w[p] + in.static_power_w - in.idle_power_w);
    if (p == floor || e <= best * (1 + kSlackEnergyTie)) {
      best = e;
      target = p;
    }
  }
  if (target > in.current && p_dl > in.current) {
    return Make(in.current, target, DvfsReason::kDeadline);
  }
  if (target == in.current)
    return Make(in.current, in.current, DvfsReason::kHold);
  const StepDirection want =
      target > in.current ? StepDirection::kUp : StepDirection::kDown;
  if (!MinIntervalElapsed(in.since_last_change, t)) {
    return Make(in.current, in.current, DvfsReason::kRateLimited);
  }
  if (!PassesChangeFilter(want, in, t)) {
    return Make(in.current, in.current, DvfsReason::kChangeFiltered);
  }
  return Make(
      in.current, target,
      want == StepDirection::kUp ? DvfsReason::kLoadUp : DvfsReason::kLoadDown);
}

}  // namespace

int PStateAtLeast(const DvfsInputs& in, double target_khz, int cap) {
  const int top = std::clamp(cap, 0, std::max(in.num_pstates - 1, 0));
  for (int p = 0; p < top; ++p) {
    if (FreqKhz(in, p) >= target_khz) return p;
  }
  return top;
}

int PStateClosest(const DvfsInputs& in, double target_khz, int cap) {
  const int top = std::clamp(cap, 0, std::max(in.num_pstates - 1, 0));
  int best = 0;
  for (int p = 1; p <= top; ++p) {
    if (std::fabs(FreqKhz(in, p) - target_khz) <=
        std::fabs(FreqKhz(in, best) - target_khz)) {
      best = p;
    }
  }
  return best;
}

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
    case DvfsReason::kOndemandMax:
      return "ondemand_max";
    case DvfsReason::kOndemandProportional:
      return "ondemand_proportional";
    case DvfsReason::kSchedutil:
      return "schedutil";
    case DvfsReason::kConservativeUp:
      return "conservative_up";
    case DvfsReason::kConservativeDown:
      return "conservative_down";
    case DvfsReason::kDeadline:
      return "deadline";
    case DvfsReason::kLoadUp:
      return "load_up";
    case DvfsReason::kLoadDown:
      return "load_down";
  }
  return "unknown";
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
  switch (t.policy) {
    case GovernorPolicy::kPerformance:
      return Make(in.current, cap, DvfsReason::kPerformance);
    case GovernorPolicy::kPowersave:
      return Make(in.current, 0, DvfsReason::kPowersave);
    case GovernorPolicy::kOndemand:
      return Ondemand(in, cap, t);
    case GovernorPolicy::kSchedutil:
      return Schedutil(in, cap);
    case GovernorPolicy::kConservative:
      return Conservative(in, cap, t);
    case GovernorPolicy::kSlack:
      return Slack(in, cap, t);
    case GovernorPolicy::kAdaptive:
      break;
  }
  return Adaptive(in, cap, t);
}

}  // namespace joule
