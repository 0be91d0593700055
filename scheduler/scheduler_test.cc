#include "scheduler/scheduler.h"

#include <memory>
#include <vector>

#include "devices/simulated_device.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

// A CPU doing 1e9 FP32 ops/s and an NPU doing 1e10 INT8 ops/s, both with
// 1e9 B/s and no overheads, so a job of N ops takes N/1e9 s on the CPU.
DeviceSpec Spec(const std::string& name, DeviceKind kind, Precision p,
                double peak) {
  DeviceSpec s;
  s.name = name;
  s.kind = kind;
  s.pstates = {PState{500000, 800, 0.5}, PState{1000000, 900, 1.0}};
  s.static_power_w = 0.1;
  s.peak_ops_per_s[static_cast<int>(p)] = peak;
  s.mem_bw_bytes_per_s = 1e9;
  s.thermal_resistance_c_per_w = 10;
  s.thermal_capacitance_j_per_c = 1;
  return s;
}

JobSpec Fp32Job(double ops) {
  JobSpec j;
  j.cost.ops_by_precision[static_cast<int>(Precision::kFp32)] = ops;
  return j;
}

class SchedulerTest : public ::testing::Test {
 protected:
  void Build(std::vector<DeviceSpec> specs, SchedulerTunables t = {}) {
    for (const DeviceSpec& s : specs) {
      devices_.push_back(MakeSimulatedDevice(s, &clock_));
    }
    std::vector<Device*> raw;
    for (auto& d : devices_) raw.push_back(d.get());
    scheduler_ = std::make_unique<Scheduler>(&clock_, raw, t, &registry_);
  }
  void BuildCpu(SchedulerTunables t = {}) {
    Build({Spec("cpu0", DeviceKind::kCpu, Precision::kFp32, 1e9)}, t);
  }
  // Submits and records the terminal callback(s).
  absl::StatusOr<JobInfo> Submit(const JobSpec& j) {
    return scheduler_->Submit(j, [this](const JobInfo& info) {
      done_.push_back(info);
    });
  }

  ManualClock clock_;
  Registry registry_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<JobInfo> done_;
};

TEST_F(SchedulerTest, JobCompletesAfterItsPredictedTime) {
  BuildCpu();
  absl::StatusOr<JobInfo> info = Submit(Fp32Job(1e7));  // 10 ms
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state, JobState::kRunning);
  EXPECT_EQ(info->device, "cpu0");
  EXPECT_TRUE(info->simulated);
  clock_.Advance(milliseconds(9));
  EXPECT_TRUE(done_.empty());
  clock_.Advance(milliseconds(1));
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].state, JobState::kCompleted);
  EXPECT_DOUBLE_EQ(done_[0].measured_time_s, 0.01);
  // (static 0.1 W + dynamic 1.0 W) * 10 ms.
  EXPECT_NEAR(done_[0].measured_energy_j, 0.011, 1e-12);
  EXPECT_EQ(scheduler_->GetJob(info->id)->state, JobState::kCompleted);
}

TEST_F(SchedulerTest, RealtimeJumpsAheadOfQueuedBatchJobs) {
  BuildCpu();
  ASSERT_TRUE(Submit(Fp32Job(1e7)).ok());  // runs first
  JobSpec batch = Fp32Job(1e7);
  batch.priority_class = PriorityClass::kBatch;
  JobSpec realtime = Fp32Job(1e7);
  realtime.priority_class = PriorityClass::kRealtime;
  JobId batch_id = Submit(batch)->id;
  JobId rt_id = Submit(realtime)->id;
  clock_.Advance(milliseconds(30));
  ASSERT_EQ(done_.size(), 3u);
  EXPECT_EQ(done_[1].id, rt_id);
  EXPECT_EQ(done_[2].id, batch_id);
}

TEST_F(SchedulerTest, FullQueueIsRefusedWithResourceExhausted) {
  SchedulerTunables t;
  t.max_queue_per_device = 2;
  BuildCpu(t);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(Fp32Job(1e7)).ok());
  JobId id = 0;
  absl::StatusOr<JobInfo> r =
      scheduler_->Submit(Fp32Job(1e7), nullptr, &id);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(scheduler_->GetJob(id)->state, JobState::kRejected);
  clock_.Advance(milliseconds(100));
  EXPECT_EQ(done_.size(), 3u);  // nothing accepted was lost
}

TEST_F(SchedulerTest, InfeasibleDeadlineIsRejectedAtAdmission) {
  BuildCpu();
  JobSpec j = Fp32Job(1e8);  // 100 ms
  j.deadline = clock_.Now() + milliseconds(50);
  absl::StatusOr<JobInfo> r = Submit(j);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("rejected at admission"),
            std::string::npos);
  EXPECT_TRUE(done_.empty());
}

