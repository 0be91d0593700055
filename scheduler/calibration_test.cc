#include "scheduler/calibration.h"

#include <cmath>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

const CalibrationKey kMlpCpu{"mlp", "cpu0", 6};

// A deterministic ±`amp` relative jitter (no RNG: the test must not flake).
double Jitter(int i, double amp) { return 1.0 + amp * std::sin(1.7 * i); }

TEST(CalibrationTest, ColdStartReturnsTheAnalyticValue) {
  Calibration cal;
  EXPECT_DOUBLE_EQ(cal.Correct(kMlpCpu, 0.010), 0.010);  // unknown key
  EXPECT_FALSE(cal.Stats(kMlpCpu).has_value());
  cal.Record(kMlpCpu, 0.010, 0.030);
  cal.Record(kMlpCpu, 0.010, 0.030);
  // Two of three cold-start samples: still the roofline.
  EXPECT_DOUBLE_EQ(cal.Correct(kMlpCpu, 0.010), 0.010);
  EXPECT_FALSE(cal.Stats(kMlpCpu)->warm);
  cal.Record(kMlpCpu, 0.010, 0.030);
  EXPECT_TRUE(cal.Stats(kMlpCpu)->warm);
  EXPECT_NEAR(cal.Correct(kMlpCpu, 0.010), 0.030, 1e-12);
}

TEST(CalibrationTest, ConvergesToAConstantRatio) {
  Calibration cal;
  for (int i = 0; i < 60; ++i) {
    // The device is 2.5x slower than the roofline says, with ±3 % noise;
    // predictions vary (different batch sizes), the ratio does not.
    const double predicted = 0.001 * (1 + i % 4);
    cal.Record(kMlpCpu, predicted, 2.5 * predicted * Jitter(i, 0.03));
  }
  EXPECT_NEAR(cal.Factor(kMlpCpu), 2.5, 2.5 * 0.02);
  EXPECT_NEAR(cal.Correct(kMlpCpu, 0.004), 0.010, 0.010 * 0.02);
  const CalibrationStats st = *cal.Stats(kMlpCpu);
  EXPECT_EQ(st.outliers, 0u);
  EXPECT_EQ(st.accepted, 60u);
}

TEST(CalibrationTest, FollowsAFasterDevice) {
  Calibration cal;
  for (int i = 0; i < 40; ++i) cal.Record(kMlpCpu, 1.0, 0.4 * Jitter(i, 0.02));
  EXPECT_NEAR(cal.Factor(kMlpCpu), 0.4, 0.4 * 0.02);
}

TEST(CalibrationTest, IgnoresA100xOutlier) {
  Calibration cal;
  for (int i = 0; i < 20; ++i)
    cal.Record(kMlpCpu, 0.01, 0.02 * Jitter(i, 0.02));
  const double before = cal.Factor(kMlpCpu);
  ASSERT_NEAR(before, 2.0, 0.04);
  // A page-fault storm / preemption: 100x the usual time, once.
  const CalibrationSample s = cal.Record(kMlpCpu, 0.01, 2.0);
  EXPECT_TRUE(s.used);
  EXPECT_TRUE(s.outlier);
  EXPECT_NEAR(s.raw_ratio, 200.0, 1e-9);
  EXPECT_NEAR(s.corrected_ratio, 200.0 / before, 1e-9);
  EXPECT_DOUBLE_EQ(cal.Factor(kMlpCpu), before);
  EXPECT_EQ(cal.Stats(kMlpCpu)->outliers, 1u);
  // And a 100x too fast one (a cached result, a clock glitch).
  EXPECT_TRUE(cal.Record(kMlpCpu, 0.01, 0.0002).outlier);
  EXPECT_DOUBLE_EQ(cal.Factor(kMlpCpu), before);
}

TEST(CalibrationTest, AnOutlierAmongTheFirstSamplesDoesNotPoisonTheStart) {
  Calibration cal;
  cal.Record(kMlpCpu, 0.01, 1.0);  // 100x, before any outlier test can run
  cal.Record(kMlpCpu, 0.01, 0.02);
  cal.Record(kMlpCpu, 0.01, 0.02);
  // Warm on the median of {100, 2, 2}, not the mean.
  EXPECT_NEAR(cal.Factor(kMlpCpu), 2.0, 1e-9);
  for (int i = 0; i < 10; ++i) cal.Record(kMlpCpu, 0.01, 0.02);
  EXPECT_NEAR(cal.Factor(kMlpCpu), 2.0, 1e-9);
}

