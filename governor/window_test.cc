#include "governor/window.h"

#include <chrono>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(SlidingWindowTest, EmptyWindowHasZeroStatistics) {
  SlidingWindow w(seconds(5));
  EXPECT_TRUE(w.Empty());
  EXPECT_EQ(w.Count(), 0u);
  EXPECT_EQ(w.Mean(), 0.0);
  EXPECT_EQ(w.Stddev(), 0.0);
}

TEST(SlidingWindowTest, MeanAndPopulationStddevMatchHandValues) {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 4, stddev 2.
  SlidingWindow w(seconds(60));
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  for (size_t i = 0; i < values.size(); ++i) {
    w.Add(kT0 + seconds(i), values[i]);
  }
  EXPECT_EQ(w.Count(), 8u);
  EXPECT_DOUBLE_EQ(w.Mean(), 5.0);
  EXPECT_DOUBLE_EQ(w.Stddev(), 2.0);
}

TEST(SlidingWindowTest, SingleSampleHasZeroStddev) {
  SlidingWindow w(seconds(1));
  w.Add(kT0, 0.7);
  EXPECT_DOUBLE_EQ(w.Mean(), 0.7);
  EXPECT_EQ(w.Stddev(), 0.0);
}

TEST(SlidingWindowTest, EvictsSamplesOlderThanTheWindow) {
  SlidingWindow w(seconds(1));
  w.Add(kT0, 1.0);
  w.Add(kT0 + milliseconds(500), 0.0);
  EXPECT_EQ(w.Count(), 2u);
  EXPECT_DOUBLE_EQ(w.Mean(), 0.5);
  // A sample exactly one window old is kept...
  w.Add(kT0 + seconds(1), 0.0);
  EXPECT_EQ(w.Count(), 3u);
  // ...and one older than that is gone.
  w.Add(kT0 + milliseconds(1001), 0.0);
  EXPECT_EQ(w.Count(), 3u);
  EXPECT_DOUBLE_EQ(w.Mean(), 0.0);
  EXPECT_EQ(w.Stddev(), 0.0);
}

TEST(SlidingWindowTest, ALongGapEmptiesTheWindowDownToTheNewSample) {
  SlidingWindow w(seconds(1));
  for (int i = 0; i < 10; ++i) w.Add(kT0 + milliseconds(100 * i), 0.9);
  w.Add(kT0 + seconds(60), 0.1);
  EXPECT_EQ(w.Count(), 1u);
  EXPECT_DOUBLE_EQ(w.Mean(), 0.1);
  EXPECT_EQ(w.Stddev(), 0.0);
}

TEST(SlidingWindowTest, ShorterWindowTakesEffectOnTheNextAdd) {
  SlidingWindow w(seconds(10));
  for (int i = 0; i < 10; ++i) w.Add(kT0 + seconds(i), i);
  EXPECT_EQ(w.Count(), 10u);
  w.set_window(seconds(2));
  EXPECT_EQ(w.window(), seconds(2));
  w.Add(kT0 + seconds(10), 10);  // keeps 8, 9, 10
  EXPECT_EQ(w.Count(), 3u);
  EXPECT_DOUBLE_EQ(w.Mean(), 9.0);
}

TEST(SlidingWindowTest, ClearEmptiesIt) {
  SlidingWindow w(seconds(10));
  w.Add(kT0, 3);
  w.Clear();
  EXPECT_TRUE(w.Empty());
  w.Add(kT0 + seconds(1), 5);
  EXPECT_DOUBLE_EQ(w.Mean(), 5.0);
}

TEST(SlidingWindowTest, LargeOffsetKeepsItsPrecision) {
  // Naive Σv² − n·μ² loses everything at 1e9; the shifted sums do not.
  SlidingWindow w(seconds(60));
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  for (size_t i = 0; i < values.size(); ++i) {
    w.Add(kT0 + seconds(i), 1e9 + values[i]);
  }
  EXPECT_DOUBLE_EQ(w.Mean(), 1e9 + 5.0);
  EXPECT_NEAR(w.Stddev(), 2.0, 1e-6);
}

TEST(SlidingWindowTest, ConstantSeriesNeverHasNegativeOrNanVariance) {
  SlidingWindow w(milliseconds(500));
  for (int i = 0; i < 100000; ++i) {
    w.Add(kT0 + milliseconds(10 * i), 0.1);
    const double sd = w.Stddev();
    ASSERT_FALSE(std::isnan(sd)) << i;
    ASSERT_GE(sd, 0.0) << i;
  }
  EXPECT_EQ(w.Count(), 51u);
  EXPECT_NEAR(w.Mean(), 0.1, 1e-12);
  EXPECT_NEAR(w.Stddev(), 0.0, 1e-9);
}

TEST(SlidingWindowTest, NoDriftAfterMillionsOfAddsAndEvictions) {
  // A rolling window over a long, noisy run agrees with a direct
  // computation over the samples it retains.
  SlidingWindow w(seconds(1));
  std::vector<double> all;
  uint64_t x = 88172645463325252ull;  // xorshift: deterministic noise
  const int n = 2000000;
  for (int i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double v =
        (i % 1000 < 500 ? 1e6 : 0.0) + static_cast<double>(x % 1000) / 1000.0;
    all.push_back(v);
    w.Add(kT0 + milliseconds(i), v);
  }
  ASSERT_EQ(w.Count(), 1001u);
  double sum = 0;
  for (int i = n - 1001; i < n; ++i) sum += all[i];
  const double mean = sum / 1001;
  double sq = 0;
  for (int i = n - 1001; i < n; ++i) sq += (all[i] - mean) * (all[i] - mean);
  EXPECT_NEAR(w.Mean(), mean, 1e-6);
  EXPECT_NEAR(w.Stddev(), std::sqrt(sq / 1001), 1e-6);
}

}  // namespace
}  // namespace joule
