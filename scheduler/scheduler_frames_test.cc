// Frame skipping through the Scheduler: which jobs of a stream reuse the
// held result, what a skipped job reports, and what is counted.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "scheduler/scheduler.h"
#include "testing/null_device_parts.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

// Runs nothing by itself: the test finishes each started job with
// Finish(), its output one float32 value.
class HandExecutor final : public Executor {
 public:
  void Start(ExecRequest req, DoneCallback done) override {
    started.push_back(req.job_id);
    pending.push_back(std::move(done));
  }
  bool Cancel(uint64_t) override { return false; }
  Duration BusyTime() const override { return Duration{0}; }
  bool simulated() const override { return false; }
  // Completes the oldest started job not yet finished.
  void Finish(float value, absl::Status status = absl::OkStatus()) {
    ASSERT_FALSE(pending.empty());
    DoneCallback done = std::move(pending.front());
    pending.erase(pending.begin());
    ExecResult r;
    r.status = std::move(status);
    r.measured_time = milliseconds(10);
    r.energy_j = 0.5;
    if (r.status.ok()) r.outputs = {MakeFloat32Tensor("y", {1}, {value})};
    done(std::move(r));
  }

  std::vector<uint64_t> started;
  std::vector<DoneCallback> pending;
};

DeviceSpec Cpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1000000, 900, 1.0}};
  s.peak_ops_per_s[static_cast<int>(Precision::kFp32)] = 1e9;
  s.mem_bw_bytes_per_s = 1e9;
  s.thermal_resistance_c_per_w = 10;
  s.thermal_capacitance_j_per_c = 1;
  return s;
}

SchedulerTunables Skipping(double threshold = 0.02,
                           uint32_t max_age_ms = 1000) {
  SchedulerTunables t;
  t.frame_skip.models["cam"] = FrameSkipModel{threshold, max_age_ms};
  return t;
}

class SchedulerFramesTest : public ::testing::Test {
 protected:
  void Build(const SchedulerTunables& t) {
    auto executor = std::make_unique<HandExecutor>();
    executor_ = executor.get();
    device_ = std::make_unique<Device>(Cpu(), std::move(executor),
                                       std::make_unique<NullSensor>(),
                                       std::make_unique<NullActuator>());
    scheduler_ = std::make_unique<Scheduler>(
        &clock_, std::vector<Device*>{device_.get()}, t, &registry_);
  }
  static JobSpec Frame(FrameSignal signal, std::string model = "cam") {
    JobSpec j;
    j.model = std::move(model);
    j.cost.ops_by_precision[static_cast<int>(Precision::kFp32)] = 1e6;
    j.stream = "door";
    j.signal = std::move(signal);
    return j;
  }
  static FrameSignal Digest(std::string d) { return {std::move(d), {}}; }
  static FrameSignal Thumb(float v) { return {"", {v, v}}; }
  // Submits; the terminal JobInfo lands in done_[id].
  JobId Submit(JobSpec j) {
    JobId id = 0;
    EXPECT_TRUE(scheduler_
                    ->Enqueue(
                        std::move(j),
                        [this](JobInfo&& i) { done_[i.id] = std::move(i); },
                        &id)
                    .ok());
    return id;
  }
  // Submits and, if it started, finishes it with `value`.
  JobId Run(JobSpec j, float value) {
    const size_t before = executor_->started.size();
    const JobId id = Submit(std::move(j));
    if (executor_->started.size() > before) executor_->Finish(value);
    return id;
  }
  float Output(JobId id) {
    const std::vector<Tensor>& out = done_.at(id).outputs;
    if (out.size() != 1) return -1;
    return (*Float32Values(out[0]))[0];
  }
  double Counted(const std::string& family, const LabelValues& labels) {
    double v = 0;
    for (const FamilyBase* f : registry_.Families()) {
      if (f->name() != family) continue;
      static_cast<const Family<Counter>*>(f)->ForEach(
          [&](const LabelValues& l, const Counter& c) {
            if (l == labels) v = c.Value();
          });
    }
    return v;
  }

  ManualClock clock_;
  Registry registry_;
  HandExecutor* executor_ = nullptr;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Scheduler> scheduler_;
  std::map<JobId, JobInfo> done_;
};

TEST_F(SchedulerFramesTest, AnIdenticalFrameGetsTheHeldResultWithoutRunning) {
  Build(Skipping());
  const JobId first = Run(Frame(Digest("x")), 7);
  EXPECT_FALSE(done_.at(first).skipped);
  EXPECT_FALSE(done_.at(first).frame_change.has_value());  // nothing held
  clock_.Advance(milliseconds(100));
  const JobId second = Submit(Frame(Digest("x")));
  EXPECT_EQ(executor_->started.size(), 1u);  // it did not run
  ASSERT_EQ(done_.count(second), 1u);        // answered inside Enqueue
  const JobInfo& s = done_.at(second);
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_TRUE(s.skipped);
  EXPECT_EQ(s.reused_job, first);
  EXPECT_EQ(s.frame_change, 0.0);
  EXPECT_EQ(s.measured_energy_j, 0);
  EXPECT_EQ(s.measured_time_s, 0);
  EXPECT_EQ(s.device, "");
  EXPECT_EQ(Output(second), 7);
  EXPECT_NE(s.placement.explanation.find("skipped"), std::string::npos);
  // The first job's own outputs are still its own.
  EXPECT_EQ(Output(first), 7);
  absl::StatusOr<JobInfo> rec = scheduler_->GetJob(second);
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->skipped);
  EXPECT_EQ(rec->state, JobState::kCompleted);
  EXPECT_EQ(Counted("joule_jobs_skipped_total", {"cam"}), 1);
  EXPECT_EQ(Counted("joule_jobs_total", {"none", "completed"}), 1);
  EXPECT_EQ(Counted("joule_jobs_total", {"cpu0", "completed"}), 1);
}

