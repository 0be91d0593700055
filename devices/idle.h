// Idle states ("burst, then sleep"): the pure decisions about a device's
// DeviceSpec::idle_states, shared by the simulated device that enters them,
// the governor that sets their policy, placement (what waking a device
// costs) and joule-sim's lower bound.
//
// Break-even time of state s, the shortest idle gap for which entering s
// pays for itself against staying in active idle (P_static):
//   t_be(s) = max(E_tr(s) / (P_static − P_s),  entry(s) + exit(s),
//                 min_residency(s))
// Over a gap g in s the device saves about (P_static − P_s)·g − E_tr; a gap
// shorter than entry + exit cannot hold the transitions at all, and the
// platform's min-residency (the Linux DT binding's, entry included) is its
// own break-even. A state that draws no less than P_static never pays:
// t_be = +∞.
//
// The choice, for a predicted gap ĝ (seconds):
//   ChooseIdleState = the deepest s with t_be(s) ≤ ĝ and, when
//                     policy.max_exit_latency_us > 0,
//                     exit(s) ≤ policy.max_exit_latency_us;
//                     −1 (stay in active idle) when there is none or the
//                     policy is off.
//
// The gap predictor: an exponentially weighted mean of the device's
// observed idle gaps (a job's end to the next job's arrival):
//   m ← g₁ (the first gap),  then  m ← m + α·(g − m),  α = ewma_weight
// and a gap under way for `elapsed` is predicted to last
//   ĝ = max(m, elapsed)
// (one that has lasted t is taken to last at least t: a long idle deepens
// the state even when recent gaps were short). No history: ĝ = elapsed.
//
// Wake-up cost of a device in state s (s = −1: awake, {0, 0}):
//   latency_s = exit(s)
//   energy_j  = E_tr(s) + P_static · exit(s)
// the delay before a job placed there starts, and the energy that placing
// it there adds over leaving the device asleep: the device must later pay
// a new entry (E_tr, charged on entry) and draws active-idle power while it
// wakes.
//
// Pure functions and plain values; thread-safe.
#ifndef JOULE_DEVICES_IDLE_H_
#define JOULE_DEVICES_IDLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "devices/device_spec.h"

namespace joule {

// How a device uses its idle states; the governor sets it
// (Device::SetIdlePolicy) from the policy file.
struct IdlePolicy {
  // Off: the device never enters an idle state (as a profile without any).
  bool enabled = false;
  // The slowest wake-up tolerated, µs; 0 = any. A deadline-bound workload
  // caps it so a sleeping device never costs more than its slack.
  double max_exit_latency_us = 0;
  // α of the gap predictor's weighted mean, (0, 1]: higher follows bursts
  // faster, lower smooths one odd gap.
  double ewma_weight = 0.25;

  bool operator==(const IdlePolicy& o) const {
    return enabled == o.enabled &&
           max_exit_latency_us == o.max_exit_latency_us &&
           ewma_weight == o.ewma_weight;
  }
  bool operator!=(const IdlePolicy& o) const { return !(*this == o); }
};

// t_be(s) in seconds; +∞ when P_s >= P_static. REQUIRES: 0 <= s < size.
double BreakEvenS(const DeviceSpec& spec, int state);

// The deepest state worth entering for `predicted_gap_s`, or −1.
int ChooseIdleState(const DeviceSpec& spec, const IdlePolicy& policy,
                    double predicted_gap_s);

struct IdleWake {
  double latency_s = 0;
  double energy_j = 0;
};
// {0, 0} for state −1 (awake) or one out of range.
IdleWake WakeCost(const DeviceSpec& spec, int idle_state);

// The weighted mean of observed gaps.
struct GapPredictor {
  std::optional<double> mean_s;  // none before the first gap

  // Returns the predictor after one more observed gap.
  GapPredictor Observe(double gap_s, double ewma_weight) const;
  // ĝ for a gap under way for `elapsed_s`.
  double PredictS(double elapsed_s) const;
};

// What an executor reports about its idle states, cumulative since it was
// made (the stay under way counted up to now), like Executor::BusyTime.
struct IdleResidency {
  std::vector<Duration> in_state;  // per DeviceSpec::idle_states entry
  std::vector<uint64_t> entries;   // times each state was entered
  double transition_energy_j = 0;  // Σ E_tr of the entries
  Duration wake_delay{0};          // Σ time jobs waited for an exit
  int current = -1;                // the state it is in now, or −1
};

// What the device drew on average while idle between two residency
// readings `before` and `after`, `idle_s` seconds of which it had no job:
//   P_idle = (P_static · (idle_s − Σ Δs_i) + Σ P_i · Δs_i + ΔE_tr) / idle_s
// (Δs_i: time in idle state i; ΔE_tr: transition energy of the entries);
// P_static when idle_s ≤ 0 or nothing is modelled. The slack governor's
// race-to-idle term (governor/dvfs.h).
double IdlePowerW(const DeviceSpec& spec, const IdleResidency& before,
                  const IdleResidency& after, double idle_s);

}  // namespace joule

#endif  // JOULE_DEVICES_IDLE_H_
