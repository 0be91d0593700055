// ModelExecutor's own part over a fake ModelRuntime: loading once and
// refusing other bytes under a loaded name, the runtime's refusals passed on
// unchanged, the measured time and energy of a run on a manual clock, a
// failing run failing only its job, energy from a counter, cost-only jobs
// refused when not simulated, unloading while a job runs, and borrowed
// inputs reaching the runtime uncopied and outliving their caller. The
// queue, cancelling and shutdown: onnxruntime/ort_executor_queue_test.cc (the
// same class, over ONNX Runtime).
#include "executors/model_executor.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "executors/model_executor_test_helpers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using model_executor_test::Done;
using model_executor_test::Job;
using model_executor_test::RunOnce;
using ::testing::ElementsAre;

// Counts Loads; a model's Run advances the manual clock by its run time and
// echoes its inputs, or fails when the first input is named "fail", or calls
// during_run first when it is named "unload". A model whose bytes are
// "refuse" is refused.
class FakeRuntime final : public ModelRuntime {
 public:
  explicit FakeRuntime(ManualClock* clock) : clock_(clock) {}
  std::string Name() const override { return "fake"; }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string& name, const std::string& bytes) override {
    absl::MutexLock l(&mu_);
    ++loads_;
    if (bytes == "refuse") {
      return absl::FailedPreconditionError(
          absl::StrCat("fake refused model '", name, "'"));
    }
    return std::make_shared<Model>(clock_, this);
  }
  int loads() {
    absl::MutexLock l(&mu_);
    return loads_;
  }
  // Set before the job that calls it starts (the executor's queue orders
  // the two).
  std::function<void()> during_run;

 private:
  class Model final : public RuntimeModel {
   public:
    Model(ManualClock* clock, FakeRuntime* runtime)
        : clock_(clock), runtime_(runtime) {}
    absl::StatusOr<std::vector<Tensor>> Run(
        const std::vector<Tensor>& inputs) override {
      if (!inputs.empty() && inputs[0].name == "unload") runtime_->during_run();
      clock_->Advance(std::chrono::milliseconds(5));
      if (!inputs.empty() && inputs[0].name == "fail") {
        return absl::InternalError("fake run failed");
      }
      return inputs;
    }

   private:
    ManualClock* const clock_;
    FakeRuntime* const runtime_;
  };

  ManualClock* const clock_;
  absl::Mutex mu_;
  int loads_ ABSL_GUARDED_BY(mu_) = 0;
};

struct Fixture {
  explicit Fixture(ModelExecutorOptions options = {}) {
    auto rt = std::make_unique<FakeRuntime>(&clock);
    runtime = rt.get();
    ex = std::make_unique<ModelExecutor>(&clock, std::move(rt), options);
  }
  ManualClock clock;
  FakeRuntime* runtime = nullptr;
  std::unique_ptr<ModelExecutor> ex;
};

Tensor Named(const std::string& name) {
  return MakeFloat32Tensor(name, {1}, {1.5f});
}

TEST(ModelExecutorTest, LoadsOnceAndRefusesOtherBytesUnderALoadedName) {
  Fixture f;
  EXPECT_EQ(f.ex->runtime_name(), "fake");
  EXPECT_TRUE(f.ex->LoadModel("m", "bytes").ok());
  EXPECT_TRUE(f.ex->LoadModel("m", "bytes").ok());
  EXPECT_EQ(f.runtime->loads(), 1);
  absl::Status s = f.ex->LoadModel("m", "other bytes");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::string(s.message()),
            "fake: model 'm' is already loaded from different bytes; unload "
            "it first");
  EXPECT_EQ(f.ex->LoadModel("", "bytes").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.runtime->loads(), 1);
  f.ex->UnloadModel("m");
  EXPECT_FALSE(f.ex->SupportsModel("m"));
  EXPECT_TRUE(f.ex->LoadModel("m", "other bytes").ok());
  EXPECT_THAT(f.ex->Models(), ElementsAre("m"));
  EXPECT_TRUE(f.ex->Model("m").ok());
  EXPECT_EQ(f.ex->Model("x").status().code(), absl::StatusCode::kNotFound);
}

TEST(ModelExecutorTest, TheRuntimesRefusalIsPassedOnUnchanged) {
  Fixture f;
  absl::Status s = f.ex->LoadModel("m", "refuse");
  EXPECT_EQ(s, absl::FailedPreconditionError("fake refused model 'm'"));
  EXPECT_FALSE(f.ex->SupportsModel("m"));
}

TEST(ModelExecutorTest, ARunIsTimedOnTheClockAndAFailureFailsOnlyItsJob) {
  ModelExecutorOptions options;
  options.energy_for = [](Duration t, int pstate) {
    return pstate * ToSeconds(t);
  };
  Fixture f(options);
  ASSERT_TRUE(f.ex->LoadModel("m", "bytes").ok());
  ExecResult bad = RunOnce(*f.ex, Job(1, "m", {Named("fail")}));
  EXPECT_EQ(bad.status, absl::InternalError("fake run failed"));
  EXPECT_TRUE(bad.outputs.empty());
  ExecResult good = RunOnce(*f.ex, Job(2, "m", {Named("x")}));
  ASSERT_TRUE(good.status.ok()) << good.status;
  EXPECT_FALSE(good.simulated);
  EXPECT_EQ(good.measured_time, std::chrono::milliseconds(5));
  EXPECT_DOUBLE_EQ(good.energy_j, 3 * 0.005);  // Job() runs at P-state 3
  ASSERT_EQ(good.outputs.size(), 1u);
  EXPECT_EQ(good.outputs[0].name, "x");
  EXPECT_EQ(f.ex->BusyTime(), std::chrono::milliseconds(10));
}

