// The governor's idle-state hook (governor/idle.h), apart from the DVFS
// round in governor.cc.
#include "governor/governor.h"

namespace joule {

void Governor::TickIdle(Slot& s, const GovernorTunables& g) {
  if (s.device->spec().idle_states.empty()) return;
  s.device->SetIdlePolicy(IdlePolicyFor(g));
  if (!s.idle.has_value()) s.idle.emplace(metrics_.idle_state_s, *s.device);
  s.idle->Record(s.device->idle_residency());
}

}  // namespace joule
