#include "scheduler/frame_cache.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

HeldFrame Frame(uint64_t job, std::string digest = "d") {
  HeldFrame f;
  f.job_id = job;
  f.signal.digest = std::move(digest);
  return f;
}

TEST(FrameCacheTest, ForgetsTheLeastRecentlyUsedStreamBeyondItsBound) {
  FrameCache c(2);
  c.Remember("m", "a", Frame(1));
  c.Remember("m", "b", Frame(2));
  ASSERT_NE(c.Find("m", "a"), nullptr);  // a is now the most recent
  c.Remember("m", "c", Frame(3));
  EXPECT_EQ(c.size(), 2u);
  EXPECT_NE(c.Find("m", "a"), nullptr);
  EXPECT_EQ(c.Find("m", "b"), nullptr);
  EXPECT_NE(c.Find("m", "c"), nullptr);
}

TEST(FrameCacheTest, StreamsAreKeptPerModel) {
  FrameCache c(4);
  c.Remember("m1", "cam", Frame(1));
  c.Remember("m2", "cam", Frame(2));
  EXPECT_EQ(c.Find("m1", "cam")->job_id, 1u);
  EXPECT_EQ(c.Find("m2", "cam")->job_id, 2u);
  c.ForgetModel("m1");
  EXPECT_EQ(c.Find("m1", "cam"), nullptr);
  EXPECT_NE(c.Find("m2", "cam"), nullptr);
  EXPECT_EQ(c.size(), 1u);
}

TEST(FrameCacheTest, AnOlderJobDoesNotReplaceANewerOnesFrame) {
  FrameCache c(4);
  c.Remember("m", "cam", Frame(5, "new"));
  c.Remember("m", "cam", Frame(4, "old"));  // finished out of order
  EXPECT_EQ(c.Find("m", "cam")->signal.digest, "new");
  c.Remember("m", "cam", Frame(6, "newer"));
  EXPECT_EQ(c.Find("m", "cam")->signal.digest, "newer");
}

TEST(FrameCacheTest, CapacityZeroHoldsNothingAndShrinkingForgets) {
  FrameCache c(0);
  c.Remember("m", "a", Frame(1));
  EXPECT_EQ(c.size(), 0u);
  c.SetCapacity(3);
  for (uint64_t i = 1; i <= 3; ++i)
    c.Remember("m", std::to_string(i), Frame(i));
  c.SetCapacity(1);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_NE(c.Find("m", "3"), nullptr);  // the most recent stays
}

TEST(FrameCacheTest, BorrowedOutputsOutliveTheStream) {
  FrameCache c(1);
  HeldFrame f = Frame(1);
  f.outputs = std::make_shared<std::vector<Tensor>>(
      std::vector<Tensor>{MakeFloat32Tensor("y", {2}, {1.f, 2.f})});
  c.Remember("m", "a", std::move(f));
  std::vector<Tensor> out = FrameCache::Borrow(c.Find("m", "a")->outputs);
  c.Remember("m", "b", Frame(2));  // forgets "a"
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].bytes.borrowed());
  EXPECT_EQ(out[0].name, "y");
  EXPECT_EQ(*Float32Values(out[0]), (std::vector<float>{1.f, 2.f}));
}

}  // namespace
}  // namespace joule