// With an energy counter (RAPL on a real host) a run's energy is the
// counter's difference around it, marked measured; a counter that fails
// falls back to the model, marked modelled.
TEST(ModelExecutorTest, EnergyComesFromTheCounterWhenItReads) {
  ModelExecutorOptions options;
  options.energy_for = [](Duration t, int) { return 100 * ToSeconds(t); };
  absl::Mutex mu;
  double joules = 10;
  bool fail = false;
  options.energy_counter_j = [&]() -> absl::StatusOr<double> {
    absl::MutexLock l(&mu);
    if (fail) return absl::UnavailableError("energy_uj: EIO");
    joules += 0.25;  // 0.25 J between any two reads
    return joules;
  };
  Fixture f(options);
  ASSERT_TRUE(f.ex->LoadModel("m", "bytes").ok());
  ExecResult measured = RunOnce(*f.ex, Job(1, "m", {Named("x")}));
  ASSERT_TRUE(measured.status.ok()) << measured.status;
  EXPECT_TRUE(measured.energy_measured);
  EXPECT_DOUBLE_EQ(measured.energy_j, 0.25);
  {
    absl::MutexLock l(&mu);
    fail = true;
  }
  ExecResult modelled = RunOnce(*f.ex, Job(2, "m", {Named("x")}));
  ASSERT_TRUE(modelled.status.ok()) << modelled.status;
  EXPECT_FALSE(modelled.energy_measured);
  EXPECT_DOUBLE_EQ(modelled.energy_j, 100 * 0.005);
}

TEST(ModelExecutorTest, CostOnlyJobsFailWhenNotSimulated) {
  ModelExecutorOptions options;
  options.simulate_cost_only_jobs = false;
  Fixture f(options);
  EXPECT_FALSE(f.ex->SupportsModel(""));
  ExecResult r = RunOnce(*f.ex, Job(1, "", {}));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ModelExecutorTest, UnloadingWhileAJobRunsLetsItFinish) {
  Fixture f;
  ASSERT_TRUE(f.ex->LoadModel("m", "bytes").ok());
  f.runtime->during_run = [&f] { f.ex->UnloadModel("m"); };
  Done running, queued;
  f.ex->Start(Job(1, "m", {Named("unload")}), running.Callback());
  f.ex->Start(Job(2, "m", {Named("x")}), queued.Callback());
  EXPECT_TRUE(running.Wait().status.ok());
  ExecResult r = queued.Wait();
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(r.status.message()), "fake: model 'm' is not loaded");
}

// Runs after `gate` opens, recording where its first input's bytes were and
// what they said.
class GateRuntime final : public ModelRuntime {
 public:
  std::string Name() const override { return "gate"; }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string&, const std::string&) override {
    return std::make_shared<Model>(this);
  }
  absl::Notification gate;
  absl::Mutex mu;
  std::vector<const char*> seen ABSL_GUARDED_BY(mu);
  std::vector<std::string> read ABSL_GUARDED_BY(mu);

 private:
  class Model final : public RuntimeModel {
   public:
    explicit Model(GateRuntime* rt) : rt_(rt) {}
    absl::StatusOr<std::vector<Tensor>> Run(
        const std::vector<Tensor>& inputs) override {
      rt_->gate.WaitForNotification();
      absl::MutexLock l(&rt_->mu);
      rt_->seen.push_back(inputs[0].bytes.data());
      rt_->read.emplace_back(inputs[0].bytes.view());
      return std::vector<Tensor>{};
    }

   private:
    GateRuntime* const rt_;
  };
};

// docs/ARCHITECTURE.md, "Tensor bytes": a job's borrowed inputs reach the
// runtime as they are (not copied into the queue), and keep their owner
// alive while the job waits, after whoever submitted it let go (a Submit
// call that ended); once the executor is done with the job, it holds none.
TEST(ModelExecutorTest, BorrowedInputsReachTheRuntimeAndOutliveTheirCaller) {
  ManualClock clock;
  auto rt = std::make_unique<GateRuntime>();
  GateRuntime* runtime = rt.get();
  auto ex = std::make_unique<ModelExecutor>(&clock, std::move(rt));
  ASSERT_TRUE(ex->LoadModel("m", "bytes").ok());
  auto owner = std::make_shared<std::string>(1 << 20, 'q');
  const char* bytes = owner->data();
  std::weak_ptr<std::string> watch = owner;
  absl::Notification first_done, second_done;
  for (int i = 0; i < 2; ++i) {
    Tensor x;
    x.name = "x";
    x.dtype = DataType::kUint8;
    x.shape = {1 << 20};
    x.bytes = TensorBytes::Borrow(*owner, owner);
    ExecRequest req;
    req.job_id = i + 1;
    req.model = "m";
    req.inputs.push_back(std::move(x));
    ex->Start(std::move(req), [&, i](ExecResult&& r) {
      EXPECT_TRUE(r.status.ok()) << r.status;
      (i == 0 ? first_done : second_done).Notify();
    });
  }
  owner.reset();  // the caller is gone; one job runs, one is queued
  ASSERT_FALSE(watch.expired());
  runtime->gate.Notify();
  first_done.WaitForNotification();
  second_done.WaitForNotification();
  {
    absl::MutexLock l(&runtime->mu);
    EXPECT_THAT(runtime->seen, ElementsAre(bytes, bytes));
    ASSERT_EQ(runtime->read.size(), 2u);
    EXPECT_EQ(runtime->read[1], std::string(1 << 20, 'q'));
  }
  ex.reset();  // joins the worker
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace joule
