#include "core/clock.h"

#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

TEST(ManualClockTest, RunsTimersInTimeOrderWithTiesInScheduleOrder) {
  ManualClock clock;
  const TimePoint t0 = clock.Now();
  std::vector<int> order;
  clock.RunAt(t0 + std::chrono::seconds(2), [&] { order.push_back(3); });
  clock.RunAt(t0 + std::chrono::seconds(1), [&] { order.push_back(1); });
  clock.RunAt(t0 + std::chrono::seconds(1), [&] { order.push_back(2); });
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(clock.Now(), t0 + std::chrono::seconds(6));
}

TEST(ManualClockTest, NowIsTheTimerDueTimeInsideItsCallback) {
  ManualClock clock;
  const TimePoint due = clock.Now() + std::chrono::milliseconds(250);
  TimePoint seen{};
  clock.RunAt(due, [&] { seen = clock.Now(); });
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(seen, due);
}

TEST(ManualClockTest, CallbacksMayScheduleTimersThatRunInTheSameAdvance) {
  ManualClock clock;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    clock.RunAfter(std::chrono::milliseconds(100), tick);
  };
  clock.RunAfter(std::chrono::milliseconds(100), tick);
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(ticks, 10);
  EXPECT_EQ(clock.PendingTimers(), 1u);
}

TEST(ManualClockTest, CancelledTimerNeverRuns) {
  ManualClock clock;
  bool ran = false;
  TimerId id = clock.RunAfter(std::chrono::seconds(1), [&] { ran = true; });
  EXPECT_TRUE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(id));
  clock.Advance(std::chrono::seconds(2));
  EXPECT_FALSE(ran);
}

TEST(ManualClockTest, RunNextJumpsToTheNextTimer) {
  ManualClock clock;
  const TimePoint t0 = clock.Now();
  int ran = 0;
  clock.RunAt(t0 + std::chrono::hours(3), [&] { ++ran; });
  EXPECT_TRUE(clock.RunNext());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(clock.Now(), t0 + std::chrono::hours(3));
  EXPECT_FALSE(clock.RunNext());
}

TEST(RealClockTest, RunsAPastDueTimerOnItsThread) {
  RealClock clock;
  std::mutex mu;
  std::condition_variable cv;
  bool ran = false;
  clock.RunAt(clock.Now() - std::chrono::seconds(1), [&] {
    std::lock_guard<std::mutex> l(mu);
    ran = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return ran; });
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace joule
