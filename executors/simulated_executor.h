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

  Clock* const clock_;
  mutable absl::Mutex mu_;
  std::optional<Running> running_ ABSL_GUARDED_BY(mu_);
  Duration busy_ ABSL_GUARDED_BY(mu_){0};  // finished and cancelled jobs
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_SIMULATED_EXECUTOR_H_
