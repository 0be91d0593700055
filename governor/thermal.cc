#include "governor/thermal.h"

#include <algorithm>
#include <chrono>

namespace joule {

bool StepIntervalElapsed(const ThermalState& prev, TimePoint now,
                         const ThermalTunables& t) {
  if (!prev.last_step.has_value()) return true;
  return now - *prev.last_step >= std::chrono::milliseconds(t.step_interval_ms);
}

ThermalState NextThermalState(const ThermalState& prev, int32_t temp_mc,
                              int32_t trip_passive_mc, int32_t trip_critical_mc,
                              int max_pstate, TimePoint now,
                              const ThermalTunables& t) {
  ThermalState next = prev;
  max_pstate = std::max(max_pstate, 0);
  next.pstate_cap = std::clamp(prev.pstate_cap, 0, max_pstate);

  // Compare in 64 bits: a trip minus the hysteresis must not wrap.
  const int64_t temp = temp_mc;
  const int64_t passive_clear =
      static_cast<int64_t>(trip_passive_mc) - t.hysteresis_mc;
  const int64_t critical_clear =
      static_cast<int64_t>(trip_critical_mc) - t.hysteresis_mc;

  int step = 0;
  if (temp >= trip_passive_mc) {
    const bool crossing = !prev.passive_tripped;
    next.passive_tripped = true;
    if (crossing || StepIntervalElapsed(prev, now, t)) step = -1;
  } else if (temp < passive_clear) {
    next.passive_tripped = false;
    if (StepIntervalElapsed(prev, now, t)) step = +1;
  }  // else: inside the hysteresis band, hold.

  const int cap = std::clamp(next.pstate_cap + step, 0, max_pstate);
  if (cap != next.pstate_cap) {
    next.pstate_cap = cap;
    next.last_step = now;
  }
  next.throttled = next.pstate_cap < max_pstate;

  if (temp >= trip_critical_mc) {
    next.critical = true;
  } else if (temp < critical_clear) {
    next.critical = false;
  }
  return next;
}

ThermalState NextHot(const ThermalState& s, int32_t temp_mc,
                     int32_t trip_passive_mc, TimePoint now,
                     const ThermalTunables& t) {
  ThermalState next = s;
  const bool elapsed =
      !s.hot_since.has_value() ||
      now - *s.hot_since >= std::chrono::milliseconds(t.hot_interval_ms);
  if (!elapsed) return next;
  const int32_t on = trip_passive_mc - t.hot_margin_mc;
  const bool want = s.hot ? temp_mc >= on - t.hysteresis_mc : temp_mc >= on;
  if (want != s.hot) {
    next.hot = want;
    next.hot_since = now;
  }
  return next;
}

}  // namespace joule
