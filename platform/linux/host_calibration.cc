#include "platform/linux/host_calibration.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define JOULE_X86 1
#endif

namespace joule {
namespace {

using Seconds = std::chrono::duration<double>;

double Elapsed(std::chrono::steady_clock::time_point since) {
  return Seconds(std::chrono::steady_clock::now() - since).count();
}

// Runs fn(0..threads-1) on `threads` threads (the caller's being one of
// them) and returns when all are done.
void RunOnThreads(int threads, const std::function<void(int)>& fn) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(fn, t);
  fn(0);
  for (std::thread& th : pool) th.join();
}

// ---- Blocked SGEMM ---------------------------------------------------------
// GotoBLAS-style loops over packed panels: for each KC-deep slab of A's
// columns / B's rows, B's slab is packed into NR-wide slivers (stays in L2),
// then each MC-row block of A into MR-row slivers (in L2), and the micro-
// kernel adds one MR×NR block of C from one A sliver and one B sliver (in
// L1) with MR·NR/width accumulators held in registers.
constexpr int kMr = 6;
constexpr int kKc = 192;
constexpr int kMc = 96;  // multiple of kMr
static_assert(kBlockedGemmMultiple % kKc == 0 &&
                  kBlockedGemmMultiple % kMc == 0 &&
                  kBlockedGemmMultiple % 32 == 0,
              "n must tile into every block size");

// C[kMr×nr] += A_sliver (kc × kMr, k-major) · B_sliver (kc × nr, k-major).
using MicroKernel = void (*)(int kc, const float* a, const float* b, float* c,
                             int ldc);

template <int kNr>
void KernelPortable(int kc, const float* a, const float* b, float* c, int ldc) {
  float acc[kMr][kNr];
  for (int r = 0; r < kMr; ++r) {
    for (int j = 0; j < kNr; ++j) acc[r][j] = c[r * ldc + j];
  }
  for (int k = 0; k < kc; ++k, a += kMr, b += kNr) {
    for (int r = 0; r < kMr; ++r) {
      for (int j = 0; j < kNr; ++j) acc[r][j] += a[r] * b[j];
    }
  }
  for (int r = 0; r < kMr; ++r) {
    for (int j = 0; j < kNr; ++j) c[r * ldc + j] = acc[r][j];
  }
}

#ifdef JOULE_X86
__attribute__((target("avx2,fma"))) void KernelAvx2(int kc, const float* a,
                                                    const float* b, float* c,
                                                    int ldc) {
  __m256 acc[kMr][2];
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) {
    acc[r][0] = _mm256_loadu_ps(c + r * ldc);
    acc[r][1] = _mm256_loadu_ps(c + r * ldc + 8);
  }
  for (int k = 0; k < kc; ++k, a += kMr, b += 16) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) {
    _mm256_storeu_ps(c + r * ldc, acc[r][0]);
    _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
  }
}

__attribute__((target("avx512f"))) void KernelAvx512(int kc, const float* a,
                                                     const float* b, float* c,
                                                     int ldc) {
  __m512 acc[kMr][2];
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) {
    acc[r][0] = _mm512_loadu_ps(c + r * ldc);
    acc[r][1] = _mm512_loadu_ps(c + r * ldc + 16);
  }
  for (int k = 0; k < kc; ++k, a += kMr, b += 32) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      const __m512 ar = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) {
    _mm512_storeu_ps(c + r * ldc, acc[r][0]);
    _mm512_storeu_ps(c + r * ldc + 16, acc[r][1]);
  }
}
#endif  // JOULE_X86

struct Kernel {
  MicroKernel fn;
  int nr;
  const char* name;
};

Kernel PickKernel() {
#ifdef JOULE_X86
  if (__builtin_cpu_supports("avx512f")) return {KernelAvx512, 32, "avx512"};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return {KernelAvx2, 16, "avx2+fma"};
  }
