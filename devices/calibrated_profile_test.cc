#include "devices/calibrated_profile.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "devices/profile_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The repo's own default profile, with its comments.
std::string DefaultProfilePath() {
  const char* src = std::getenv("JOULE_SOURCE_DIR");
  return absl::StrCat(src ? src : ".", "/devices/profiles/rk3588.yaml");
}

HostCalibration Measured() {
  HostCalibration cal;
  cal.peak_fp32_ops_per_s = 1.234e11;
  cal.mem_bw_bytes_per_s = 2.5e10;
  cal.threads = 2;
  return cal;
}

TEST(CalibratedProfileTest, ReplacesTheCpuNumbersAndKeepsTheRest) {
  const std::string in(DefaultProfileYaml());
  absl::StatusOr<std::string> out =
      CalibratedProfileText(in, "rk3588.yaml", "cpu0", Measured(), "HEADER");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, StartsWith("# HEADER\n"));
  absl::StatusOr<std::vector<DeviceSpec>> before = ParseProfile(in, "in");
  absl::StatusOr<std::vector<DeviceSpec>> after = ParseProfile(*out, "out");
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    const DeviceSpec& a = (*after)[i];
    const DeviceSpec& b = (*before)[i];
    if (a.name == "cpu0") {
      EXPECT_DOUBLE_EQ(a.peak_ops(Precision::kFp32), 1.234e11);
      EXPECT_DOUBLE_EQ(a.mem_bw_bytes_per_s, 2.5e10);
      EXPECT_EQ(a.compute_efficiency, 1.0);
      EXPECT_EQ(a.mem_bw_efficiency, 1.0);
      // Everything else of the CPU stays.
      EXPECT_EQ(a.peak_ops(Precision::kInt8), b.peak_ops(Precision::kInt8));
      EXPECT_EQ(a.pstates.size(), b.pstates.size());
      EXPECT_EQ(a.dispatch_overhead_s, b.dispatch_overhead_s);
    } else {  // other devices untouched
      EXPECT_EQ(a.peak_ops_per_s, b.peak_ops_per_s);
      EXPECT_EQ(a.mem_bw_bytes_per_s, b.mem_bw_bytes_per_s);
      EXPECT_EQ(a.compute_efficiency, b.compute_efficiency);
    }
  }
  // Comments survive; the edited lines say they were measured.
  EXPECT_THAT(*out, HasSubstr("# Device profile: Rockchip RK3588-class"));
  EXPECT_THAT(*out,
              HasSubstr("fp32: 1.234e+11  # measured (jouled --calibrate)"));
  EXPECT_THAT(*out, HasSubstr("mem_bw_bytes_per_s: 2.5e+10  # measured"));
  EXPECT_THAT(*out, HasSubstr("fp16: 4.224e11  # 4 * 2.4 * 32"));
}

TEST(CalibratedProfileTest, AddsMissingEfficiencyKeys) {
  const std::string in =
      "devices:\n"
      "  - name: host\n"
      "    kind: cpu\n"
      "    pstates:\n"
      "      - {freq_khz: 1000000, voltage_mv: 900, dynamic_power_w: 5}\n"
      "    static_power_w: 1\n"
      "    peak_ops_per_s: {fp32: 1e10, int8: 4e10}\n"
      "    mem_bw_bytes_per_s: 1e10\n"
      "    thermal:\n"
      "      resistance_c_per_w: 1\n"
      "      capacitance_j_per_c: 1\n";
  absl::StatusOr<std::string> out =
      CalibratedProfileText(in, "host.yaml", "host", Measured(), "H");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, HasSubstr("peak_ops_per_s: {fp32: 1.234e+11, int8: 4e10}"));
  EXPECT_THAT(*out, HasSubstr("\n    compute_efficiency: 1.0  # jouled"));
  EXPECT_THAT(*out, HasSubstr("\n    mem_bw_efficiency: 1.0  # jouled"));
  absl::StatusOr<std::vector<DeviceSpec>> specs = ParseProfile(*out, "out");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_DOUBLE_EQ((*specs)[0].peak_ops(Precision::kInt8), 4e10);
}

TEST(CalibratedProfileTest, Errors) {
  const std::string in(DefaultProfileYaml());
  EXPECT_EQ(
      CalibratedProfileText(in, "p", "cpu9", Measured(), "H").status().code(),
      absl::StatusCode::kNotFound);
  absl::Status s =
      CalibratedProfileText(in, "p", "gpu0", Measured(), "H").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("not cpu"));
  HostCalibration zero;
  EXPECT_EQ(CalibratedProfileText(in, "p", "cpu0", zero, "H").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(
      CalibratedProfileText("devices: [", "p", "cpu0", Measured(), "H").ok());
}

TEST(CalibratedProfileTest, WritesAFileThatLoads) {
  HostCalibrationOptions opt;
  opt.quick = true;
  absl::StatusOr<HostCalibration> cal = CalibrateHost(opt);
  ASSERT_TRUE(cal.ok()) << cal.status();
  char dir[] = "/tmp/joule_calib_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string out = absl::StrCat(dir, "/calibrated.yaml");
  ASSERT_TRUE(
      WriteCalibratedProfile(DefaultProfilePath(), "cpu0", *cal, out).ok());
  absl::StatusOr<std::vector<DeviceSpec>> specs = LoadProfileFile(out);
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_NEAR((*specs)[0].peak_ops(Precision::kFp32), cal->peak_fp32_ops_per_s,
              cal->peak_fp32_ops_per_s * 1e-5);
  EXPECT_NEAR((*specs)[0].mem_bw_bytes_per_s, cal->mem_bw_bytes_per_s,
              cal->mem_bw_bytes_per_s * 1e-5);
  std::ifstream f(out);
  std::string first;
  std::getline(f, first);
  EXPECT_THAT(first, StartsWith("# Calibrated by jouled --calibrate on "));
  EXPECT_THAT(first, HasSubstr("(device cpu0): peak fp32 "));

  // Empty input: the embedded default profile.
  ASSERT_TRUE(WriteCalibratedProfile("", "cpu0", *cal, out).ok());
  ASSERT_TRUE(LoadProfileFile(out).ok());

  absl::Status missing = WriteCalibratedProfile(absl::StrCat(dir, "/nope.yaml"),
                                                "cpu0", *cal, out);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("nope.yaml"));
  std::remove(out.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace joule
