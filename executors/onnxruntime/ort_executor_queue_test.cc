// ModelExecutor's queue over the real ONNX Runtime: cost-only jobs
// simulated as SimulatedExecutor does, cancelling queued and running jobs,
// shutting down with jobs queued or running, and `done` starting the next
// job. The models and their inputs: ort_runtime_test.cc and
// ort_session_test.cc.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "executors/model_executor.h"
#include "executors/model_executor_test_helpers.h"
#include "executors/onnxruntime/ort_runtime.h"
#include "executors/onnxruntime/ort_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reference_models/reference_models.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

using model_executor_test::Done;
using model_executor_test::ExpectNear;
using model_executor_test::Job;
using model_executor_test::kIn;
using model_executor_test::MlpInput;
using model_executor_test::MlpReference;
using model_executor_test::Started;
using reference_models::ModelBytes;

// A ModelExecutor over ONNX Runtime (one intra-op thread).
std::unique_ptr<ModelExecutor> NewExecutor(Clock* clock,
                                           ModelExecutorOptions options = {}) {
  EXPECT_NE(ort_test::Library(), nullptr);
  OrtSessionConfig config;
  config.intra_op_threads = 1;
  return std::make_unique<ModelExecutor>(
      clock, std::make_unique<OrtRuntime>(ort_test::Library(), config),
      std::move(options));
}

ExecRequest CostOnly(uint64_t id, Duration predicted) {
  ExecRequest req;
  req.job_id = id;
  req.predicted_time = predicted;
  req.predicted_energy_j = 0.25;
  return req;
}

// Calls submit(id, i) for i in [0, per_thread) on each of `threads`
// threads, id = thread · per_thread + i; returns once every thread is done.
void SubmitFromThreads(int threads, int per_thread,
                       const std::function<void(int id, int i)>& submit) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) submit(t * per_thread + i, i);
    });
  }
  for (std::thread& th : pool) th.join();
}

TEST(OrtExecutorQueueTest, CostOnlyJobsAreSimulatedLikeSimulatedExecutor) {
  ManualClock clock;
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
  ModelExecutor& ex = *owner;
  EXPECT_TRUE(ex.SupportsModel(""));
  Done done;
  ex.Start(CostOnly(1, std::chrono::seconds(2)), done.Callback());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(done.calls(), 0);
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(1));
  clock.Advance(std::chrono::seconds(1));
  // `done` ran inside Advance(), on this thread, as with SimulatedExecutor.
  ASSERT_EQ(done.calls(), 1);
  ExecResult r = done.Wait();
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.simulated);
  EXPECT_EQ(r.measured_time, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(r.energy_j, 0.25);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(2));
}

TEST(OrtExecutorQueueTest, AZeroTimeCostOnlyJobIsDoneInsideStart) {
  // As SimulatedExecutor does it: no timer, `done` on the caller's thread.
  ManualClock clock;
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
  ModelExecutor& ex = *owner;
  Done done;
  ex.Start(CostOnly(1, Duration{0}), done.Callback());
  ASSERT_EQ(done.calls(), 1);
  EXPECT_TRUE(done.Wait().simulated);
  EXPECT_EQ(clock.PendingTimers(), 0u);
  EXPECT_FALSE(ex.Cancel(1));
  EXPECT_EQ(ex.BusyTime(), Duration{0});
}

TEST(OrtExecutorQueueTest, ARunningCostOnlyJobCanBeCancelled) {
  ManualClock clock;
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
  ModelExecutor& ex = *owner;
  Done done;
  ex.Start(CostOnly(1, std::chrono::seconds(2)), done.Callback());
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(ex.Cancel(1));
  EXPECT_FALSE(ex.Cancel(1));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(done.calls(), 0);
  EXPECT_EQ(ex.BusyTime(), std::chrono::milliseconds(500));
}

TEST(OrtExecutorQueueTest, CancelsAQueuedJobButNotARunningModel) {
  ManualClock clock;
  Started started;
  started.Hold(1);  // job 1 stays running until Release()
  ModelExecutorOptions opt;
  opt.on_job_started = started.Hook();
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock, opt);
  ModelExecutor& ex = *owner;
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());

  Done d1, d2, d3, d4;
  const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
  ex.Start(Job(1, "mlp", {x}), d1.Callback());
  started.WaitFor(1);
  ex.Start(Job(2, "mlp", {x}), d2.Callback());
  ex.Start(Job(3, "mlp", {x}), d3.Callback());
  ex.Start(CostOnly(4, std::chrono::seconds(1)), d4.Callback());
  EXPECT_EQ(ex.QueuedJobs(), 3u);
  EXPECT_TRUE(ex.Cancel(2));   // queued: cancelled, `done` never runs
  EXPECT_FALSE(ex.Cancel(2));  // already gone
  EXPECT_FALSE(ex.Cancel(1));  // a running model cannot be stopped
  EXPECT_FALSE(ex.Cancel(99));
  EXPECT_EQ(ex.QueuedJobs(), 2u);

  started.Release();
  EXPECT_TRUE(d1.Wait().status.ok());
  ExecResult r3 = d3.Wait();
  ASSERT_TRUE(r3.status.ok()) << r3.status;
  ExpectNear(*Float32Values(r3.outputs[0]), MlpReference(MlpInput(1), 1), 1e-5);
  started.WaitFor(4);  // queued behind the models; now on the clock
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(d4.Wait().simulated);
  // The manual clock does not move while a model runs: busy = job 4 only.
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(1));
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2.calls(), 0);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_EQ(d4.calls(), 1);
}