#endif
  return {KernelPortable<16>, 16, "portable"};
}

const Kernel& TheKernel() {
  static const Kernel k = PickKernel();
  return k;
}

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using AlignedFloats = std::unique_ptr<float[], AlignedFree>;

AlignedFloats AllocFloats(size_t n) {
  void* p = std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  if (!p) throw std::bad_alloc();
  return AlignedFloats(static_cast<float*>(p));
}

// Rows [row_begin, row_end) of C = A·B; row_begin, row_end multiples of kMc.
void GemmRows(int n, const float* a, const float* b, float* c, int row_begin,
              int row_end) {
  const Kernel& kernel = TheKernel();
  const int nr = kernel.nr;
  AlignedFloats bp = AllocFloats(static_cast<size_t>(kKc) * n);
  AlignedFloats ap = AllocFloats(static_cast<size_t>(kMc) * kKc);
  for (int i = row_begin; i < row_end; ++i) {
    std::memset(c + static_cast<size_t>(i) * n, 0, sizeof(float) * n);
  }
  for (int pc = 0; pc < n; pc += kKc) {
    // B[pc..pc+kKc) × [0..n) into slivers: sliver j holds kKc rows of nr.
    for (int j = 0; j < n; j += nr) {
      float* dst = bp.get() + static_cast<size_t>(j) * kKc;
      for (int k = 0; k < kKc; ++k) {
        std::memcpy(dst + k * nr, b + static_cast<size_t>(pc + k) * n + j,
                    sizeof(float) * nr);
      }
    }
    for (int ic = row_begin; ic < row_end; ic += kMc) {
      // A[ic..ic+kMc) × [pc..pc+kKc) into kMr-row slivers, k-major.
      for (int ir = 0; ir < kMc; ir += kMr) {
        float* dst = ap.get() + static_cast<size_t>(ir) * kKc;
        for (int k = 0; k < kKc; ++k) {
          for (int r = 0; r < kMr; ++r) {
            dst[k * kMr + r] = a[static_cast<size_t>(ic + ir + r) * n + pc + k];
          }
        }
      }
      for (int jr = 0; jr < n; jr += nr) {
        const float* bs = bp.get() + static_cast<size_t>(jr) * kKc;
        for (int ir = 0; ir < kMc; ir += kMr) {
          kernel.fn(kKc, ap.get() + static_cast<size_t>(ir) * kKc, bs,
                    c + static_cast<size_t>(ic + ir) * n + jr, n);
        }
      }
    }
  }
}

// Best ops/s of `reps` timed runs after one warm-up, stopping early once
// `budget_s` is spent.
double BestOpsPerS(double ops, int reps, double budget_s,
                   const std::function<void()>& run) {
  run();  // warm-up: page faults, caches, frequency ramp
  double best = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    const double s = Elapsed(t0);
    if (s > 0) best = std::max(best, ops / s);
    if (Elapsed(start) > budget_s) break;
  }
  return best;
}

std::vector<float> Ramp(size_t count, float scale) {
  std::vector<float> v(count);
  for (size_t i = 0; i < count; ++i) {
    v[i] = scale * static_cast<float>(static_cast<int>(i % 17) - 8);
  }
  return v;
}

double MeasureBlockedGemm(int n, int threads, int reps, double budget_s) {
  const size_t nn = static_cast<size_t>(n) * n;
  std::vector<float> a = Ramp(nn, 0.01f), b = Ramp(nn, 0.02f), c(nn);
  const int blocks = n / kMc;
  const int workers = std::max(1, std::min(threads, blocks));
  return BestOpsPerS(2.0 * n * n * static_cast<double>(n), reps, budget_s, [&] {
    RunOnThreads(workers, [&](int t) {
      const int lo = blocks * t / workers * kMc;
      const int hi = blocks * (t + 1) / workers * kMc;
      GemmRows(n, a.data(), b.data(), c.data(), lo, hi);
    });
  });
}

