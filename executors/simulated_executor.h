// SimulatedExecutor: an Executor for a device whose hardware is absent (or for
// joule-sim). It charges exactly the cost model's predicted time and energy:
// Start() schedules the completion on the injected Clock at
// now + predicted_time, so no thread is blocked per job, and the result is
// marked `simulated`.
//
// One job runs at a time; the scheduler dispatches the next one only after
// `done` (Start() while a job is running is a programming error and crashes).
// BusyTime() counts the time jobs have been running, the running one up to
// now, so a utilisation sensor can difference it.
//
// Idle states (devices/idle.h), when made with a spec that has some and once
// SetIdlePolicy() enables them: each time the device goes idle (a job ends
// and `done` started no other) it enters ChooseIdleState(spec, policy, ĝ)
// with ĝ the gap predictor's mean of its past idle gaps; each
// SetIdlePolicy() call (the governor's, every tick) re-decides with
// ĝ = max(mean, idle so far), so a long idle deepens the state. Entering
// state s counts E_tr(s) at once; the stay begins after entry(s). A job
// that arrives while the device is in s starts at
//   max(arrival, entry done) + exit(s)
// and its completion is that much later (BusyTime excludes the wait). The
// simulated power model (devices/simulated_power.h) charges P_s for the
// stay, static power for entry, exit and plain idle time, from IdleTime().
//
// Thread-safe: every method may be called from any thread. `done` runs on the
// clock's timer thread (ManualClock: the thread calling Advance) without this
// executor's lock held, so it may call Start() for the next job.
// The clock must outlive the executor; destroying the executor cancels a
// pending completion, and must not race a completion already running.
#ifndef JOULE_EXECUTORS_SIMULATED_EXECUTOR_H_
#define JOULE_EXECUTORS_SIMULATED_EXECUTOR_H_

#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "devices/executor.h"

namespace joule {

class SimulatedExecutor final : public Executor {
 public:
  explicit SimulatedExecutor(Clock* clock);
  // With the device's idle states (spec.idle_states, spec.static_power_w);
  // they stay unused until SetIdlePolicy() enables them.
  SimulatedExecutor(Clock* clock, DeviceSpec spec);
  ~SimulatedExecutor() override;

  SimulatedExecutor(const SimulatedExecutor&) = delete;
  SimulatedExecutor& operator=(const SimulatedExecutor&) = delete;

  // REQUIRES: no job running. A negative predicted_time counts as 0.
  void Start(ExecRequest req, DoneCallback done) override;
  // True if `job_id` is the running job and its completion had not fired:
  // busy time stops at the cancel time and `done` never runs.
  bool Cancel(uint64_t job_id) override;
  Duration BusyTime() const override;
  bool simulated() const override { return true; }
  void SetIdlePolicy(const IdlePolicy& policy) override;
  IdleResidency IdleTime() const override;
  int CurrentIdleState() const override;

 private:
  struct Running {
    uint64_t seq = 0;  // tells a stale timer from the current job
    ExecRequest req;
    DoneCallback done;
    TimePoint start;
    TimerId timer = 0;
  };

  // Timer callback: finishes the job started as `seq`.
  void Complete(uint64_t seq);
  // Busy time of the running job at `now`: min(now − start, predicted), so a
  // late timer (RealClock) never charges more than the prediction.
  // REQUIRES: mu_ held.
  Duration RunningBusyLocked(TimePoint now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The device went idle at `now`: remembers when, then may sleep.
  // REQUIRES: mu_ held, no job running.
  void WentIdleLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Enters the state chosen for the gap under way when it is deeper than
  // the current one. REQUIRES: mu_ held.
  void MaybeSleepLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A job arrives at `now`: records the gap, leaves any idle state, and
  // returns when the job can start. REQUIRES: mu_ held.
  TimePoint WakeLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const clock_;
  const DeviceSpec spec_;  // only idle_states and static_power_w are read
  mutable absl::Mutex mu_;
  IdlePolicy policy_ ABSL_GUARDED_BY(mu_);
  GapPredictor predictor_ ABSL_GUARDED_BY(mu_);
  bool idle_ ABSL_GUARDED_BY(mu_) = true;  // went idle; no job since
  TimePoint idle_since_ ABSL_GUARDED_BY(mu_);
  int state_ ABSL_GUARDED_BY(mu_) = -1;         // current idle state, or -1
  TimePoint state_since_ ABSL_GUARDED_BY(mu_);  // its stay begins (entry done)
  // Closed stays only; IdleTime() adds the current one.
  IdleResidency residency_ ABSL_GUARDED_BY(mu_);
  std::optional<Running> running_ ABSL_GUARDED_BY(mu_);
  Duration busy_ ABSL_GUARDED_BY(mu_){0};  // finished and cancelled jobs
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_SIMULATED_EXECUTOR_H_
