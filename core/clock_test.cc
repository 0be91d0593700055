#include "core/clock.h"

#include <cstdint>
#include <map>
#include <utility>
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

// The queue against a sorted map of (when, id), under a fixed pseudo-random
// mix of adds (with many equal times), removes of pending and of finished
// ids, and pops: the same timers come out in the same order, Remove says
// the same, and Size agrees throughout (removed entries are dropped lazily
// and by rebuilds, which this mix triggers).
TEST(TimerQueueTest, MatchesASortedReference) {
  TimerQueue q;
  std::map<std::pair<TimePoint, TimerId>, int> ref;
  std::map<TimerId, TimePoint> when;
  uint64_t x = 12345;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  TimePoint now{};
  int issued = 0;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t op = next() % 10;
    if (op < 5) {
      const TimePoint t = now + std::chrono::microseconds(next() % 50);
      const int tag = issued++;
      const TimerId id = q.Add(t, [] {});
      ref.emplace(std::make_pair(t, id), tag);
      when.emplace(id, t);
    } else if (op < 8) {
      const TimerId id = 1 + next() % (issued + 1);  // sometimes unknown
      auto it = when.find(id);
      const bool pending = it != when.end();
      ASSERT_EQ(q.Remove(id), pending) << id;
      if (pending) {
        ref.erase({it->second, id});
        when.erase(it);
      }
    } else {
      now += std::chrono::microseconds(next() % 20);
      TimePoint t;
      Clock::Callback cb;
      while (q.PopDue(now, &t, &cb)) {
        ASSERT_FALSE(ref.empty());
        ASSERT_EQ(t, ref.begin()->first.first);
        when.erase(ref.begin()->first.second);
        ref.erase(ref.begin());
        ASSERT_TRUE(cb);
      }
      ASSERT_TRUE(ref.empty() || ref.begin()->first.first > now);
    }
    ASSERT_EQ(q.Size(), ref.size());
    ASSERT_EQ(q.Empty(), ref.empty());
    if (!ref.empty()) {
      ASSERT_EQ(q.Earliest(), ref.begin()->first.first);
    }
  }
}

// Equal due times come out in the order they were added, across removes.
TEST(TimerQueueTest, EqualTimesKeepAddOrder) {
  TimerQueue q;
  const TimePoint t{};
  std::vector<int> ran;
  std::vector<TimerId> ids;
  for (int i = 0; i < 200; ++i) {
    ids.push_back(q.Add(t, [&ran, i] { ran.push_back(i); }));
  }
  std::vector<int> expected;
  for (int i = 0; i < 200; ++i) {
    if (i % 3 == 0) {
      ASSERT_TRUE(q.Remove(ids[i]));
    } else {
      expected.push_back(i);
    }
  }
  TimePoint when;
  Clock::Callback cb;
  while (q.PopDue(t, &when, &cb)) cb();
  EXPECT_EQ(ran, expected);
  EXPECT_TRUE(q.Empty());
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
