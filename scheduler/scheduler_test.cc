#include "scheduler/scheduler.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "executors/simulated_device.h"
#include "gtest/gtest.h"
#include "scheduler/finished_jobs.h"
#include "testing/null_device_parts.h"

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
    return scheduler_->Submit(
        j, [this](const JobInfo& info) { done_.push_back(info); });
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
  absl::StatusOr<JobInfo> r = scheduler_->Submit(Fp32Job(1e7), nullptr, &id);
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

TEST_F(SchedulerTest, AdmissionRaisesThePStateADeadlineNeeds) {
  BuildCpu();
  ASSERT_TRUE(devices_[0]->ApplyPState(0).ok());
  JobSpec j = Fp32Job(1e7);  // 20 ms at P0, 10 ms at P1
  j.deadline = clock_.Now() + milliseconds(15);
  absl::StatusOr<JobInfo> r = Submit(j);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(devices_[0]->state().pstate, 1);
  EXPECT_EQ(r->pstate, 1);
  EXPECT_TRUE(r->placement.candidates[0].raises_pstate);
  clock_.Advance(milliseconds(10));
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].state, JobState::kCompleted);
}

TEST_F(SchedulerTest, WithoutRaisingTheSameJobIsRejected) {
  SchedulerTunables t;
  t.raise_pstate_for_deadlines = false;
  BuildCpu(t);
  ASSERT_TRUE(devices_[0]->ApplyPState(0).ok());
  JobSpec j = Fp32Job(1e7);
  j.deadline = clock_.Now() + milliseconds(15);
  EXPECT_EQ(Submit(j).status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(devices_[0]->state().pstate, 0);
}

TEST_F(SchedulerTest, DeadlineFloorsFollowTheQueue) {
  BuildCpu();
  EXPECT_EQ(scheduler_->DeadlineFloors(), std::vector<int>{-1});
  ASSERT_TRUE(Submit(Fp32Job(1e7)).ok());  // runs: 10 ms left
  JobSpec later = Fp32Job(1e7);
  later.deadline = clock_.Now() + milliseconds(50);
  ASSERT_TRUE(Submit(later).ok());
  // 10 + 20 ms at P0 ≤ 50 ms.
  EXPECT_EQ(scheduler_->DeadlineFloors(), std::vector<int>{0});
  JobSpec sooner = Fp32Job(1e7);
  sooner.deadline = clock_.Now() + milliseconds(25);
  ASSERT_TRUE(Submit(sooner).ok());
  // Sooner first: 10 + 20 > 25 at P0; at P1 10 + 10 and then 30 ≤ 50.
  EXPECT_EQ(scheduler_->DeadlineFloors(), std::vector<int>{1});
  clock_.Advance(milliseconds(30));
  EXPECT_EQ(done_.size(), 3u);
  EXPECT_EQ(scheduler_->DeadlineFloors(), std::vector<int>{-1});
}

TEST_F(SchedulerTest, UnexplainedJobsAreStillExplainedWhenRejected) {
  BuildCpu();
  JobSpec j = Fp32Job(1e7);  // 10 ms
  j.explain_placement = false;
  absl::StatusOr<JobInfo> r = Submit(j);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->device, "cpu0");
  EXPECT_TRUE(r->placement.explanation.empty());
  j.deadline = clock_.Now() + milliseconds(5);
  r = Submit(j);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("rejected at admission: no feasible "
                                      "device: cpu0 misses deadline"),
            std::string::npos)
      << r.status();
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
  // eft admits by the new job's own finish; joule's EDF would refuse the
  // realtime job below for making the queued one miss.
  SchedulerTunables t;
  t.placement = PlacementStrategy::kEft;
  BuildCpu(t);
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
  JobId first = Submit(Fp32Job(1e7))->id;  // cpu0 (faster)
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

TEST_F(SchedulerTest, EnqueueAcceptsWithoutReturningTheJob) {
  BuildCpu();
  JobId id = 0;
  ASSERT_TRUE(scheduler_
                  ->Enqueue(
                      Fp32Job(1e7),
                      [this](const JobInfo& i) { done_.push_back(i); }, &id)
                  .ok());
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(scheduler_->GetJob(id)->state, JobState::kRunning);
  clock_.Advance(milliseconds(10));
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].state, JobState::kCompleted);
  // A rejection gets an id and a record, and `done` never runs.
  JobSpec j;
  j.cost.ops_by_precision[static_cast<int>(Precision::kInt4)] = 1e6;
  absl::Status s = scheduler_->Enqueue(
      j, [this](const JobInfo& i) { done_.push_back(i); }, &id);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id, 2u);
  EXPECT_EQ(scheduler_->GetJob(id)->state, JobState::kRejected);
  EXPECT_EQ(done_.size(), 1u);
}

