#include "core/work_queue.h"

#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::ElementsAre;

TEST(WorkQueueTest, RunsClosuresInOrderOffTheCallingThread) {
  WorkQueue q("test", 8);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<int> ran;  // written by the worker only; read after Stop
  std::vector<bool> off_caller;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(q.TryPost([&, i] {
      ran.push_back(i);
      off_caller.push_back(std::this_thread::get_id() != caller);
    }));
  }
  q.Stop();  // runs what was queued
  EXPECT_THAT(ran, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(off_caller, ElementsAre(true, true, true, true, true));
}

TEST(WorkQueueTest, RefusesBeyondItsBoundAndAfterStop) {
  WorkQueue q("test", 2);
  absl::Notification running, release;
  ASSERT_TRUE(q.TryPost([&] {
    running.Notify();
    release.WaitForNotification();
  }));
  running.WaitForNotification();  // the worker holds the first closure
  int ran = 0;
  EXPECT_TRUE(q.TryPost([&] { ++ran; }));
  EXPECT_TRUE(q.TryPost([&] { ++ran; }));
  EXPECT_FALSE(q.TryPost([&] { ++ran; }));  // two already wait
  release.Notify();
  q.Stop();
  EXPECT_EQ(ran, 2);
  EXPECT_FALSE(q.TryPost([&] { ++ran; }));
  q.Stop();  // idempotent
}

TEST(WorkQueueTest, AClosureMayPostMore) {
  WorkQueue q("test", 4);
  absl::Notification second;
  ASSERT_TRUE(
      q.TryPost([&] { EXPECT_TRUE(q.TryPost([&] { second.Notify(); })); }));
  second.WaitForNotification();
}

}  // namespace
}  // namespace joule
