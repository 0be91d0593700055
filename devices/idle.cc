#include "devices/idle.h"

#include <algorithm>
#include <limits>

namespace joule {

double BreakEvenS(const DeviceSpec& spec, int state) {
  const IdleState& s = spec.idle_states[state];
  const double saving_w = spec.static_power_w - s.power_w;
  if (saving_w <= 0) return std::numeric_limits<double>::infinity();
  return std::max({s.transition_energy_j / saving_w,
                   (s.entry_latency_us + s.exit_latency_us) / 1e6,
                   s.min_residency_us / 1e6});
}

int ChooseIdleState(const DeviceSpec& spec, const IdlePolicy& policy,
                    double predicted_gap_s) {
  if (!policy.enabled) return -1;
  for (int s = static_cast<int>(spec.idle_states.size()) - 1; s >= 0; --s) {
    const IdleState& st = spec.idle_states[s];
    if (policy.max_exit_latency_us > 0 &&
        st.exit_latency_us > policy.max_exit_latency_us) {
      continue;
    }
    if (BreakEvenS(spec, s) <= predicted_gap_s) return s;
  }
  return -1;
}

IdleWake WakeCost(const DeviceSpec& spec, int idle_state) {
  if (idle_state < 0 ||
      idle_state >= static_cast<int>(spec.idle_states.size())) {
    return {};
  }
  const IdleState& s = spec.idle_states[idle_state];
  const double exit_s = s.exit_latency_us / 1e6;
  return {exit_s, s.transition_energy_j + spec.static_power_w * exit_s};
}

GapPredictor GapPredictor::Observe(double gap_s, double ewma_weight) const {
  gap_s = std::max(gap_s, 0.0);
  const double a = std::clamp(ewma_weight, 0.0, 1.0);
  return GapPredictor{mean_s ? *mean_s + a * (gap_s - *mean_s) : gap_s};
}

double GapPredictor::PredictS(double elapsed_s) const {
  return std::max(mean_s.value_or(0.0), elapsed_s);
}

double IdlePowerW(const DeviceSpec& spec, const IdleResidency& before,
                  const IdleResidency& after, double idle_s) {
  if (idle_s <= 0) return spec.static_power_w;
  const size_t n = std::min(
      {before.in_state.size(), after.in_state.size(), spec.idle_states.size()});
  double asleep_s = 0, asleep_j = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d =
        std::max(ToSeconds(after.in_state[i] - before.in_state[i]), 0.0);
    asleep_s += d;
    asleep_j += spec.idle_states[i].power_w * d;
  }
  asleep_j +=
      std::max(after.transition_energy_j - before.transition_energy_j, 0.0);
  return (spec.static_power_w * std::max(idle_s - asleep_s, 0.0) + asleep_j) /
         idle_s;
}

}  // namespace joule
