// Random numbers, arrival processes and the load definition. Rates are
// checked against their expectation within a few standard deviations for a
// fixed seed, so the tests are exact (deterministic) yet meaningful.
#include "sim/workload.h"

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

// |count − expected| ≤ k·sqrt(expected) (Poisson standard deviation).
void ExpectPoissonCount(double count, double expected, double k = 4) {
  EXPECT_NEAR(count, expected, k * std::sqrt(expected))
      << "expected " << expected;
}

ModelSpec Model(const std::string& name, double rate, double deadline_ms = 0) {
  ModelSpec m;
  m.name = name;
  m.rate_per_s = rate;
  m.deadline_ms = deadline_ms;
  m.cost.ops_by_precision = {1e7, 0, 0, 0};
  return m;
}

std::vector<size_t> Counts(const Trace& t, size_t models) {
  std::vector<size_t> c(models);
  for (const Arrival& a : t.arrivals) ++c[a.model];
  return c;
}

TEST(SimRngTest, RepeatableAndUniform) {
  SimRng a(42), b(42), c(43);
  EXPECT_EQ(a.Next(), b.Next());
  EXPECT_NE(a.Next(), c.Next());
  SimRng r(7);
  double sum = 0, lo = 1, hi = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = r.Uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_NEAR(sum / n, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1 - 1e-3);
}

TEST(SimRngTest, ExponentialHasTheRightMeanAndSpread) {
  SimRng r(1);
  const int n = 200000;
  const double rate = 4;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.Exponential(rate);
    ASSERT_GT(x, 0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.25, 4 * 0.25 / std::sqrt(n));
  const double sd = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(sd / mean, 1.0, 0.02);  // CV of an exponential is 1
}

TEST(SimRngTest, PickFollowsTheWeights) {
  SimRng r(3);
  std::vector<int> c(3);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++c[r.Pick({1, 0, 3})];
  EXPECT_EQ(c[1], 0);
  ExpectPoissonCount(c[0], n * 0.25);
  ExpectPoissonCount(c[2], n * 0.75);
}

TEST(SimRngTest, DerivedSeedsDiffer) {
  std::set<uint64_t> seeds;
  for (uint64_t s = 0; s < 4; ++s) {
    for (uint64_t k = 0; k < 4; ++k) seeds.insert(DeriveSeed(s, k));
  }
  EXPECT_EQ(seeds.size(), 16u);
}

TEST(WorkloadTest, PoissonRatesAndDeadlines) {
  const std::vector<ModelSpec> models = {Model("fast", 50, 20),
                                         Model("slow", 5)};
  const Trace t =
      GenerateTrace(models, WorkloadParams{}, std::chrono::seconds(1000), 1);
  EXPECT_FALSE(t.closed_loop);
  const std::vector<size_t> c = Counts(t, 2);
  ExpectPoissonCount(c[0], 50000);
  ExpectPoissonCount(c[1], 5000);
  for (size_t i = 1; i < t.arrivals.size(); ++i) {
    ASSERT_LE(t.arrivals[i - 1].time, t.arrivals[i].time);
  }
  EXPECT_LT(t.arrivals.back().time, std::chrono::seconds(1000));
  for (const Arrival& a : t.arrivals) {
    ASSERT_EQ(a.deadline_ms, a.model == 0 ? 20 : 0);
  }
}

