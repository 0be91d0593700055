// The event engine as the simulator uses it: ManualClock ordering, ties,
// cancellation, periodic ticks, and daemon timers interleaved with ours.
#include "sim/engine.h"

#include <chrono>
#include <string>
#include <vector>

#include "executors/simulated_executor.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

TEST(EventEngineTest, EventsRunInTimeOrderAtTheirTime) {
  EventEngine e;
  std::vector<std::pair<int, Duration>> ran;
  for (int ms : {30, 10, 20}) {
    e.At(milliseconds(ms), [&, ms] { ran.emplace_back(ms, e.Now()); });
  }
  e.RunUntil(milliseconds(25));
  ASSERT_EQ(ran.size(), 2u);
  EXPECT_EQ(ran[0], std::make_pair(10, Duration(milliseconds(10))));
  EXPECT_EQ(ran[1], std::make_pair(20, Duration(milliseconds(20))));
  EXPECT_EQ(e.Now(), milliseconds(25));
  e.RunUntil(milliseconds(30));  // an event due exactly then runs
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran[2].first, 30);
}

TEST(EventEngineTest, TiesRunInSchedulingOrderAndNewTiesRunLast) {
  EventEngine e;
  std::string order;
  e.At(milliseconds(5), [&] {
    order += "a";
    // Scheduled while "b" and "c" wait at the same instant: runs after them.
    e.At(milliseconds(5), [&] { order += "d"; });
  });
  e.At(milliseconds(5), [&] { order += "b"; });
  e.At(milliseconds(5), [&] { order += "c"; });
  e.RunUntil(milliseconds(5));
  EXPECT_EQ(order, "abcd");
}

TEST(EventEngineTest, PastEventsRunAtTheNextStepWithoutMovingTimeBack) {
  EventEngine e;
  e.RunUntil(milliseconds(10));
  Duration seen{-1};
  e.At(milliseconds(3), [&] { seen = e.Now(); });
  e.RunUntil(milliseconds(10));
  EXPECT_EQ(seen, milliseconds(10));
}

TEST(EventEngineTest, CancelledEventsNeverRun) {
  EventEngine e;
  int ran = 0;
  const TimerId id = e.At(milliseconds(1), [&] { ++ran; });
  e.At(milliseconds(1), [&] { ran += 10; });
  EXPECT_TRUE(e.Cancel(id));
  EXPECT_FALSE(e.Cancel(id));  // already gone
  e.RunUntil(milliseconds(2));
  EXPECT_EQ(ran, 10);
  // An event may cancel a later one at its own instant.
  TimerId later = 0;
  e.At(milliseconds(3), [&] { EXPECT_TRUE(e.Cancel(later)); });
  later = e.At(milliseconds(3), [&] { ran += 100; });
  e.RunUntil(milliseconds(3));
  EXPECT_EQ(ran, 10);
  EXPECT_EQ(e.Pending(), 0u);
}

TEST(EventEngineTest, EveryTicksAtExactMultiplesUntilItSaysStop) {
  EventEngine e;
  std::vector<Duration> at;
  const Duration third(333333333);  // 1/3 s in ns: no drift over many ticks
  e.Every(third, third, [&] {
    at.push_back(e.Now());
    return at.size() < 3000;
  });
  EXPECT_TRUE(e.RunUntilTrue([&] { return e.Pending() == 0; }));
  ASSERT_EQ(at.size(), 3000u);
  EXPECT_EQ(at.front(), third);
  EXPECT_EQ(at.back(), third * 3000);
}

TEST(EventEngineTest, RunUntilTrueStopsAtThePredicateOrWhenIdle) {
  EventEngine e;
  int n = 0;
  for (int i = 1; i <= 5; ++i) e.At(milliseconds(i), [&] { ++n; });
  EXPECT_TRUE(e.RunUntilTrue([&] { return n == 2; }));
  EXPECT_EQ(e.Now(), milliseconds(2));
  EXPECT_FALSE(e.RunUntilTrue([&] { return n == 99; }));  // ran out
  EXPECT_EQ(n, 5);
}

TEST(EventEngineTest, DaemonTimersInterleaveWithSimulatorEvents) {
  // A SimulatedExecutor completes on the same clock: an arrival scheduled
  // before the job started wins the tie at the completion instant, one
  // scheduled after loses it.
  EventEngine e;
  SimulatedExecutor exec(e.clock());
  std::string order;
  e.At(milliseconds(5), [&] { order += "early-arrival,"; });
  ExecRequest req;
  req.job_id = 1;
  req.predicted_time = milliseconds(5);
  exec.Start(req, [&](const ExecResult& r) {
    order += "done,";
    EXPECT_EQ(e.Now(), milliseconds(5));
    EXPECT_EQ(r.measured_time, milliseconds(5));
  });
  e.At(milliseconds(5), [&] { order += "late-arrival,"; });
  e.RunUntil(milliseconds(4));
  EXPECT_EQ(exec.BusyTime(), milliseconds(4));
  e.RunUntil(milliseconds(5));
  EXPECT_EQ(order, "early-arrival,done,late-arrival,");
}

}  // namespace
}  // namespace joule
