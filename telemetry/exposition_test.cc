#include "telemetry/exposition.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace joule {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(FormatSampleValueTest, SpecialValues) {
  EXPECT_EQ(FormatSampleValue(kInf), "+Inf");
  EXPECT_EQ(FormatSampleValue(-kInf), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(FormatSampleValueTest, IntegersWithoutExponent) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(1e15), "1000000000000000");
  EXPECT_EQ(FormatSampleValue(9007199254740991.0), "9007199254740991");
}

TEST(FormatSampleValueTest, OtherValuesRoundTrip) {
  EXPECT_EQ(FormatSampleValue(0.005), "0.005");
  EXPECT_EQ(FormatSampleValue(2.5), "2.5");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(0.0005), "0.0005");
  EXPECT_EQ(FormatSampleValue(-0.25), "-0.25");
  EXPECT_EQ(FormatSampleValue(123456.789), "123456.789");
  EXPECT_EQ(FormatSampleValue(1e-5), "1e-05");
  EXPECT_EQ(FormatSampleValue(1e20), "1e+20");
  EXPECT_EQ(FormatSampleValue(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatSampleValue(123456789012345.5), "123456789012345.5");
  for (double v : {1.0 / 3, 1e300, -2.2250738585072014e-308, 6.02214076e23,
                   123456789.125, 1e-9}) {
    EXPECT_EQ(std::stod(FormatSampleValue(v)), v) << FormatSampleValue(v);
  }
}

TEST(EscapeTest, HelpEscapesBackslashAndNewlineOnly) {
  EXPECT_EQ(EscapeHelp("a\\b\nc\"d"), "a\\\\b\\nc\"d");
}

TEST(EscapeTest, LabelValueEscapesQuoteToo) {
  EXPECT_EQ(EscapeLabelValue("a\\b\nc\"d"), "a\\\\b\\nc\\\"d");
}

TEST(ExposeTextTest, EmptyRegistry) {
  Registry r;
  EXPECT_EQ(ExposeText(r), "");
}

TEST(ExposeTextTest, CountersAndGauges) {
  Registry r;
  auto& jobs = r.AddCounter("joule_jobs_total", "Jobs by \"state\".\nAll.",
                            {"device", "state"});
  jobs.WithLabels({"npu0", "completed"}).Inc(42);
  jobs.WithLabels({"cpu0", "fail\"ed\\\n"}).Inc(0.5);
  r.AddCounter("joule_errors_total", "Errors, a \\ backslash.");
  auto& temp = r.AddGauge("joule_temp_celsius", "Temperature.", {"zone"});
  temp.WithLabels({"a"}).Set(-kInf);
  temp.WithLabels({"b"}).Set(std::nan(""));
  temp.WithLabels({"c"}).Set(kInf);
  temp.WithLabels({"d"}).Set(36.6);
  r.AddGauge("joule_unused", "Labelled, no children.", {"device"});
  r.AddGauge("joule_up", "Up.").WithLabels({}).Set(1);

  EXPECT_EQ(ExposeText(r),
            "# HELP joule_jobs_total Jobs by \"state\".\\nAll.\n"
            "# TYPE joule_jobs_total counter\n"
            "joule_jobs_total{device=\"cpu0\",state=\"fail\\\"ed\\\\\\n\"} "
            "0.5\n"
            "joule_jobs_total{device=\"npu0\",state=\"completed\"} 42\n"
            "# HELP joule_errors_total Errors, a \\\\ backslash.\n"
            "# TYPE joule_errors_total counter\n"
            "joule_errors_total 0\n"
            "# HELP joule_temp_celsius Temperature.\n"
            "# TYPE joule_temp_celsius gauge\n"
            "joule_temp_celsius{zone=\"a\"} -Inf\n"
            "joule_temp_celsius{zone=\"b\"} NaN\n"
            "joule_temp_celsius{zone=\"c\"} +Inf\n"
            "joule_temp_celsius{zone=\"d\"} 36.6\n"
            "# HELP joule_unused Labelled, no children.\n"
            "# TYPE joule_unused gauge\n"
            "# HELP joule_up Up.\n"
            "# TYPE joule_up gauge\n"
            "joule_up 1\n");
}

TEST(ExposeTextTest, Histograms) {
  Registry r;
  auto& lat = r.AddHistogram("joule_latency_seconds", "Latency.", {"device"},
                             {0.005, 0.1, 1});
  Histogram& npu = lat.WithLabels({"npu\"0"});
  npu.Observe(0.001);
  npu.Observe(0.005);  // le is inclusive
  npu.Observe(0.5);
  npu.Observe(2);
  const std::string sum = FormatSampleValue(0.001 + 0.005 + 0.5 + 2);
  r.AddHistogram("joule_batch_size", "Batch.", {}, {1, 8});

  EXPECT_EQ(ExposeText(r),
            "# HELP joule_latency_seconds Latency.\n"
            "# TYPE joule_latency_seconds histogram\n"
            "joule_latency_seconds_bucket{device=\"npu\\\"0\",le=\"0.005\"} 2\n"
            "joule_latency_seconds_bucket{device=\"npu\\\"0\",le=\"0.1\"} 2\n"
            "joule_latency_seconds_bucket{device=\"npu\\\"0\",le=\"1\"} 3\n"
            "joule_latency_seconds_bucket{device=\"npu\\\"0\",le=\"+Inf\"} 4\n"
            "joule_latency_seconds_sum{device=\"npu\\\"0\"} " +
                sum + "\n" +
                "joule_latency_seconds_count{device=\"npu\\\"0\"} 4\n"
                "# HELP joule_batch_size Batch.\n"
                "# TYPE joule_batch_size histogram\n"
                "joule_batch_size_bucket{le=\"1\"} 0\n"
                "joule_batch_size_bucket{le=\"8\"} 0\n"
                "joule_batch_size_bucket{le=\"+Inf\"} 0\n"
                "joule_batch_size_sum 0\n"
                "joule_batch_size_count 0\n");
}

}  // namespace
}  // namespace joule
