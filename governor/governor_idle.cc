// The governor's idle-state hook (governor/idle.h), apart from the DVFS
// round in governor.cc.
#include "governor/governor.h"

namespace joule {

void Governor::TickIdle(Slot& s, const GovernorTunables& g, double utilization,
                        TimePoint now) {
  if (s.device->spec().idle_states.empty()) return;
  s.device->SetIdlePolicy(IdlePolicyFor(g));
  const IdleResidency r = s.device->idle_residency();
  // An executor that does not model idle states (a real one: the kernel's
  // cpuidle and runtime PM manage the hardware) reports none: no metric,
  // rather than a zero that reads as "never slept".
  if (r.in_state.empty()) return;
  if (s.residency_at.has_value()) {
    const double idle_s =
        ToSeconds(now - *s.residency_at) * (1.0 - utilization);
    if (idle_s > 0) {
      // Smoothed over about ten rounds, as the slack governor's energy
      // term wants the typical idle, not the last gap's.
      const double p =
          IdlePowerW(s.device->spec(), s.last_residency, r, idle_s);
      s.idle_power_w =
          s.idle_power_w < 0 ? p : s.idle_power_w + 0.1 * (p - s.idle_power_w);
    }
  }
  s.last_residency = r;
  s.residency_at = now;
  if (!s.idle.has_value()) s.idle.emplace(metrics_.idle_state_s, *s.device);
  s.idle->Record(r);
}

}  // namespace joule