TEST_F(SchedulerTest, UnsupportedJobIsInvalidArgument) {
  BuildCpu();
  JobSpec j;
  j.cost.ops_by_precision[static_cast<int>(Precision::kInt4)] = 1e6;
  EXPECT_EQ(Submit(j).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, CancelQueuedAndRunningJobs) {
  BuildCpu();
  JobId running = Submit(Fp32Job(1e7))->id;
  JobId queued = Submit(Fp32Job(1e7))->id;
  EXPECT_EQ(*scheduler_->Cancel(queued), JobState::kCancelled);
  EXPECT_EQ(*scheduler_->Cancel(running), JobState::kCancelled);
  ASSERT_EQ(done_.size(), 2u);
  EXPECT_EQ(done_[0].state, JobState::kCancelled);
  EXPECT_EQ(done_[1].state, JobState::kCancelled);
  // Cancelling again reports the terminal state; unknown ids are NOT_FOUND.
  EXPECT_EQ(*scheduler_->Cancel(running), JobState::kCancelled);
  EXPECT_EQ(scheduler_->Cancel(999).status().code(),
            absl::StatusCode::kNotFound);
  clock_.Advance(milliseconds(50));
  EXPECT_EQ(done_.size(), 2u);
}

TEST_F(SchedulerTest, QueuedJobPastItsDeadlineEndsWithoutRunning) {
  BuildCpu();
  ASSERT_TRUE(Submit(Fp32Job(4e7)).ok());  // 40 ms ahead of it
  JobSpec j = Fp32Job(1e7);
  j.deadline = clock_.Now() + milliseconds(60);  // feasible: 50 ms
  JobId id = Submit(j)->id;
  // A realtime job jumps ahead of it and runs until 120 ms.
  JobSpec slow = Fp32Job(8e7);
  slow.priority_class = PriorityClass::kRealtime;
  ASSERT_TRUE(Submit(slow).ok());
  clock_.Advance(milliseconds(200));
  const JobInfo info = *scheduler_->GetJob(id);
  EXPECT_EQ(info.state, JobState::kDeadlineExceeded);
  EXPECT_EQ(info.measured_time_s, 0);
}

TEST_F(SchedulerTest, CriticalDeviceHandsItsQueueToAnotherDevice) {
  Build({Spec("cpu0", DeviceKind::kCpu, Precision::kFp32, 1e9),
         Spec("cpu1", DeviceKind::kCpu, Precision::kFp32, 0.5e9)});
  JobId first = Submit(Fp32Job(1e7))->id;   // cpu0 (faster)
  // cpu0 still wins: both finish at 20 ms, cpu0 for half the energy.
  JobId second = Submit(Fp32Job(1e7))->id;
  ASSERT_EQ(scheduler_->GetJob(first)->device, "cpu0");
  ASSERT_EQ(scheduler_->GetJob(second)->device, "cpu0");
  devices_[0]->SetThermal(0, true, /*critical=*/true);
  scheduler_->OnDeviceChanged(*devices_[0]);
  clock_.Advance(milliseconds(100));
  ASSERT_EQ(done_.size(), 2u);
  // The running job finishes where it is; the queued one moved.
  EXPECT_EQ(scheduler_->GetJob(first)->device, "cpu0");
  EXPECT_EQ(scheduler_->GetJob(second)->state, JobState::kCompleted);
  EXPECT_EQ(scheduler_->GetJob(second)->device, "cpu1");
}

TEST_F(SchedulerTest, DrainingRefusesNewJobsAndFinishesOldOnes) {
  BuildCpu();
  ASSERT_TRUE(Submit(Fp32Job(1e7)).ok());
  scheduler_->StartDraining();
  EXPECT_EQ(Submit(Fp32Job(1e7)).status().code(),
            absl::StatusCode::kUnavailable);
  clock_.Advance(milliseconds(10));
  scheduler_->WaitIdle();
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].state, JobState::kCompleted);
}

TEST_F(SchedulerTest, DryRunPlacesWithoutQueueing) {
  BuildCpu();
  JobSpec j = Fp32Job(1e7);
  j.dry_run = true;
  absl::StatusOr<JobInfo> r = Submit(j);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, 0u);
  EXPECT_EQ(r->device, "cpu0");
  EXPECT_FALSE(r->placement.explanation.empty());
  EXPECT_EQ(scheduler_->Loads()[0].queued, 0u);
  EXPECT_FALSE(scheduler_->Loads()[0].running);
}

TEST_F(SchedulerTest, ForgetsTheOldestFinishedJobsBeyondTheBound) {
  SchedulerTunables t;
  t.max_finished_jobs = 2;
  BuildCpu(t);
  std::vector<JobId> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Submit(Fp32Job(1e6))->id);
    clock_.Advance(milliseconds(1));
  }
  EXPECT_EQ(scheduler_->GetJob(ids[0]).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(scheduler_->GetJob(ids[2]).ok());
}

TEST_F(SchedulerTest, ThousandsOfZeroTimeJobsCompleteWithoutDeepRecursion) {
  SchedulerTunables t;
  t.max_queue_per_device = 20000;
  t.max_finished_jobs = 20000;
  BuildCpu(t);
  ASSERT_TRUE(Submit(Fp32Job(1e7)).ok());  // 10 ms ahead of the rest
  // 1e-3 ops at 1e9 ops/s is 1e-12 s: 0 ns, finished inside Start().
  const int kJobs = 15000;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(Submit(Fp32Job(1e-3)).ok());
  EXPECT_EQ(done_.size(), 0u);
  clock_.Advance(milliseconds(10));
  ASSERT_EQ(done_.size(), static_cast<size_t>(kJobs + 1));
  for (const JobInfo& d : done_) EXPECT_EQ(d.state, JobState::kCompleted);
  // Once idle, a zero-time job is done before Submit returns.
  ASSERT_TRUE(Submit(Fp32Job(1e-3)).ok());
  EXPECT_EQ(done_.size(), static_cast<size_t>(kJobs + 2));
}

}  // namespace
}  // namespace joule