TEST(WorkloadTest, SameSeedSameTraceAndModelsHaveIndependentStreams) {
  std::vector<ModelSpec> models = {Model("a", 20), Model("b", 20)};
  const Duration d = std::chrono::seconds(100);
  const Trace t1 = GenerateTrace(models, WorkloadParams{}, d, 9);
  const Trace t2 = GenerateTrace(models, WorkloadParams{}, d, 9);
  const Trace t3 = GenerateTrace(models, WorkloadParams{}, d, 10);
  ASSERT_EQ(t1.arrivals.size(), t2.arrivals.size());
  for (size_t i = 0; i < t1.arrivals.size(); ++i) {
    ASSERT_EQ(t1.arrivals[i].time, t2.arrivals[i].time);
  }
  EXPECT_NE(t1.arrivals[0].time, t3.arrivals[0].time);
  // Adding a model leaves the others' arrival times alone.
  models.insert(models.begin(), Model("new", 7));
  const Trace t4 = GenerateTrace(models, WorkloadParams{}, d, 9);
  std::vector<Duration> a1, a4;
  for (const Arrival& a : t1.arrivals) {
    if (a.model == 1) a1.push_back(a.time);
  }
  for (const Arrival& a : t4.arrivals) {
    if (a.model == 2) a4.push_back(a.time);
  }
  EXPECT_EQ(a1, a4);
}

TEST(WorkloadTest, BurstyKeepsTheMeanRateAndIsBursty) {
  WorkloadParams p;
  p.kind = WorkloadKind::kBursty;
  p.on_s = 2;
  p.off_s = 3;
  const double T = 5000;
  const Trace t = GenerateTrace({Model("m", 10)}, p, SecondsToDuration(T), 5);
  // ~1000 on/off cycles: the ON share varies by ~2%, so a wide tolerance.
  EXPECT_NEAR(static_cast<double>(t.arrivals.size()), 10 * T, 0.08 * 10 * T);
  // Counts per second: Poisson would give variance ≈ mean; on/off gives
  // far more (silent seconds and 2.5x seconds).
  std::vector<double> bins(static_cast<size_t>(T));
  for (const Arrival& a : t.arrivals)
    bins[static_cast<size_t>(ToSeconds(a.time))]++;
  double mean = 0, var = 0;
  for (double b : bins) mean += b / bins.size();
  for (double b : bins) var += (b - mean) * (b - mean) / bins.size();
  EXPECT_GT(var / mean, 5);
  const size_t silent = std::count(bins.begin(), bins.end(), 0.0);
  EXPECT_GT(silent, bins.size() / 4);  // OFF phases cover ~60% of the time
}

TEST(WorkloadTest, DiurnalFollowsTheDay) {
  WorkloadParams p;
  p.kind = WorkloadKind::kDiurnal;
  p.period_s = 1000;
  p.amplitude = 0.8;
  const Trace t =
      GenerateTrace({Model("m", 20)}, p, std::chrono::seconds(1000), 2);
  ExpectPoissonCount(t.arrivals.size(), 20000);
  size_t night = 0, noon = 0;
  for (const Arrival& a : t.arrivals) {
    const double s = ToSeconds(a.time);
    night += s < 100;
    noon += s >= 450 && s < 550;
  }
  // λ ∫ (1 − 0.8 cos(2πt/1000)) dt over [0,100) and [450,550):
  const double k = 0.8 * 1000 / (2 * M_PI);
  ExpectPoissonCount(night, 20 * (100 - k * std::sin(0.2 * M_PI)));
  ExpectPoissonCount(
      noon, 20 * (100 - k * (std::sin(1.1 * M_PI) - std::sin(0.9 * M_PI))));
}

TEST(WorkloadTest, ServerUsesTheLatencyBound) {
  WorkloadParams p;
  p.kind = WorkloadKind::kServer;
  ModelSpec a = Model("a", 10, 30);
  a.latency_bound_ms = 50;
  const Trace t =
      GenerateTrace({a, Model("b", 10, 40)}, p, std::chrono::seconds(100), 3);
  ExpectPoissonCount(t.arrivals.size(), 2000);
  for (const Arrival& x : t.arrivals) {
    ASSERT_EQ(x.deadline_ms, x.model == 0 ? 50 : 40);
  }
}

