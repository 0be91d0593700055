// The cost model against published latencies (sim/cost_check.h): every row
// within kCostCheckTolerance on the embedded RK3588 profile, the doc's table
// is the one the code prints, and the per-row device is derived as said.
// To regenerate the doc's tables: run this test
// (--gtest_filter=CostCheckTest.TheDocHoldsTheTableTheCodePrints); it prints
// them.
#include "sim/cost_check.h"

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "core/yaml_util.h"
#include "devices/profile_loader.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

std::vector<DeviceSpec> DefaultProfile() {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  EXPECT_TRUE(specs.ok()) << specs.status();
  return specs.ok() ? *specs : std::vector<DeviceSpec>{};
}

TEST(CostCheckTest, EveryPublishedRowIsPredictedWithinTolerance) {
  absl::StatusOr<std::vector<CostCheckRow>> rows = PredictAll(DefaultProfile());
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), PublishedLatencies().size());
  for (const CostCheckRow& r : *rows) {
    SCOPED_TRACE(std::string(r.published.id));
    EXPECT_LE(std::abs(r.error), kCostCheckTolerance)
        << r.published.model << " on " << r.published.device << ": published "
        << r.published.published_ms << " ms, predicted " << r.predicted_ms
        << " ms";
  }
}

TEST(CostCheckTest, RowsCoverEveryDeviceWithUniqueIdsAndSources) {
  std::set<std::string_view> ids, devices;
  for (const PublishedLatency& p : PublishedLatencies()) {
    SCOPED_TRACE(std::string(p.id));
    EXPECT_TRUE(ids.insert(p.id).second);
    devices.insert(p.device);
    EXPECT_GT(p.published_ms, 0);
    EXPECT_EQ(p.source.substr(0, 4), "http") << p.source;
    EXPECT_FALSE(p.measured.empty());
    EXPECT_EQ(p.npu_cores > 0, p.device == "npu0");
  }
  EXPECT_EQ(devices, (std::set<std::string_view>{"cpu0", "gpu0", "npu0"}));
}

TEST(CostCheckTest, TheDocHoldsTheTableTheCodePrints) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  absl::StatusOr<std::vector<CostCheckRow>> rows = PredictAll(DefaultProfile());
  ASSERT_TRUE(rows.ok()) << rows.status();
  const std::string table = CostCheckMarkdown(*rows);
  // The generator: this test's output is the doc's tables.
  std::cout << table;
  absl::StatusOr<std::string> doc =
      ReadTextFile(std::string(dir) + "/docs/COST_MODEL_CHECK.md");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(absl::StrContains(*doc, table))
      << "docs/COST_MODEL_CHECK.md is out of date; its tables should read:\n"
      << table;
}

// SpecForRow: n of the three NPU cores keep n/3 of every peak; nothing else
// changes; a CPU/GPU row (0 cores) runs on the device as it is.
TEST(CostCheckTest, SpecForRowScalesOnlyPeakOpsByTheCoresUsed) {
  DeviceSpec npu;
  npu.name = "npu0";
  npu.peak_ops_per_s = {0, 1.5e12, 6e12, 6e12};
  npu.mem_bw_bytes_per_s = 3e10;
  npu.dispatch_overhead_s = 1e-3;
  npu.sram_bytes = 1000;
  struct Case {
    int cores;
    double int8_peak;
    double fp16_peak;
  };
  for (const Case& c : {Case{0, 6e12, 1.5e12}, Case{1, 2e12, 0.5e12},
                        Case{2, 4e12, 1e12}, Case{3, 6e12, 1.5e12}}) {
    SCOPED_TRACE(c.cores);
    const DeviceSpec d = SpecForRow(npu, c.cores);
    EXPECT_DOUBLE_EQ(d.peak_ops(Precision::kInt8), c.int8_peak);
    EXPECT_DOUBLE_EQ(d.peak_ops(Precision::kFp16), c.fp16_peak);
    EXPECT_EQ(d.peak_ops(Precision::kFp32), 0);
    EXPECT_EQ(d.mem_bw_bytes_per_s, 3e10);
    EXPECT_EQ(d.dispatch_overhead_s, 1e-3);
    EXPECT_EQ(d.sram_bytes, 1000);
  }
}

TEST(CostCheckTest, PredictionIsTheCostModelsRunTimeAtTheMeasuredPrecision) {
  const std::vector<DeviceSpec> profile = DefaultProfile();
  PublishedLatency row = PublishedLatencies().front();  // npu-1, INT8
  absl::StatusOr<CostCheckRow> r = PredictLatency(row, profile);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->estimate.precision, Precision::kInt8);
  EXPECT_EQ(r->estimate.pstate, 7);  // the NPU's top P-state
  EXPECT_DOUBLE_EQ(r->predicted_ms, r->estimate.exec_s * 1e3);
  EXPECT_DOUBLE_EQ(r->error, r->predicted_ms / row.published_ms - 1);

  // The same run at FP16 is slower on the NPU (a quarter of the INT8 peak,
  // twice the bytes): the row's precision is the one predicted.
  row.precision = Precision::kFp16;
  absl::StatusOr<CostCheckRow> fp16 = PredictLatency(row, profile);
  ASSERT_TRUE(fp16.ok()) << fp16.status();
  EXPECT_EQ(fp16->estimate.precision, Precision::kFp16);
  EXPECT_GT(fp16->predicted_ms, r->predicted_ms);
}

TEST(CostCheckTest, UnknownModelDeviceOrPrecisionIsAnError) {
  const std::vector<DeviceSpec> profile = DefaultProfile();
  PublishedLatency row = PublishedLatencies().front();
  row.model = "no_such_model";
  EXPECT_EQ(PredictLatency(row, profile).status().code(),
            absl::StatusCode::kNotFound);
  row = PublishedLatencies().front();
  row.device = "tpu0";
  EXPECT_EQ(PredictLatency(row, profile).status().code(),
            absl::StatusCode::kNotFound);
  row = PublishedLatencies().front();
  row.precision = Precision::kInt4;  // the catalogue offers no INT4 ops
  EXPECT_EQ(PredictLatency(row, profile).status().code(),
            absl::StatusCode::kInvalidArgument);
  row = PublishedLatencies().front();
  row.device = "cpu0";
  row.npu_cores = 0;
  row.precision = Precision::kInt8;
  EXPECT_TRUE(PredictLatency(row, profile).ok());  // the CPU has INT8
  row.device = "npu0";
  row.npu_cores = 1;
  row.precision = Precision::kFp32;  // no FP32 on the NPU
  EXPECT_EQ(PredictLatency(row, profile).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace joule