TEST_F(SchedulerTest, ZeroTimeJobIsDoneBeforeSubmitReturns) {
  BuildCpu();
  absl::StatusOr<JobInfo> info = Submit(Fp32Job(1e-3));
  ASSERT_TRUE(info.ok());
  // The returned info is the job as admitted; `done` has the end.
  EXPECT_EQ(info->state, JobState::kRunning);
  ASSERT_EQ(done_.size(), 1u);
  EXPECT_EQ(done_[0].state, JobState::kCompleted);
  EXPECT_EQ(done_[0].id, info->id);
  EXPECT_EQ(done_[0].device, "cpu0");
  EXPECT_FALSE(done_[0].placement.explanation.empty());
  EXPECT_EQ(scheduler_->GetJob(info->id)->state, JobState::kCompleted);
}

TEST_F(SchedulerTest, ShrinkingTheFinishedBoundForgetsRecords) {
  SchedulerTunables t;
  t.max_finished_jobs = 100;
  BuildCpu(t);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Submit(Fp32Job(1e-3)).ok());
  EXPECT_TRUE(scheduler_->GetJob(1).ok());
  t.max_finished_jobs = 3;
  scheduler_->SetTunables(t);
  for (JobId id = 1; id <= 7; ++id) {
    EXPECT_EQ(scheduler_->GetJob(id).status().code(),
              absl::StatusCode::kNotFound)
        << id;
  }
  for (JobId id = 8; id <= 10; ++id) EXPECT_TRUE(scheduler_->GetJob(id).ok());
  // Cancel answers from the same records.
  EXPECT_EQ(*scheduler_->Cancel(10), JobState::kCompleted);
  EXPECT_EQ(scheduler_->Cancel(1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SchedulerTest, EachJobIsCountedOnceUnderItsDeviceAndOutcome) {
  SchedulerTunables t;
  t.max_queue_per_device = 1;
  BuildCpu(t);
  JobId running = Submit(Fp32Job(1e7))->id;
  JobId queued = Submit(Fp32Job(1e7))->id;
  EXPECT_FALSE(Submit(Fp32Job(1e7)).ok());  // queue full: rejected
  EXPECT_EQ(*scheduler_->Cancel(queued), JobState::kCancelled);
  clock_.Advance(milliseconds(10));
  EXPECT_EQ(scheduler_->GetJob(running)->state, JobState::kCompleted);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(Fp32Job(1e-3)).ok());
  std::map<LabelValues, double> counts;
  for (const FamilyBase* f : registry_.Families()) {
    if (f->name() != "joule_jobs_total") continue;
    static_cast<const Family<Counter>*>(f)->ForEach(
        [&](const LabelValues& v, const Counter& c) { counts[v] = c.Value(); });
  }
  std::map<LabelValues, double> want = {{{"cpu0", "completed"}, 4},
                                        {{"cpu0", "cancelled"}, 1},
                                        {{"none", "rejected"}, 1}};
  EXPECT_EQ(counts, want);
}

TEST(FinishedJobsTest, HoldsAtMostCapacityAndForgetsOlderIds) {
  FinishedJobs f(4);
  for (JobId id = 1; id <= 10; ++id) {
    JobInfo info;
    info.id = id;
    f.Add(info);
    EXPECT_LE(f.size(), 4u);
  }
  EXPECT_EQ(f.size(), 4u);
  for (JobId id = 1; id <= 6; ++id) EXPECT_EQ(f.Find(id), nullptr) << id;
  for (JobId id = 7; id <= 10; ++id) {
    ASSERT_NE(f.Find(id), nullptr) << id;
    EXPECT_EQ(f.Find(id)->id, id);
  }
  EXPECT_EQ(f.Find(0), nullptr);
  EXPECT_EQ(f.Find(11), nullptr);
  EXPECT_EQ(f.Find(1000), nullptr);
}

TEST(FinishedJobsTest, AnOldJobEndingLateDoesNotEvictANewerOne) {
  FinishedJobs f(4);
  JobInfo newer;
  newer.id = 6;
  f.Add(newer);
  JobInfo late;
  late.id = 2;  // same entry (2 % 4 == 6 % 4), older
  late.state = JobState::kCancelled;
  f.Add(late);
  EXPECT_EQ(f.Find(2), nullptr);
  ASSERT_NE(f.Find(6), nullptr);
  EXPECT_EQ(f.size(), 1u);
  // Out-of-order ends within the window are all kept.
  for (JobId id : {8u, 5u, 7u}) {
    JobInfo info;
    info.id = id;
    f.Add(info);
  }
  for (JobId id : {5u, 6u, 7u, 8u}) EXPECT_NE(f.Find(id), nullptr) << id;
  EXPECT_EQ(f.size(), 4u);
}

