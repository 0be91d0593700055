// Scheduler: admission, placement, per-device priority queues and dispatch.
// Every accepted job ends in exactly one terminal state and its DoneCallback
// runs exactly once with it.
//
// Per device at most one job runs at a time; queued jobs are ordered by
// class (realtime first), then earliest deadline, then arrival. A queued job
// whose deadline passes, or that could not finish before it if started now,
// ends DEADLINE_EXCEEDED without running. When a device goes critical its
// queued jobs move to other devices that can take them.
//
// Terminal records stay readable through GetJob for a bounded number of jobs
// (SchedulerTunables::max_finished_jobs; scheduler/finished_jobs.h says
// which are forgotten first).
//
// Thread-safe. Callbacks (DoneCallback, Executor::Start) run without the
// scheduler's lock held. A DoneCallback may run before Submit returns, on
// the submitting thread (a job whose executor finishes it inside Start()).
#ifndef JOULE_SCHEDULER_SCHEDULER_H_
#define JOULE_SCHEDULER_SCHEDULER_H_

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "core/policy.h"
#include "devices/device.h"
#include "scheduler/calibration.h"
#include "scheduler/finished_jobs.h"
#include "scheduler/frame_cache.h"
#include "scheduler/job.h"
#include "scheduler/scheduler_metrics.h"

namespace joule {

class Scheduler {
 public:
  // Gets the terminal JobInfo to keep: its outputs are moved into it, not
  // copied (a callback taking `const JobInfo&` works too).
  using DoneCallback = std::function<void(JobInfo&&)>;

  // `devices` and `metrics` outlive the scheduler.
  Scheduler(Clock* clock, std::vector<Device*> devices,
            const SchedulerTunables& tunables, Registry* metrics);
  ~Scheduler();

  // Admission. On OK the job is queued (dry_run: only placed, nothing is
  // recorded and `done` never runs) and `done` runs once at its terminal
  // state. On error the job is rejected, recorded as REJECTED (its id in
  // *id_out) and `done` never runs:
  //   UNAVAILABLE          draining, or every capable device is critical
  //   INVALID_ARGUMENT     no allowed device supports the job
  //   DEADLINE_EXCEEDED    no device can finish it before its deadline
  //   RESOURCE_EXHAUSTED   every device that could take it has a full queue
  // The JobInfo returned is the job as admitted: QUEUED or RUNNING (or
  // terminal if it ended at dispatch); `done` may already have run, inside
  // Submit, by the time it returns.
  absl::StatusOr<JobInfo> Submit(JobSpec spec, DoneCallback done,
                                 JobId* id_out = nullptr);
  // As Submit, without copying the JobInfo out: for callers that learn the
  // outcome from `done` (the gRPC service). A dry run only places the job
  // and returns OK or the rejection; use Submit to see the placement.
  absl::Status Enqueue(JobSpec spec, DoneCallback done,
                       JobId* id_out = nullptr);
  // NOT_FOUND for ids never issued or forgotten.
  absl::StatusOr<JobInfo> GetJob(JobId id) const;
  // Cancels a queued or running job. Returns the state after the request:
  // CANCELLED, or the state the job had already reached.
  absl::StatusOr<JobState> Cancel(JobId id);

  struct DeviceLoad {
    Device* device = nullptr;
    size_t queued = 0;
    bool running = false;
    double backlog_s = 0;
  };
  std::vector<DeviceLoad> Loads() const;
  // Each device's deadline floor, in the constructor's order: the lowest
  // P-state at which its running and queued jobs all meet their deadlines by
  // EDF (placement.h EdfFloor), -1 when none has one. The slack governor's
  // input (Governor::SetDeadlineFloors).
  std::vector<int> DeadlineFloors() const;

  void SetTunables(const SchedulerTunables& tunables);
  // Learnt measured/predicted run times (real devices only).
  const Calibration& calibration() const { return calibration_; }
  // A model was unloaded or replaced: its learnt corrections no longer hold.
  // Its held frames too (scheduler_frames.cc).
  void ForgetModel(const std::string& model);
  // Governor listener: a device's P-state or thermal state changed.
  void OnDeviceChanged(const Device& device);
  // From now on Submit returns UNAVAILABLE; queued jobs still run.
  void StartDraining();
  bool draining() const;
  // Blocks until no job is queued or running.
  void WaitIdle();
  // As WaitIdle, for at most `timeout` of wall time; true when idle.
  bool WaitIdleFor(Duration timeout);
  // Blocks until at least `n` jobs have been admitted or rejected in total
  // (dry runs excluded) and every job dispatched so far has been handed to
  // its executor: lets a test advance a ManualClock once submissions it sent
  // asynchronously have arrived, without sleeping.
  void WaitForSubmissions(uint64_t n);
  // Cancels every queued and running job (shutdown after the grace period).
  void CancelAll();