TEST(WorkloadTest, OfflineIssuesEverythingAtZeroInterleaved) {
  WorkloadParams p;
  p.kind = WorkloadKind::kOffline;
  const Trace t = GenerateTrace({Model("a", 3, 10), Model("b", 1, 10)}, p,
                                std::chrono::seconds(2), 3);
  ASSERT_EQ(t.arrivals.size(), 8u);  // 6 + 2
  std::string order;
  for (const Arrival& a : t.arrivals) {
    EXPECT_EQ(a.time, Duration{0});
    EXPECT_EQ(a.deadline_ms, 0);
    order += a.model ? "b" : "a";
  }
  EXPECT_EQ(order, "aabaaaba");  // a at (k+½)/6, b at ¼ and ¾
}

TEST(WorkloadTest, SingleStreamIsClosedLoopDrawnByRate) {
  WorkloadParams p;
  p.kind = WorkloadKind::kSingleStream;
  const std::vector<ModelSpec> models = {Model("a", 30, 33), Model("b", 10)};
  const Trace t = GenerateTrace(models, p, std::chrono::seconds(10), 3);
  EXPECT_TRUE(t.closed_loop);
  EXPECT_TRUE(t.arrivals.empty());
  SingleStreamSource src(models, t.closed_loop_seed);
  int a = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    const Arrival x = src.Next(std::chrono::seconds(i));
    ASSERT_EQ(x.time, std::chrono::seconds(i));
    ASSERT_EQ(x.deadline_ms, 0);
    a += x.model == 0;
  }
  ExpectPoissonCount(a, n * 0.75);
}

// One device doing 1e9 ops/s at its top P-state (half that below).
DeviceSpec OneGigaOp(const std::string& name, DeviceKind kind) {
  DeviceSpec d;
  d.name = name;
  d.kind = kind;
  d.pstates = {PState{500000, 800, 1}, PState{1000000, 900, 2}};
  d.peak_ops_per_s = {1e9, 0, 0, 0};
  d.mem_bw_bytes_per_s = 1e12;
  return d;
}

TEST(WorkloadTest, OfferedLoadAndScaling) {
  // 1e7 ops at 1e9 ops/s = 10 ms; 30/s → 0.3; 2e7 ops (20 ms) at 5/s → 0.1.
  ModelSpec big = Model("big", 5);
  big.cost.ops_by_precision = {2e7, 0, 0, 0};
  const std::vector<ModelSpec> models = {Model("small", 30), big};
  const std::vector<DeviceSpec> devs = {OneGigaOp("cpu0", DeviceKind::kCpu)};
  absl::StatusOr<std::vector<ModelLoad>> loads = ModelLoads(models, devs);
  ASSERT_TRUE(loads.ok()) << loads.status();
  EXPECT_DOUBLE_EQ((*loads)[0].t_min_s, 0.01);
  EXPECT_DOUBLE_EQ((*loads)[0].load, 0.3);
  EXPECT_EQ((*loads)[1].best_device, "cpu0");
  EXPECT_DOUBLE_EQ(*OfferedLoad(models, devs), 0.4);
  absl::StatusOr<std::vector<ModelSpec>> scaled =
      ScaleToUtilization(models, devs, 0.6);
  ASSERT_TRUE(scaled.ok());
  EXPECT_DOUBLE_EQ((*scaled)[0].rate_per_s, 45);
  EXPECT_DOUBLE_EQ((*scaled)[1].rate_per_s, 7.5);
  EXPECT_NEAR(*OfferedLoad(*scaled, devs), 0.6, 1e-12);
}

TEST(WorkloadTest, ModelThatRunsNowhereIsAnError) {
  ModelSpec m = Model("gpu_only", 1);
  m.allowed_kinds = {DeviceKind::kGpu};
  absl::StatusOr<double> rho =
      OfferedLoad({m}, {OneGigaOp("cpu0", DeviceKind::kCpu)});
  ASSERT_FALSE(rho.ok());
  EXPECT_THAT(std::string(rho.status().message()),
              HasSubstr("'gpu_only' cannot run on any device"));
}

}  // namespace
}  // namespace joule
