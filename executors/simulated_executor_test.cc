#include "executors/simulated_executor.h"

#include <chrono>
#include <optional>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

ExecRequest Req(uint64_t job_id, Duration predicted, double energy_j = 0.25) {
  ExecRequest r;
  r.job_id = job_id;
  r.pstate = 1;
  r.predicted_time = predicted;
  r.predicted_energy_j = energy_j;
  return r;
}

TEST(SimulatedExecutorTest, CompletesExactlyAtThePredictedTime) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  const TimePoint t0 = clock.Now();
  std::optional<ExecResult> result;
  TimePoint done_at{};
  exec.Start(Req(7, milliseconds(10)), [&](const ExecResult& r) {
    result = r;
    done_at = clock.Now();
  });

  clock.Advance(microseconds(9999));
  EXPECT_FALSE(result.has_value());
  clock.Advance(microseconds(1));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(done_at, t0 + milliseconds(10));
  EXPECT_TRUE(result->status.ok());
  EXPECT_EQ(result->measured_time, milliseconds(10));
  EXPECT_DOUBLE_EQ(result->energy_j, 0.25);
  EXPECT_TRUE(result->simulated);
  EXPECT_TRUE(exec.simulated());
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedExecutorTest, BusyTimeCountsTheRunningJobUpToNow) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  EXPECT_EQ(exec.BusyTime(), Duration{0});
  exec.Start(Req(1, milliseconds(10)), [](const ExecResult&) {});
  clock.Advance(milliseconds(4));
  EXPECT_EQ(exec.BusyTime(), milliseconds(4));
  clock.Advance(milliseconds(100));  // done at 10 ms, then idle
  EXPECT_EQ(exec.BusyTime(), milliseconds(10));

  exec.Start(Req(2, milliseconds(5)), [](const ExecResult&) {});
  clock.Advance(milliseconds(2));
  EXPECT_EQ(exec.BusyTime(), milliseconds(12));  // 10 + 2
}

TEST(SimulatedExecutorTest, CancelBeforeCompletionStopsBusyTimeAndDone) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  bool done = false;
  exec.Start(Req(3, milliseconds(10)), [&](const ExecResult&) { done = true; });
  clock.Advance(milliseconds(4));

  EXPECT_FALSE(exec.Cancel(99));  // not the running job
  EXPECT_TRUE(exec.Cancel(3));
  EXPECT_FALSE(exec.Cancel(3));  // already gone
  clock.Advance(milliseconds(100));
  EXPECT_FALSE(done);
  EXPECT_EQ(exec.BusyTime(), milliseconds(4));
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedExecutorTest, CancelAfterCompletionReturnsFalse) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  int done = 0;
  exec.Start(Req(4, milliseconds(1)), [&](const ExecResult&) { ++done; });
  clock.Advance(milliseconds(1));
  EXPECT_FALSE(exec.Cancel(4));
  EXPECT_EQ(done, 1);
}

TEST(SimulatedExecutorTest, DoneMayStartTheNextJob) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  const TimePoint t0 = clock.Now();
  std::vector<TimePoint> finished;
  exec.Start(Req(1, milliseconds(3)), [&](const ExecResult&) {
    finished.push_back(clock.Now());
    exec.Start(Req(2, milliseconds(5)),
               [&](const ExecResult&) { finished.push_back(clock.Now()); });
  });
  clock.Advance(milliseconds(20));
  EXPECT_EQ(finished, (std::vector<TimePoint>{t0 + milliseconds(3),
                                              t0 + milliseconds(8)}));
  EXPECT_EQ(exec.BusyTime(), milliseconds(8));
}

TEST(SimulatedExecutorTest, ZeroPredictedTimeCompletesInsideStart) {
  ManualClock clock;
  SimulatedExecutor exec(&clock);
  bool done = false;
  exec.Start(Req(5, Duration{0}), [&](const ExecResult& r) {
    EXPECT_TRUE(r.status.ok());
    done = true;
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(clock.PendingTimers(), 0u);
  // The executor is free again.
  exec.Start(Req(6, Duration{0}), [](const ExecResult&) {});
}

TEST(SimulatedExecutorDeathTest, SecondStartWhileBusyCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        ManualClock clock;
        SimulatedExecutor exec(&clock);
        exec.Start(Req(1, milliseconds(10)), [](const ExecResult&) {});
        exec.Start(Req(2, milliseconds(10)), [](const ExecResult&) {});
      },
      "Start\\(job 2\\) while job 1 is running");
}

}  // namespace
}  // namespace joule
