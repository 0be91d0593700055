// CpuOnnxExecutor's queue: cost-only jobs simulated as SimulatedExecutor
// does, cancelling queued and running jobs, shutting down with jobs queued
// or running, and `done` starting the next job. The models and their inputs:
// cpu_onnx_executor_test.cc.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "executors/cpu_onnx_executor.h"
#include "executors/cpu_onnx_test_helpers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cpu_onnx/cpu_models.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

using cpu_models::ModelBytes;
using cpu_onnx_test::Done;
using cpu_onnx_test::ExpectNear;
using cpu_onnx_test::Job;
using cpu_onnx_test::kIn;
using cpu_onnx_test::MlpInput;
using cpu_onnx_test::MlpReference;
using cpu_onnx_test::Started;

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

TEST(CpuOnnxExecutorQueueTest, CostOnlyJobsAreSimulatedLikeSimulatedExecutor) {
  ManualClock clock;
  CpuOnnxExecutor ex(&clock);
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

TEST(CpuOnnxExecutorQueueTest, AZeroTimeCostOnlyJobIsDoneInsideStart) {
  // As SimulatedExecutor does it: no timer, `done` on the caller's thread.
  ManualClock clock;
  CpuOnnxExecutor ex(&clock);
  Done done;
  ex.Start(CostOnly(1, Duration{0}), done.Callback());
  ASSERT_EQ(done.calls(), 1);
  EXPECT_TRUE(done.Wait().simulated);
  EXPECT_EQ(clock.PendingTimers(), 0u);
  EXPECT_FALSE(ex.Cancel(1));
  EXPECT_EQ(ex.BusyTime(), Duration{0});
}

TEST(CpuOnnxExecutorQueueTest, ARunningCostOnlyJobCanBeCancelled) {
  ManualClock clock;
  CpuOnnxExecutor ex(&clock);
  Done done;
  ex.Start(CostOnly(1, std::chrono::seconds(2)), done.Callback());
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(ex.Cancel(1));
  EXPECT_FALSE(ex.Cancel(1));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(done.calls(), 0);
  EXPECT_EQ(ex.BusyTime(), std::chrono::milliseconds(500));
}

TEST(CpuOnnxExecutorQueueTest, CancelsAQueuedJobButNotARunningModel) {
  ManualClock clock;
  Started started;
  started.Hold(1);  // job 1 stays running until Release()
  CpuOnnxExecutorOptions opt;
  opt.on_job_started = started.Hook();
  CpuOnnxExecutor ex(&clock, opt);
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
  // The manual clock does not move while a net runs: busy = job 4 only.
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(1));
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2.calls(), 0);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_EQ(d4.calls(), 1);
}

TEST(CpuOnnxExecutorQueueTest, DestructorFailsQueuedJobsOnceEach) {
  ManualClock clock;
  Started started;
  Done d1, d2, d3;
  {
    CpuOnnxExecutorOptions opt;
    opt.on_job_started = started.Hook();
    CpuOnnxExecutor ex(&clock, opt);
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

TEST(CpuOnnxExecutorQueueTest, JobsStartedFromDoneDuringShutdownAreFailedToo) {
  // At shutdown the scheduler answers a CANCELLED job by dispatching the next
  // one from inside `done`; that one must get its `done` as well.
  ManualClock clock;
  Started started;
  Done d1, d3;
  int d2_calls = 0;
  {
    CpuOnnxExecutorOptions opt;
    opt.on_job_started = started.Hook();
    CpuOnnxExecutor ex(&clock, opt);
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

TEST(CpuOnnxExecutorQueueTest, DoneMayStartTheNextJob) {
  // The scheduler dispatches the next job from inside `done`.
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
  Done second;
  ex.Start(Job(1, "mlp", {x}), [&](const ExecResult& r) {
    EXPECT_TRUE(r.status.ok());
    ex.Start(Job(2, "mlp", {x}), second.Callback());
  });
  EXPECT_TRUE(second.Wait().status.ok());
}

TEST(CpuOnnxExecutorQueueTest, MixedJobsAndCancelsFromManyThreads) {
  // Model jobs and cost-only jobs (some of no time) share the device one at
  // a time: the simulated executor that runs the cost-only ones crashes if
  // handed one while another runs. Every job not cancelled is done once.
  constexpr int kThreads = 3, kPerThread = 60;
  std::vector<Done> done(kThreads * kPerThread);
  std::vector<char> cancelled(done.size(), 0);  // each set by one thread
  {
    RealClock clock;
    CpuOnnxExecutor ex(&clock);
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

TEST(CpuOnnxExecutorQueueTest, ManyJobsFromManyThreadsEachDoneOnce) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
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
