#include "telemetry/metrics.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CounterTest, IncrementsByOneAndByValue) {
  Counter c;
  EXPECT_EQ(c.Value(), 0);
  c.Inc();
  c.Inc(2.5);
  EXPECT_EQ(c.Value(), 3.5);
}

TEST(CounterTest, NegativeAndNanIncrementsAreDropped) {
  Counter c;
  c.Inc(4);
  c.Inc(-1);
  c.Inc(std::nan(""));
  EXPECT_EQ(c.Value(), 4);
}

TEST(CounterTest, ConcurrentIncrementsGiveExactTotal) {
  Counter c;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < kPerThread; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), static_cast<double>(kThreads) * kPerThread);
}

TEST(GaugeTest, SetAndAdd) {
  Gauge g;
  g.Set(10);
  g.Add(-2.5);
  EXPECT_EQ(g.Value(), 7.5);
  g.Set(-1);
  EXPECT_EQ(g.Value(), -1);
}

TEST(GaugeTest, ConcurrentAddsGiveExactTotal) {
  Gauge g;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&g, t] {
      for (int i = 0; i < 50000; ++i) g.Add(t % 2 == 0 ? 2 : -1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(g.Value(), 2 * 50000 * 2 - 2 * 50000);
}

TEST(HistogramTest, BucketBoundsAreInclusiveAndCumulative) {
  Histogram h({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 5.0, 6.0, 100.0}) h.Observe(v);
  const Histogram::Snapshot s = h.Snap();
  EXPECT_THAT(s.bounds, ElementsAre(1, 2, 5));
  // le=1: 0.5 1.0 | le=2: +1.5 2.0 | le=5: +4 5 | +Inf: +6 100
  EXPECT_THAT(s.cumulative_counts, ElementsAre(2, 4, 6, 8));
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.sum, 0.5 + 1 + 1.5 + 2 + 4 + 5 + 6 + 100);
}

TEST(HistogramTest, NanAndInfinityLandInTheInfBucket) {
  Histogram h({1});
  h.Observe(std::numeric_limits<double>::infinity());
  h.Observe(std::nan(""));
  h.Observe(-std::numeric_limits<double>::infinity());
  const Histogram::Snapshot s = h.Snap();
  EXPECT_THAT(s.cumulative_counts, ElementsAre(1, 3));
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(HistogramTest, TrailingInfBoundIsDropped) {
  Histogram h({0.1, std::numeric_limits<double>::infinity()});
  EXPECT_THAT(h.Snap().bounds, ElementsAre(0.1));
}

TEST(HistogramTest, NoBoundsMeansOnlyTheInfBucket) {
  Histogram h({});
  h.Observe(3);
  EXPECT_THAT(h.Snap().cumulative_counts, ElementsAre(1));
}

TEST(HistogramTest, ConcurrentObservesAreAllCounted) {
  Histogram h({10, 100});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 30000; ++i) h.Observe(i % 3 == 0 ? 5 : 50);
    });
  }
  for (auto& t : threads) t.join();
  const Histogram::Snapshot s = h.Snap();
  EXPECT_THAT(s.cumulative_counts, ElementsAre(40000, 120000, 120000));
  EXPECT_EQ(s.sum, 40000 * 5.0 + 80000 * 50.0);
}

TEST(ExponentialBucketsTest, MultipliesByFactor) {
  EXPECT_THAT(ExponentialBuckets(0.001, 10, 4),
              ElementsAre(0.001, 0.001 * 10, 0.001 * 100, 0.001 * 1000));
}

