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
// Thread-safe. Callbacks (DoneCallback, Executor::Start) run without the
// scheduler's lock held.
#ifndef JOULE_SCHEDULER_SCHEDULER_H_
#define JOULE_SCHEDULER_SCHEDULER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/policy.h"
#include "devices/device.h"
#include "scheduler/calibration.h"
#include "scheduler/job.h"
#include "scheduler/scheduler_metrics.h"

namespace joule {

class Scheduler {
 public:
  using DoneCallback = std::function<void(const JobInfo&)>;

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
  absl::StatusOr<JobInfo> Submit(const JobSpec& spec, DoneCallback done,
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

  void SetTunables(const SchedulerTunables& tunables);
  // Learnt measured/predicted run times (real devices only).
  const Calibration& calibration() const { return calibration_; }
  // A model was unloaded or replaced: its learnt corrections no longer hold.
  void ForgetModel(const std::string& model) {
    calibration_.ForgetModel(model);
  }
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
  struct Job;
  struct Slot;
  // Work collected under the lock and done after releasing it.
  struct Pending {
    std::vector<std::pair<DoneCallback, JobInfo>> done;
    std::vector<std::pair<int, ExecRequest>> starts;  // slot, request
  };
  using QueueKey = std::tuple<int, TimePoint, JobId>;

  // Every device as placement sees it for a job of `model` ("" when the
  // job carries its own cost).
  std::vector<PlacementCandidate> CandidatesLocked(
      TimePoint now, const std::string& model) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  double BacklogLocked(const Slot& slot, TimePoint now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EnqueueLocked(Job* job, int slot_index, const Estimate& est)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveFromQueueLocked(Job* job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DispatchLocked(int slot_index, Pending* p)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MigrateLocked(int slot_index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(JobId id, JobState state, absl::Status error, Pending* p)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecordFinishedLocked(JobInfo info) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnExecDone(int slot_index, JobId id, const ExecResult& result);
  void OnDeadline(JobId id);
  // Does what `p` collected, after the lock is released.
  void Run(Pending p);
  void RunOne(Pending p);

  Clock* const clock_;
  SchedulerMetrics metrics_;
  Calibration calibration_;  // its own lock; taken after mu_
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::condition_variable submitted_cv_;
  SchedulerTunables tunables_ ABSL_GUARDED_BY(mu_);
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<JobId, std::unique_ptr<Job>> live_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<JobId, JobInfo> finished_ ABSL_GUARDED_BY(mu_);
  std::deque<JobId> finished_order_ ABSL_GUARDED_BY(mu_);
  JobId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Dispatched jobs whose Executor::Start has not returned yet.
  int starts_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // The round-robin placement's rotation: one past the device last chosen.
  // Kept here and passed into Place() so placement stays a pure function.
  uint64_t round_robin_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_SCHEDULER_H_