 private:
  using QueueKey = std::tuple<int, TimePoint, JobId>;
  // A job from admission to its terminal state.
  struct Job {
    JobInfo info;
    JobSpec spec;
    DoneCallback done;
    TimerId deadline_timer = 0;
    int slot = -1;      // device index while queued or running
    QueueKey key;       // valid while queued
    double exec_s = 0;  // predicted run time counted in the slot's backlog
    double analytic_exec_s = 0;  // the uncorrected prediction at dispatch
    // Predicted run time at each of the slot's P-states, for EDF.
    absl::InlinedVector<double, 8> exec_by_pstate;
  };
  struct Slot;
  // Work collected under the lock and done after releasing it. Usually one
  // job's start or end: kept inline, not on the heap.
  struct Pending {
    struct Start {
      Executor* executor;  // a Device's executor never changes
      ExecRequest req;
    };
    bool empty() const { return done.empty() && starts.empty(); }
    absl::InlinedVector<std::pair<DoneCallback, JobInfo>, 1> done;
    absl::InlinedVector<Start, 1> starts;
  };

  // Every device as placement sees it for a job of `model` ("" when the
  // job carries its own cost). Valid until the next call.
  const std::vector<PlacementCandidate>& CandidatesLocked(
      TimePoint now, const std::string& model)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  double BacklogLocked(const Slot& slot, TimePoint now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  double RunningLeftLocked(const Slot& slot, TimePoint now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The slot's queue as EDF sees it (Slot::edf), rebuilt; valid until the
  // queue changes.
  const std::vector<QueuedJob>& EdfViewLocked(const Slot& slot,
                                              TimePoint now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Raises the slot's device to `pstate` for a job placed there at it
  // (raise_pstate_for_deadlines); logs a refusal.
  void RaiseLocked(Slot& slot, int pstate) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EnqueueLocked(Job* job, int slot_index, const Estimate& est)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveFromQueueLocked(Job* job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DispatchLocked(int slot_index, Pending* p)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MigrateLocked(int slot_index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(JobId id, JobState state, absl::Status error, Pending* p)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Submit and Enqueue: admits the job; when `info_out` is set, copies the
  // job's JobInfo there (the placement only, for a dry run).
  absl::Status Admit(JobSpec spec, DoneCallback done, JobId* id_out,
                     JobInfo* info_out);
  // The metrics of the device a job was placed on ("none" without one).
  SlotMetrics& MetricsForLocked(const Job& job)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnExecDone(JobId id, ExecResult&& result);
  void OnDeadline(JobId id);
  // Frame skipping (scheduler_frames.cc). When the job's stream has a held
  // result its frame barely changed from (scheduler/frame_skip.h), ends the
  // job COMPLETED and skipped with that result, runs `done` and returns
  // true; otherwise returns false (having set spec.frame_change) and
  // admission goes on as usual.
  bool AdmitSkipped(JobSpec& spec, DoneCallback& done, JobId* id_out,
                    JobInfo* info_out) ABSL_LOCKS_EXCLUDED(mu_);
  // At a job's terminal state: reports its frame change and, when it
  // completed, holds its frame and outputs for its stream (the outputs are
  // then shared between the hold and `info`, not copied).
  void FinishFrameLocked(JobState state, JobSpec* spec, JobInfo* info)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Does what `p` collected, after the lock is released.
  void Run(Pending p);
  void RunOne(Pending& p);

  Clock* const clock_;
  SchedulerMetrics metrics_;
  Calibration calibration_;  // its own lock; taken after mu_
  mutable absl::Mutex mu_;
  absl::CondVar idle_cv_;       // signalled when live_ becomes empty
  absl::CondVar submitted_cv_;  // signalled on admission and Start() return
  SchedulerTunables tunables_ ABSL_GUARDED_BY(mu_);
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  // Node-based: a Job stays put while others come and go (queues point at
  // it).
  std::unordered_map<JobId, Job> live_ ABSL_GUARDED_BY(mu_);
  // CandidatesLocked's result, reused.
  std::vector<PlacementCandidate> candidates_ ABSL_GUARDED_BY(mu_);
  FinishedJobs finished_ ABSL_GUARDED_BY(mu_);
  // Frame skipping's held results; bounded by frame_skip.max_streams.
  FrameCache frames_ ABSL_GUARDED_BY(mu_);
  // Rejected jobs' metrics (device "none").
  SlotMetrics rejected_metrics_ ABSL_GUARDED_BY(mu_);
  JobId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Dispatched jobs whose Executor::Start has not returned yet. Incremented
  // under mu_; decremented without it, after Start() returns, so that
  // starting a job takes the lock once (at dispatch), not twice more.
  std::atomic<int> starts_in_flight_{0};
  // Threads in WaitForSubmissions: only then does the decrement above take
  // mu_ to notify submitted_cv_. Both are sequentially consistent, so either
  // the waiter sees the count reach 0 or the decrementer sees the waiter.
  std::atomic<int> submission_waiters_{0};
  // The round-robin placement's rotation: one past the device last chosen.
  // Kept here and passed into Place() so placement stays a pure function.
  uint64_t round_robin_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_SCHEDULER_H_
