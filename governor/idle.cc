#include "governor/idle.h"

#include <algorithm>

namespace joule {

IdlePolicy IdlePolicyFor(const GovernorTunables& tunables) {
  IdlePolicy p;
  p.enabled = tunables.idle_states;
  p.max_exit_latency_us = tunables.idle_max_exit_latency_us;
  p.ewma_weight = kIdleGapEwmaWeight;
  return p;
}

IdleRecorder::IdleRecorder(Family<Counter>& family, const Device& device) {
  for (const IdleState& s : device.spec().idle_states) {
    counters_.push_back(&family.WithLabels({device.name(), s.name}));
  }
  last_.assign(counters_.size(), Duration{0});
}

void IdleRecorder::Record(const IdleResidency& r) {
  const size_t n = std::min(counters_.size(), r.in_state.size());
  for (size_t i = 0; i < n; ++i) {
    const Duration delta = r.in_state[i] - last_[i];
    if (delta > Duration{0}) counters_[i]->Inc(ToSeconds(delta));
    last_[i] = r.in_state[i];
  }
}

}  // namespace joule
