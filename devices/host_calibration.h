// Host calibration: what the host CPU really achieves, measured with two
// microbenchmarks, and a device profile rewritten with those numbers
// (`jouled --calibrate`; DESIGN.md, "The cost model": the roofline needs
// peak ops/s and memory bandwidth, and measured numbers beat datasheet
// guesses).
//
//   peak FP32   the better of (a) a cache-blocked SGEMM of our own (packed
//               A and B panels, an AVX-512 / AVX2+FMA / portable register-
//               blocked micro-kernel picked at run time, rows of C split
//               over `threads` threads) and (b) OpenCV's cv::gemm (which
//               calls the system BLAS: on Debian's reference netlib BLAS it
//               is slow, kept as a second opinion). ops = 2·n³ per GEMM;
//               best of several runs.
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
#ifndef JOULE_DEVICES_HOST_CALIBRATION_H_
#define JOULE_DEVICES_HOST_CALIBRATION_H_

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
  double peak_fp32_ops_per_s = 0;  // max of the two GEMMs below
  double mem_bw_bytes_per_s = 0;   // STREAM triad, best pass
  int threads = 0;
  Duration duration{0};  // wall time of the whole calibration

  // The details behind the two headline numbers.
  double gemm_blocked_ops_per_s = 0;
  double gemm_opencv_ops_per_s = 0;
  int gemm_blocked_n = 0;  // square matrix size of each GEMM
  int gemm_opencv_n = 0;
  std::string gemm_kernel;  // "avx512", "avx2+fma" or "portable"
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

// Reads the profile at `profile_in` (empty: the embedded default profile,
// DefaultProfileYaml()), replaces the device `cpu_name`'s
// peak_ops_per_s.fp32 with cal.peak_fp32_ops_per_s and mem_bw_bytes_per_s
// with cal.mem_bw_bytes_per_s, sets compute_efficiency and
// mem_bw_efficiency to 1.0 (measured numbers are achieved numbers; the keys
// are added when absent), and writes the result to `profile_out`
// (atomically: a temporary file renamed over it). Everything else in the
// file — other devices, other precisions, comments, layout — is kept; the
// edited lines' trailing comments say "measured", and a comment at the top
// records the date, host and summary. The output is parsed back with
// ParseProfile before it is written.
//   NOT_FOUND          no device `cpu_name` in the profile
//   INVALID_ARGUMENT   the profile does not parse, the device is written in
//                      YAML flow style, has no mem_bw_bytes_per_s or
//                      peak_ops_per_s.fp32 to replace, or a measured value
//                      is not positive
//   other              reading or writing the files failed (naming the path)
absl::Status WriteCalibratedProfile(const std::string& profile_in,
                                    const std::string& cpu_name,
                                    const HostCalibration& cal,
                                    const std::string& profile_out);

// As WriteCalibratedProfile, on text: returns the edited profile. `header`
// is the comment put at the top (without "# "); `source` names the input in
// errors.
absl::StatusOr<std::string> CalibratedProfileText(const std::string& yaml,
                                                  const std::string& source,
                                                  const std::string& cpu_name,
                                                  const HostCalibration& cal,
                                                  const std::string& header);

// The blocked SGEMM behind the peak figure: C = A·B, row-major n×n.
// REQUIRES: n > 0 and n % kBlockedGemmMultiple == 0; threads >= 1.
// Exposed so the test can check it against a naive product.
inline constexpr int kBlockedGemmMultiple = 192;
void BlockedSgemm(int n, const float* a, const float* b, float* c,
                  int threads);
// The micro-kernel BlockedSgemm runs on this machine.
const char* BlockedSgemmKernelName();

}  // namespace joule

#endif  // JOULE_DEVICES_HOST_CALIBRATION_H_