TEST(OrtExecutorQueueTest, DestructorFailsQueuedJobsOnceEach) {
  ManualClock clock;
  Started started;
  Done d1, d2, d3;
  {
    ModelExecutorOptions opt;
    opt.on_job_started = started.Hook();
    std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock, opt);
    ModelExecutor& ex = *owner;
    ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
    ex.Start(CostOnly(1, std::chrono::hours(1)), d1.Callback());
    started.WaitFor(1);
    const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
    ex.Start(Job(2, "mlp", {x}), d2.Callback());
    ex.Start(Job(3, "mlp", {x}), d3.Callback());
  }  // joins the worker: every `done` has run by now
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2.calls(), 1);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_THAT(d1.Wait().status.message(),
              HasSubstr("shut down while the cost-only job was running"));
  EXPECT_THAT(d2.Wait().status.message(),
              HasSubstr("shut down before the job"));
  EXPECT_EQ(d3.Wait().status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(clock.PendingTimers(), 0u);  // job 1's timer was cancelled
  clock.Advance(std::chrono::hours(2));  // and nothing fires late
}

TEST(OrtExecutorQueueTest, JobsStartedFromDoneDuringShutdownAreFailedToo) {
  // At shutdown the scheduler answers a CANCELLED job by dispatching the next
  // one from inside `done`; that one must get its `done` as well.
  ManualClock clock;
  Started started;
  Done d1, d3;
  int d2_calls = 0;
  {
    ModelExecutorOptions opt;
    opt.on_job_started = started.Hook();
    std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock, opt);
    ModelExecutor& ex = *owner;
    ex.Start(CostOnly(1, std::chrono::hours(1)), d1.Callback());
    started.WaitFor(1);
    ex.Start(CostOnly(2, std::chrono::hours(1)), [&](const ExecResult& r) {
      ++d2_calls;  // on the worker thread, during the destructor
      EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled);
      ex.Start(CostOnly(3, std::chrono::hours(1)), d3.Callback());
    });
  }
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2_calls, 1);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_EQ(d3.Wait().status.code(), absl::StatusCode::kCancelled);
}

TEST(OrtExecutorQueueTest, DoneMayStartTheNextJob) {
  // The scheduler dispatches the next job from inside `done`.
  RealClock clock;
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
  ModelExecutor& ex = *owner;
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
  Done second;
  ex.Start(Job(1, "mlp", {x}), [&](const ExecResult& r) {
    EXPECT_TRUE(r.status.ok());
    ex.Start(Job(2, "mlp", {x}), second.Callback());
  });
  EXPECT_TRUE(second.Wait().status.ok());
}

TEST(OrtExecutorQueueTest, MixedJobsAndCancelsFromManyThreads) {
  // Model jobs and cost-only jobs (some of no time) share the device one at
  // a time: the simulated executor that runs the cost-only ones crashes if
  // handed one while another runs. Every job not cancelled is done once.
  constexpr int kThreads = 3, kPerThread = 60;
  std::vector<Done> done(kThreads * kPerThread);
  std::vector<char> cancelled(done.size(), 0);  // each set by one thread
  {
    RealClock clock;
    std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
    ModelExecutor& ex = *owner;
    ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
    SubmitFromThreads(kThreads, kPerThread, [&](int id, int i) {
      const Duration cost = std::chrono::microseconds(i % 3 == 1 ? 0 : 50);
      ex.Start(i % 3 == 0 ? Job(id, "mlp",
                                {MakeFloat32Tensor("x", {1, kIn}, MlpInput(1))})
                          : CostOnly(id, cost),
               done[id].Callback());
      if (i % 4 == 3) cancelled[id - 1] = ex.Cancel(id - 1);
    });
    for (size_t id = 0; id < done.size(); ++id) {
      if (cancelled[id]) continue;
      const ExecResult r = done[id].Wait();
      EXPECT_TRUE(r.status.ok()) << "job " << id << ": " << r.status;
    }
  }  // joined: no `done` runs after this
  for (size_t id = 0; id < done.size(); ++id) {
    EXPECT_EQ(done[id].calls(), cancelled[id] ? 0 : 1) << "job " << id;
  }
}

TEST(OrtExecutorQueueTest, ManyJobsFromManyThreadsEachDoneOnce) {
  RealClock clock;
  std::unique_ptr<ModelExecutor> owner = NewExecutor(&clock);
  ModelExecutor& ex = *owner;
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  constexpr int kThreads = 3, kPerThread = 40;
  absl::Mutex mu;
  std::vector<int> calls(kThreads * kPerThread, 0);
  int total = 0;
  SubmitFromThreads(kThreads, kPerThread, [&](int id, int) {
    ex.Start(Job(id, "mlp", {MakeFloat32Tensor("x", {1, kIn}, MlpInput(1))}),
             [&, id](const ExecResult& r) {
               EXPECT_TRUE(r.status.ok());
               absl::MutexLock l(&mu);
               ++calls[id];
               ++total;
             });
  });
  absl::MutexLock l(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == kThreads * kPerThread; }, &total));
  for (int c : calls) EXPECT_EQ(c, 1);
}

}  // namespace
}  // namespace joule