TEST(FinishedJobsTest, RecordsKeepTheirContents) {
  FinishedJobs f(2);
  JobInfo info;
  info.id = 3;
  info.state = JobState::kFailed;
  info.device = "npu0";
  info.placement.explanation = std::string(100, 'x');
  info.error = absl::InternalError("boom");
  f.Add(info);
  const JobInfo* got = f.Find(3);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->state, JobState::kFailed);
  EXPECT_EQ(got->device, "npu0");
  EXPECT_EQ(got->placement.explanation, info.placement.explanation);
  EXPECT_EQ(got->error, info.error);
}

// An executor that finishes each job inside Start() with a 1 MiB output
// it owns, recording where the input and the output bytes lived.
class PointerExecutor final : public Executor {
 public:
  void Start(ExecRequest req, DoneCallback done) override {
    input_seen = req.inputs.empty() ? nullptr : req.inputs[0].bytes.data();
    ExecResult r;
    Tensor y;
    y.name = "y";
    y.dtype = DataType::kUint8;
    y.shape = {1 << 20};
    y.bytes = std::string(1 << 20, 'y');
    output_made = y.bytes.data();
    r.outputs.push_back(std::move(y));
    done(std::move(r));
  }
  bool Cancel(uint64_t) override { return false; }
  Duration BusyTime() const override { return Duration{0}; }
  bool simulated() const override { return false; }
  const char* input_seen = nullptr;
  const char* output_made = nullptr;
};

// docs/ARCHITECTURE.md, "Tensor bytes": the scheduler moves a job's inputs
// to its executor and the executor's outputs to the DoneCallback.
TEST(SchedulerTensorTest, InputsAndOutputsPassThroughWithoutACopy) {
  ManualClock clock;
  Registry registry;
  auto executor = std::make_unique<PointerExecutor>();
  PointerExecutor* ex = executor.get();
  Device device(Spec("cpu0", DeviceKind::kCpu, Precision::kFp32, 1e9),
                std::move(executor), std::make_unique<NullSensor>(),
                std::make_unique<NullActuator>());
  Scheduler scheduler(&clock, {&device}, SchedulerTunables{}, &registry);
  auto request = std::make_shared<std::string>(1 << 20, 'x');
  JobSpec job = Fp32Job(1e3);
  job.model = "m";
  Tensor x;
  x.name = "x";
  x.dtype = DataType::kUint8;
  x.shape = {1 << 20};
  x.bytes = TensorBytes::Borrow(*request, request);
  job.inputs.push_back(std::move(x));
  const char* reply_bytes = nullptr;
  ASSERT_TRUE(scheduler
                  .Enqueue(std::move(job),
                           [&](JobInfo&& info) {
                             ASSERT_EQ(info.outputs.size(), 1u);
                             reply_bytes = info.outputs[0].bytes.data();
                           })
                  .ok());
  EXPECT_EQ(ex->input_seen, request->data());
  ASSERT_NE(ex->output_made, nullptr);
  EXPECT_EQ(reply_bytes, ex->output_made);
  EXPECT_EQ(request.use_count(), 1);  // nothing kept the input
}

TEST(FinishedJobsTest, CapacityZeroKeepsNothing) {
  FinishedJobs f(0);
  JobInfo info;
  info.id = 1;
  f.Add(info);
  EXPECT_EQ(f.size(), 0u);
  EXPECT_EQ(f.Find(1), nullptr);
}

TEST(FinishedJobsTest, SetCapacityKeepsTheNewestThatFit) {
  FinishedJobs f(10);
  for (JobId id = 1; id <= 10; ++id) {
    JobInfo info;
    info.id = id;
    f.Add(info);
  }
  f.SetCapacity(3);
  EXPECT_EQ(f.size(), 3u);
  for (JobId id = 1; id <= 7; ++id) EXPECT_EQ(f.Find(id), nullptr) << id;
  for (JobId id = 8; id <= 10; ++id) EXPECT_NE(f.Find(id), nullptr) << id;
  f.SetCapacity(100);  // growing keeps them all
  EXPECT_EQ(f.size(), 3u);
  for (JobId id = 8; id <= 10; ++id) EXPECT_NE(f.Find(id), nullptr) << id;
  f.SetCapacity(0);
  EXPECT_EQ(f.size(), 0u);
  EXPECT_EQ(f.Find(10), nullptr);
}

}  // namespace
}  // namespace joule