TEST_F(SchedulerFramesTest, AChangedFrameRunsAndReplacesTheHeldOne) {
  Build(Skipping());
  Run(Frame(Digest("x")), 1);
  const JobId changed = Run(Frame(Digest("y")), 2);
  EXPECT_EQ(executor_->started.size(), 2u);
  EXPECT_FALSE(done_.at(changed).skipped);
  EXPECT_EQ(done_.at(changed).frame_change, 1.0);
  const JobId again = Submit(Frame(Digest("y")));
  EXPECT_TRUE(done_.at(again).skipped);
  EXPECT_EQ(done_.at(again).reused_job, changed);
  EXPECT_EQ(Output(again), 2);
}

TEST_F(SchedulerFramesTest, DriftIsMeasuredFromTheFrameThatRan) {
  Build(Skipping(0.02));
  const JobId ran = Run(Frame(Thumb(0.50f)), 1);
  EXPECT_TRUE(done_.at(Submit(Frame(Thumb(0.51f)))).skipped);
  EXPECT_TRUE(done_.at(Submit(Frame(Thumb(0.515f)))).skipped);
  // 0.005 from the previous frame, 0.025 from the one that ran.
  const JobId drifted = Run(Frame(Thumb(0.525f)), 2);
  EXPECT_FALSE(done_.at(drifted).skipped);
  EXPECT_NEAR(*done_.at(drifted).frame_change, 0.025, 1e-6);
  EXPECT_EQ(executor_->started.size(), 2u);
  (void)ran;
}

TEST_F(SchedulerFramesTest, AStaticSceneRunsAgainOnceTheResultIsMaxAgeOld) {
  Build(Skipping(0.02, 500));
  Run(Frame(Digest("x")), 1);
  clock_.Advance(milliseconds(499));
  EXPECT_TRUE(done_.at(Submit(Frame(Digest("x")))).skipped);
  clock_.Advance(milliseconds(1));
  const JobId expired = Run(Frame(Digest("x")), 2);
  EXPECT_FALSE(done_.at(expired).skipped);
  EXPECT_EQ(executor_->started.size(), 2u);
  EXPECT_EQ(Output(Submit(Frame(Digest("x")))), 2);  // the fresh result
}

TEST_F(SchedulerFramesTest, AThumbnailOfAnotherSizeRunsAsChanged) {
  Build(Skipping(0.5));
  Run(Frame(Thumb(0.5f)), 1);
  JobSpec bigger = Frame(FrameSignal{"", {0.5f, 0.5f, 0.5f}});
  const JobId id = Run(std::move(bigger), 2);
  EXPECT_FALSE(done_.at(id).skipped);
  EXPECT_EQ(done_.at(id).frame_change, 1.0);
}

TEST_F(SchedulerFramesTest, OnlyListedModelsSkipAndStreamsArePerModel) {
  Build(Skipping());
  Run(Frame(Digest("x"), "other"), 1);
  Run(Frame(Digest("x"), "other"), 2);
  EXPECT_EQ(executor_->started.size(), 2u);  // "other" has no threshold
  Run(Frame(Digest("x"), "cam"), 3);         // same stream id, another model
  EXPECT_EQ(executor_->started.size(), 3u);
}

TEST_F(SchedulerFramesTest, DisablingDropsTheHeldResults) {
  Build(Skipping());
  Run(Frame(Digest("x")), 1);
  SchedulerTunables off = Skipping();
  off.frame_skip.enabled = false;
  scheduler_->SetTunables(off);
  Run(Frame(Digest("x")), 2);
  scheduler_->SetTunables(Skipping());
  Run(Frame(Digest("x")), 3);  // nothing held: runs
  EXPECT_EQ(executor_->started.size(), 3u);
  EXPECT_TRUE(done_.at(Submit(Frame(Digest("x")))).skipped);
}

TEST_F(SchedulerFramesTest, AFailedOrInFlightFrameHoldsNothing) {
  Build(Skipping());
  Submit(Frame(Digest("x")));
  Submit(Frame(Digest("x")));  // the first is still running: queued, runs
  executor_->Finish(0, absl::InternalError("boom"));
  ASSERT_EQ(executor_->started.size(), 2u);
  executor_->Finish(5);
  EXPECT_EQ(Output(Submit(Frame(Digest("x")))), 5);
}

TEST_F(SchedulerFramesTest, ForgettingTheModelDropsItsStreams) {
  Build(Skipping());
  Run(Frame(Digest("x")), 1);
  scheduler_->ForgetModel("cam");
  Run(Frame(Digest("x")), 2);
  EXPECT_EQ(executor_->started.size(), 2u);
}

TEST_F(SchedulerFramesTest, DryRunsAndDrainingAreNotSkipped) {
  Build(Skipping());
  Run(Frame(Digest("x")), 1);
  JobSpec dry = Frame(Digest("x"));
  dry.dry_run = true;
  absl::StatusOr<JobInfo> placed = scheduler_->Submit(std::move(dry), nullptr);
  ASSERT_TRUE(placed.ok());
  EXPECT_FALSE(placed->skipped);
  scheduler_->StartDraining();
  EXPECT_EQ(scheduler_->Enqueue(Frame(Digest("x")), nullptr).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace joule
