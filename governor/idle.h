// The governor's side of idle states (devices/idle.h has the decisions
// themselves): the policy every device gets from the policy file, and the
// metric of where each device's idle time went.
//
// Why the device, not the governor, enters the states: the governor ticks
// every period_ms (100 ms by default) while idle gaps between inference
// jobs last milliseconds, so a tick would see almost none of them. The
// simulated device decides at the end of each job, from the predicted gap
// (SimulatedExecutor); the governor sets the policy once per tick
// (Device::SetIdlePolicy), and that call also lets a device that has stayed
// idle long re-decide with the gap so far, deepening its state.
//
// IdlePolicyFor:
//   enabled             = tunables.idle_states
//   max_exit_latency_us = tunables.idle_max_exit_latency_us (0 = any)
//   ewma_weight         = kIdleGapEwmaWeight
//
// IdleRecorder: joule_device_idle_state_seconds_total{device,state} gains
// each tick the time the device spent in each state since the last one.
//
// Thread-safety: IdlePolicyFor is pure; an IdleRecorder is used by one
// thread (the governor's ticking round).
#ifndef JOULE_GOVERNOR_IDLE_H_
#define JOULE_GOVERNOR_IDLE_H_

#include <vector>

#include "core/policy.h"
#include "devices/device.h"
#include "devices/idle.h"
#include "telemetry/metrics.h"

namespace joule {

// α of the idle-gap mean: about the last four gaps weigh most, so a burst
// is followed within a few jobs and one odd gap is smoothed.
inline constexpr double kIdleGapEwmaWeight = 0.25;

IdlePolicy IdlePolicyFor(const GovernorTunables& tunables);

class IdleRecorder {
 public:
  // Children {device, state} of `family` for every idle state of `device`.
  IdleRecorder(Family<Counter>& family, const Device& device);

  // Adds each state's residency since the previous call.
  void Record(const IdleResidency& r);

 private:
  std::vector<Counter*> counters_;
  std::vector<Duration> last_;
};

}  // namespace joule

#endif  // JOULE_GOVERNOR_IDLE_H_
