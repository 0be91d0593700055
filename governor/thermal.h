// Thermal policy: the step-wise passive trip (a P-state cap) and the
// critical trip (stop dispatching), each with hysteresis, as one pure
// function of the previous state, the temperature and the trip points. No
// I/O, no clock reads: a table of cases tests it (governor/thermal_test.cc).
//
// Passive trip, like Linux drivers/thermal/gov_step_wise.c; P = passive trip,
// H = hysteresis_mc, "interval" = StepIntervalElapsed (step_interval_ms since
// the last cap change):
//
//   temperature          | tripped before | interval | cap'        | tripped'
//   ---------------------+----------------+----------+-------------+---------
//   T ≥ P                | no (crossing)  |    -     | cap − 1     | yes
//   T ≥ P                | yes            |   yes    | cap − 1     | yes
//   T ≥ P                | yes            |   no     | cap         | yes
//   P − H ≤ T < P        |       -        |    -     | cap         | unchanged
//   T < P − H            |       -        |   yes    | cap + 1     | no
//   T < P − H            |       -        |   no     | cap         | no
//
//   cap' stays within [0, max_pstate]; last_step moves to `now` whenever the
//   cap moves. throttled' = cap' < max_pstate.
//
// Critical trip C:
//   T ≥ C → critical' = true (the scheduler stops dispatching to the device);
//   T < C − H → critical' = false; otherwise critical' = critical.
//   The cap keeps following the passive rules above (C > P, so it is falling).
//
// Thread-safe: pure functions.
#ifndef JOULE_GOVERNOR_THERMAL_H_
#define JOULE_GOVERNOR_THERMAL_H_

#include <cstdint>
#include <optional>

#include "core/clock.h"
#include "core/policy.h"

namespace joule {

struct ThermalState {
  int pstate_cap = 0;      // highest P-state allowed
  bool throttled = false;  // pstate_cap < max_pstate
  bool critical = false;   // at or above the critical trip (with hysteresis)
  // At or above the passive trip, and not yet below it by the hysteresis.
  bool passive_tripped = false;
  // When the cap last moved; empty if it never has.
  std::optional<TimePoint> last_step;
  // Near the passive trip: placement sends new work elsewhere (NextHot).
  bool hot = false;
  std::optional<TimePoint> hot_since;  // when `hot` last changed

  // A cool device: capped at its top P-state, nothing tripped.
  static ThermalState Uncapped(int max_pstate) {
    ThermalState s;
    s.pstate_cap = max_pstate;
    return s;
  }
};

// Rate limit of the cap: it moves at most once per step_interval_ms.
//   last_step empty, or now − last_step ≥ step_interval_ms
bool StepIntervalElapsed(const ThermalState& prev, TimePoint now,
                         const ThermalTunables& t);

// Thermal-aware placement: whether the device is "hot", with P the passive
// trip, M = hot_margin_mc, H = hysteresis_mc and the interval
// hot_interval_ms since `hot` last changed (none yet: elapsed):
//   T ≥ P − M          and interval elapsed → hot' = true
//   T < P − M − H      and interval elapsed → hot' = false
//   otherwise                               → hot' = hot
// H is the change filter (a device must cool well below where it turned
// hot) and the interval the minimum time between moves.
ThermalState NextHot(const ThermalState& s, int32_t temp_mc,
                     int32_t trip_passive_mc, TimePoint now,
                     const ThermalTunables& t);

// The next thermal state; see the truth table at the top of this file.
ThermalState NextThermalState(const ThermalState& prev, int32_t temp_mc,
                              int32_t trip_passive_mc, int32_t trip_critical_mc,
                              int max_pstate, TimePoint now,
                              const ThermalTunables& t);

}  // namespace joule

#endif  // JOULE_GOVERNOR_THERMAL_H_
