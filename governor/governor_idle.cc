// The governor's idle-state hook (governor/idle.h), apart from the DVFS
// round in governor.cc.
#include "governor/governor.h"

namespace joule {

void Governor::TickIdle(Slot& s, const GovernorTunables& g) {
  if (s.device->spec().idle_states.empty()) return;
  s.device->SetIdlePolicy(IdlePolicyFor(g));
  const IdleResidency r = s.device->idle_residency();
  // An executor that does not model idle states (a real one: the kernel's
  // cpuidle and runtime PM manage the hardware) reports none: no metric,
  // rather than a zero that reads as "never slept".
  if (r.in_state.empty()) return;
  if (!s.idle.has_value()) s.idle.emplace(metrics_.idle_state_s, *s.device);
  s.idle->Record(r);
}

}  // namespace joule
