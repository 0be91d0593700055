#include "platform/linux/host_calibration.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

TEST(BlockedSgemmTest, MatchesANaiveProduct) {
  const int n = kBlockedGemmMultiple;
  std::vector<float> a(n * n), b(n * n), c(n * n, -1.f);
  for (int i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>((i * 7) % 13 - 6) * 0.125f;
    b[i] = static_cast<float>((i * 5) % 11 - 5) * 0.25f;
  }
  for (int threads : {1, 2}) {
    BlockedSgemm(n, a.data(), b.data(), c.data(), threads);
    for (int i = 0; i < n; i += 17) {
      for (int j = 0; j < n; ++j) {
        double want = 0;
        for (int k = 0; k < n; ++k) want += double{a[i * n + k]} * b[k * n + j];
        // Every product and partial sum is exact in float (small dyadic
        // values), whatever the summation order.
        ASSERT_EQ(c[i * n + j], static_cast<float>(want))
            << "(" << i << "," << j << ") kernel " << BlockedSgemmKernelName();
      }
    }
  }
}

TEST(HostCalibrationTest, QuickRunGivesSaneNumbers) {
  HostCalibrationOptions opt;
  opt.quick = true;
  absl::StatusOr<HostCalibration> cal = CalibrateHost(opt);
  ASSERT_TRUE(cal.ok()) << cal.status();
  std::printf("host calibration (quick): %s\n", cal->Summary().c_str());
  EXPECT_GE(cal->peak_fp32_ops_per_s, 1e8);
  EXPECT_LE(cal->peak_fp32_ops_per_s, 1e13);
  EXPECT_GE(cal->mem_bw_bytes_per_s, 1e8);
  EXPECT_LE(cal->mem_bw_bytes_per_s, 1e12);
  EXPECT_GE(cal->threads, 1);
  EXPECT_DOUBLE_EQ(cal->peak_fp32_ops_per_s, cal->gemm_blocked_ops_per_s);
  // Bounded: well under a second even on a loaded 2-core host.
  EXPECT_LT(ToSeconds(cal->duration), 2.0);
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

// The full calibration (< 5 s), for the record:
//   devices_host_calibration_test --gtest_also_run_disabled_tests
//     --gtest_filter='*FullRun*'
TEST(HostCalibrationTest, DISABLED_FullRun) {
  absl::StatusOr<HostCalibration> cal = CalibrateHost();
  ASSERT_TRUE(cal.ok()) << cal.status();
  std::printf("host calibration: %s\n", cal->Summary().c_str());
  EXPECT_LT(ToSeconds(cal->duration), 5.0);
}

}  // namespace
}  // namespace joule