TEST(CalibrationTest, ALastingChangeIsLearnt) {
  Calibration cal;
  for (int i = 0; i < 20; ++i) cal.Record(kMlpCpu, 1.0, 1.0 * Jitter(i, 0.01));
  // Thermal throttling halves the speed for good: the first few samples
  // look like outliers, then the window's median moves and they are learnt.
  for (int i = 0; i < 40; ++i) cal.Record(kMlpCpu, 1.0, 2.0 * Jitter(i, 0.01));
  EXPECT_NEAR(cal.Factor(kMlpCpu), 2.0, 2.0 * 0.03);
  EXPECT_GT(cal.Stats(kMlpCpu)->outliers, 0u);
}

TEST(CalibrationTest, KeysAreIndependent) {
  Calibration cal;
  const CalibrationKey other_pstate{"mlp", "cpu0", 2};
  const CalibrationKey other_device{"mlp", "npu0", 6};
  const CalibrationKey other_model{"cnn", "cpu0", 6};
  for (int i = 0; i < 10; ++i) {
    cal.Record(kMlpCpu, 1.0, 3.0);
    cal.Record(other_pstate, 1.0, 5.0);
    cal.Record(other_device, 1.0, 0.5);
  }
  EXPECT_NEAR(cal.Factor(kMlpCpu), 3.0, 1e-9);
  EXPECT_NEAR(cal.Factor(other_pstate), 5.0, 1e-9);
  EXPECT_NEAR(cal.Factor(other_device), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(cal.Factor(other_model), 1.0);
  EXPECT_EQ(cal.Snapshot().size(), 3u);
  cal.ForgetModel("mlp");
  EXPECT_TRUE(cal.Snapshot().empty());
  EXPECT_DOUBLE_EQ(cal.Factor(kMlpCpu), 1.0);
}

TEST(CalibrationTest, BadSamplesAreIgnored) {
  Calibration cal;
  EXPECT_FALSE(cal.Record(kMlpCpu, 0, 1.0).used);
  EXPECT_FALSE(cal.Record(kMlpCpu, 1.0, 0).used);
  EXPECT_FALSE(cal.Record(kMlpCpu, 1.0, std::nan("")).used);
  EXPECT_FALSE(cal.Record(kMlpCpu, -1.0, 1.0).used);
  EXPECT_EQ(cal.Stats(kMlpCpu)->ignored, 4u);
  EXPECT_EQ(cal.Stats(kMlpCpu)->accepted, 0u);
  EXPECT_DOUBLE_EQ(cal.Correct(kMlpCpu, 0.5), 0.5);
}

TEST(CalibrationTest, ExtremeRatiosAreClamped) {
  Calibration cal;
  for (int i = 0; i < 5; ++i) cal.Record(kMlpCpu, 1e-9, 1e3);  // 1e12x
  EXPECT_NEAR(cal.Factor(kMlpCpu), 1000.0, 1e-6);
}

TEST(CalibrationTest, ConcurrentRecordsAndReads) {
  Calibration cal;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cal, t] {
      const CalibrationKey key{"m", "d", t % 2};
      for (int i = 0; i < 500; ++i) {
        cal.Record(key, 1.0, 2.0);
        (void)cal.Correct(key, 1.0);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(cal.Stats({"m", "d", 0})->accepted, 1000u);
  EXPECT_NEAR(cal.Factor({"m", "d", 1}), 2.0, 1e-9);
}

TEST(CalibrationTest, BucketsAreIncreasingAndSymmetricInLogSpace) {
  const std::vector<double> b = PredictionErrorRatioBuckets();
  ASSERT_EQ(b.size(), 14u);
  for (size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  for (size_t i = 0; i < b.size(); ++i) {
    EXPECT_NEAR(std::log(b[i]), -std::log(b[b.size() - 1 - i]), 0.06);
  }
}

}  // namespace
}  // namespace joule
