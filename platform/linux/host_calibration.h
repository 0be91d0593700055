// Host calibration: what the host CPU really achieves, measured with two
// microbenchmarks (`jouled --calibrate`; docs/ARCHITECTURE.md, "Cost
// model": the roofline needs peak ops/s and memory bandwidth, and measured
// numbers beat datasheet guesses). devices/calibrated_profile.h writes them
// into a device profile.
//
//   peak FP32   a cache-blocked SGEMM of our own (packed A and B panels,
//               an AVX-512 / AVX2+FMA / portable register-blocked
//               micro-kernel picked at run time, rows of C split over
//               `threads` threads). ops = 2·n³ per GEMM; best of several
//               runs.
//   memory BW   a STREAM-triad kernel a[i] = b[i] + s·c[i] over three
//               double arrays far larger than the last-level cache, split
//               over `threads` threads; bytes = 3 · array bytes per pass
//               (STREAM's convention: two reads and one write, write-
//               allocate traffic not counted); best of several passes.
//
// Wall time comes from std::chrono::steady_clock, not an injected Clock: a
// microbenchmark measures the real machine or nothing.
//
// The full run takes well under 5 s on a 2-core x86 host; `quick` (tests)
// under 0.5 s with smaller problems and fewer repetitions (its numbers are
// rougher: the STREAM arrays are only 3 × 32 MiB).
//
// Thread-safe: the functions keep no state; CalibrateHost starts its own
// threads and joins them before returning. Running two at once measures
// each other.
#ifndef JOULE_PLATFORM_LINUX_HOST_CALIBRATION_H_
#define JOULE_PLATFORM_LINUX_HOST_CALIBRATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/clock.h"

namespace joule {

struct HostCalibrationOptions {
  // Threads for both kernels; 0: std::thread::hardware_concurrency().
  int threads = 0;
  // Small problems, few repetitions: for tests (< 0.5 s).
  bool quick = false;
};

struct HostCalibration {
  double peak_fp32_ops_per_s = 0;  // the blocked GEMM below
  double mem_bw_bytes_per_s = 0;   // STREAM triad, best pass
  int threads = 0;
  Duration duration{0};  // wall time of the whole calibration

  // The details behind the two headline numbers.
  double gemm_blocked_ops_per_s = 0;
  int gemm_blocked_n = 0;         // square matrix size
  std::string gemm_kernel;        // "avx512", "avx2+fma" or "portable"
  double stream_array_bytes = 0;  // per array
  int stream_passes = 0;

  // One line for logs: "peak fp32 1.23e+11 ops/s (blocked avx2+fma
  // n=1536 ...), mem bw 2.0e+10 B/s (triad 3 x 64 MiB ...), 2 threads, 1.2 s".
  std::string Summary() const;
};

// Runs both microbenchmarks. Internal only if memory for the arrays cannot
// be had.
absl::StatusOr<HostCalibration> CalibrateHost(
    const HostCalibrationOptions& options = {});

// The blocked SGEMM behind the peak figure: C = A·B, row-major n×n.
// REQUIRES: n > 0 and n % kBlockedGemmMultiple == 0; threads >= 1.
// Exposed so the test can check it against a naive product.
inline constexpr int kBlockedGemmMultiple = 192;
void BlockedSgemm(int n, const float* a, const float* b, float* c, int threads);
// The micro-kernel BlockedSgemm runs on this machine.
const char* BlockedSgemmKernelName();

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_HOST_CALIBRATION_H_