// ---- STREAM triad -----------------------------------------------------------
double MeasureTriad(size_t elems, int threads, int passes) {
  std::unique_ptr<double[]> a(new double[elems]);
  std::unique_ptr<double[]> b(new double[elems]);
  std::unique_ptr<double[]> c(new double[elems]);
  auto range = [&](int t, size_t* lo, size_t* hi) {
    *lo = elems * t / threads;
    *hi = elems * (t + 1) / threads;
  };
  // First touch by the thread that streams the range later.
  RunOnThreads(threads, [&](int t) {
    size_t lo, hi;
    range(t, &lo, &hi);
    for (size_t i = lo; i < hi; ++i) {
      a[i] = 0;
      b[i] = 1.0;
      c[i] = 2.0;
    }
  });
  const double s = 3.0;
  double best = 0;
  for (int p = 0; p < passes; ++p) {
    const auto t0 = std::chrono::steady_clock::now();
    RunOnThreads(threads, [&](int t) {
      size_t lo, hi;
      range(t, &lo, &hi);
      double* __restrict x = a.get();
      const double* __restrict y = b.get();
      const double* __restrict z = c.get();
      for (size_t i = lo; i < hi; ++i) x[i] = y[i] + s * z[i];
    });
    const double sec = Elapsed(t0);
    if (sec > 0) best = std::max(best, 3.0 * sizeof(double) * elems / sec);
  }
  // Read the result so no pass can be optimised away.
  volatile double sink = a[0] + a[elems - 1];
  (void)sink;
  return best;
}

}  // namespace

void BlockedSgemm(int n, const float* a, const float* b, float* c,
                  int threads) {
  const int blocks = n / kMc;
  const int workers = std::max(1, std::min(threads, blocks));
  RunOnThreads(workers, [&](int t) {
    GemmRows(n, a, b, c, blocks * t / workers * kMc,
             blocks * (t + 1) / workers * kMc);
  });
}

const char* BlockedSgemmKernelName() { return TheKernel().name; }

std::string HostCalibration::Summary() const {
  return absl::StrFormat(
      "peak fp32 %.3g ops/s (blocked %s n=%d), "
      "mem bw %.3g B/s (triad 3 x %.0f MiB, best of %d), %d threads, %.2f s",
      peak_fp32_ops_per_s, gemm_kernel, gemm_blocked_n, mem_bw_bytes_per_s,
      stream_array_bytes / (1 << 20), stream_passes, threads,
      ToSeconds(duration));
}

absl::StatusOr<HostCalibration> CalibrateHost(
    const HostCalibrationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  HostCalibration cal;
  cal.threads = options.threads > 0
                    ? options.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  const bool q = options.quick;
  cal.gemm_kernel = BlockedSgemmKernelName();
  cal.gemm_blocked_n = q ? 384 : 1536;
  cal.stream_array_bytes = (q ? 32.0 : 64.0) * (1 << 20);
  cal.stream_passes = q ? 3 : 10;
  try {
    cal.gemm_blocked_ops_per_s = MeasureBlockedGemm(
        cal.gemm_blocked_n, cal.threads, q ? 3 : 5, q ? 0.1 : 1.5);
    cal.mem_bw_bytes_per_s = MeasureTriad(
        static_cast<size_t>(cal.stream_array_bytes) / sizeof(double),
        cal.threads, cal.stream_passes);
  } catch (const std::bad_alloc&) {
    return absl::InternalError(absl::StrFormat(
        "host calibration: cannot allocate 3 x %.0f MiB for STREAM",
        cal.stream_array_bytes / (1 << 20)));
  }
  cal.peak_fp32_ops_per_s = cal.gemm_blocked_ops_per_s;
  cal.duration = std::chrono::duration_cast<Duration>(
      std::chrono::steady_clock::now() - start);
  return cal;
}

}  // namespace joule
