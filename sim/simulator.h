// Simulator: one joule-sim run. It drives the daemon's own Scheduler, cost
// model, Governor and simulated devices (MakeSimulatedDevice), wired as
// jouled wires them (server/daemon.cc), on an EventEngine's ManualClock:
//   - job arrivals are engine events that call Scheduler::Submit;
//   - completions are the SimulatedExecutors' own clock timers;
//   - the governor is not Start()ed: an engine event every period_ms calls
//     Governor::Tick(), then samples each device (P-state, temperature,
//     utilisation, power, queue depth) for the report.
// Arrivals stop at `duration`; ticks go on until every accepted job has
// reached its terminal state (or `drain_limit` after `duration`, when the
// rest are cancelled), and the run ends at that tick, so the sensors'
// energy covers [0, end] including idle and static power.
//
// Thread-safe: RunSimulation shares nothing between calls, so several runs
// may go on at once on different threads.
#ifndef JOULE_SIM_SIMULATOR_H_
#define JOULE_SIM_SIMULATOR_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"
#include "core/policy.h"
#include "core/types.h"
#include "devices/device_spec.h"
#include "devices/idle.h"
#include "sim/models.h"
#include "sim/workload.h"

namespace joule {

struct SimRunConfig {
  std::string label;  // "joule+adaptive"
  std::vector<DeviceSpec> devices;
  // scheduler.placement and governor.policy pick the strategies.
  Policy policy;
  std::vector<ModelSpec> models;
  Trace trace;
  Duration duration{std::chrono::seconds(60)};
  Duration drain_limit{std::chrono::minutes(10)};
};

// One submitted job, as it ended.
struct JobRecord {
  int model = 0;
  PriorityClass priority_class = PriorityClass::kInteractive;
  double deadline_ms = 0;
  JobState state = JobState::kQueued;
  absl::StatusCode rejection = absl::StatusCode::kOk;  // when rejected
  int device = -1;  // where it ran (index into RunResult::devices), or -1
  int pstate = -1;  // P-state it ran at
  Duration submitted{0};
  Duration finished{0};
  double exec_s = 0;     // time it ran (0 if it never started)
  double energy_j = 0;   // charged: (P_static + P_dyn(p)) · exec_s
  double dynamic_j = 0;  // the part above static power: P_dyn(p) · exec_s
  // Completed without running: the daemon reused its stream's held result
  // (frame skipping); device stays -1, energy 0.
  bool skipped = false;
  bool ran() const { return device >= 0; }
  double latency_s() const { return ToSeconds(finished - submitted); }
};

// The device's state after one governor tick.
struct DeviceSample {
  Duration t{0};
  int pstate = 0;
  int32_t temp_mc = 0;
  double utilization = 0;  // since the previous tick
  double power_w = 0;      // mean since the previous tick
  uint32_t queued = 0;     // waiting jobs, running excluded
  bool throttled = false;
  bool critical = false;
};

struct DeviceRun {
  DeviceSpec spec;
  std::vector<DeviceSample> samples;  // one per tick
  double energy_j = 0;                // the sensor's, over [0, end]
  uint64_t transitions = 0;           // P-state changes
  Duration throttled{0};              // ticks spent throttled · period
  int32_t max_temp_mc = 0;
  // Where its idle time went (DeviceSpec::idle_states), over [0, end].
  IdleResidency idle;
};

struct RunResult {
  std::string label;
  PlacementStrategy placement = PlacementStrategy::kJoule;
  GovernorPolicy governor = GovernorPolicy::kAdaptive;
  Duration duration{0};         // arrivals window
  Duration end{0};              // when the run stopped (>= duration)
  bool drained = true;          // false: jobs were cancelled at the drain limit
  std::vector<JobRecord> jobs;  // in submission order
  std::vector<Arrival> issued;  // what was submitted, in order
  std::vector<DeviceRun> devices;
  double power_cap_w = 0;  // policy power.cap_w; 0: none
  double power_tolerance_pct = 0;
};

RunResult RunSimulation(const SimRunConfig& config);

}  // namespace joule

#endif  // JOULE_SIM_SIMULATOR_H_