TEST(NameTest, PrometheusRules) {
  EXPECT_TRUE(IsValidMetricName("joule_jobs_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName("a b"));
  EXPECT_TRUE(IsValidLabelName("device"));
  EXPECT_TRUE(IsValidLabelName("_x"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("9a"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(RegistryTest, WithLabelsReturnsTheSameChild) {
  Registry r;
  auto& f = r.AddCounter("joule_jobs_total", "Jobs.", {"device", "state"});
  Counter& a = f.WithLabels({"npu0", "completed"});
  Counter& b = f.WithLabels({"npu0", "completed"});
  Counter& c = f.WithLabels({"npu0", "failed"});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  a.Inc();
  EXPECT_EQ(b.Value(), 1);
  EXPECT_EQ(c.Value(), 0);
}

TEST(RegistryTest, UnlabelledFamiliesHaveTheirChildAtOnce) {
  Registry r;
  auto& g = r.AddGauge("joule_up", "Up.");
  int children = 0;
  g.ForEach([&](const LabelValues& v, const Gauge&) {
    EXPECT_THAT(v, IsEmpty());
    ++children;
  });
  EXPECT_EQ(children, 1);
  auto& labelled = r.AddGauge("joule_temp_celsius", "T.", {"device"});
  labelled.ForEach([&](const LabelValues&, const Gauge&) { ++children; });
  EXPECT_EQ(children, 1);
}

TEST(RegistryTest, HistogramChildrenShareTheFamilyBounds) {
  Registry r;
  auto& f =
      r.AddHistogram("joule_latency_seconds", "L.", {"device"}, {0.01, 0.1});
  Histogram& h = f.WithLabels({"cpu0"});
  h.Observe(0.05);
  EXPECT_THAT(h.Snap().bounds, ElementsAre(0.01, 0.1));
  EXPECT_THAT(h.Snap().cumulative_counts, ElementsAre(0, 1, 1));
}

TEST(RegistryTest, FamiliesInRegistrationOrder) {
  Registry r;
  r.AddGauge("b", "");
  r.AddCounter("a_total", "");
  r.AddHistogram("c_seconds", "", {}, {1});
  std::vector<std::string> names;
  for (const FamilyBase* f : r.Families()) names.push_back(f->name());
  EXPECT_THAT(names, ElementsAre("b", "a_total", "c_seconds"));
  EXPECT_EQ(r.Families()[2]->type(), MetricType::kHistogram);
}

using RegistryDeathTest = ::testing::Test;

TEST_F(RegistryDeathTest, CrashesOnBadNames) {
  Registry r;
  EXPECT_DEATH(r.AddCounter("bad-name", "h"), "invalid metric name");
  EXPECT_DEATH(r.AddCounter("1x", "h"), "invalid metric name");
  EXPECT_DEATH(r.AddGauge("g", "h", {"bad label"}), "invalid label name");
  EXPECT_DEATH(r.AddGauge("g", "h", {"__reserved"}), "invalid label name");
  EXPECT_DEATH(r.AddGauge("g", "h", {"a", "a"}), "duplicate label name");
  EXPECT_DEATH(r.AddHistogram("h_seconds", "h", {"le"}, {1}), "\"le\" label");
}

TEST_F(RegistryDeathTest, CrashesOnDuplicatesAndClashes) {
  Registry r;
  r.AddCounter("x_total", "h");
  r.AddHistogram("lat_seconds", "h", {}, {1});
  EXPECT_DEATH(r.AddCounter("x_total", "h"), "clashes");
  EXPECT_DEATH(r.AddGauge("x_total", "h"), "clashes");
  EXPECT_DEATH(r.AddGauge("lat_seconds_count", "h"), "clashes");
  r.AddGauge("q_sum", "h");
  EXPECT_DEATH(r.AddHistogram("q", "h", {}, {1}), "clashes");
}

TEST_F(RegistryDeathTest, CrashesOnWrongLabelCount) {
  Registry r;
  auto& f = r.AddCounter("y_total", "h", {"a", "b"});
  EXPECT_DEATH(f.WithLabels({"only one"}), "1 label values for 2");
}

TEST_F(RegistryDeathTest, CrashesOnBadBounds) {
  EXPECT_DEATH(Histogram({2, 1}), "not strictly increasing");
  EXPECT_DEATH(Histogram({1, 1}), "not strictly increasing");
  EXPECT_DEATH(Histogram({std::nan("")}), "not finite");
  EXPECT_DEATH(ExponentialBuckets(0, 2, 3), "ExponentialBuckets");
}

}  // namespace
}  // namespace joule
