// CpufreqBackend: the Linux cpufreq policy of one CPU, read and written
// (kernel Documentation/admin-guide/pm/cpufreq.rst, "Policy Interface in
// sysfs"). Two implementations pass one shared test suite:
//   SysfsCpufreq     (cpufreq_sysfs.h)      the scaling_* files under a
//                                           configurable root; the default;
//   LibCpufreqBackend (cpufreq_libcpufreq.h) Debian's libcpufreq, only with
//                                           -DJOULE_WITH_LIBCPUFREQ=ON
//                                           (GPL-2.0-only, see CMake).
// CpufreqController (cpufreq_controller.h) drives a set of policies through
// either one.
//
// Every method addresses the policy of CPU `cpu` (the cpuN/cpufreq
// directory, as libcpufreq does). Errors name the file: NotFound for a CPU
// without cpufreq or a missing file, InvalidArgument for content that does
// not parse (strictly: "abc", empty, negative, or a frequency above
// kMaxPlausibleFreqKhz), and the failing errno's code with its text for a
// rejected write where the backend can know it.
//
// Thread-safety: implementations hold no mutable state of their own and may
// be called from any thread; concurrent writers to one policy race in the
// kernel as two shell `echo`s would.
#ifndef JOULE_PLATFORM_LINUX_CPUFREQ_BACKEND_H_
#define JOULE_PLATFORM_LINUX_CPUFREQ_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace joule {

// 100 GHz: no CPU runs faster, so a value above it was garbage (libcpufreq
// parses "-5" with strtoul into 2^64 − 5).
inline constexpr uint64_t kMaxPlausibleFreqKhz = 100'000'000;

struct FreqRangeKhz {
  uint64_t min_khz = 0;
  uint64_t max_khz = 0;
};

struct AvailableFrequencies {
  std::vector<uint64_t> freqs_khz;  // ascending, no duplicates, never empty
  // True when the driver lists none (intel_pstate, cppc, ...) and the list
  // is {cpuinfo_min_freq, cpuinfo_max_freq} instead.
  bool from_cpuinfo = false;
};

// One line of stats/time_in_state. The kernel counts in 10 ms units; this is
// converted to ms.
struct TimeInState {
  uint64_t freq_khz = 0;
  uint64_t time_ms = 0;
};

class CpufreqBackend {
 public:
  virtual ~CpufreqBackend() = default;

  // "sysfs" or "libcpufreq", for logs and labels.
  virtual std::string name() const = 0;

  virtual absl::StatusOr<std::string> Governor(int cpu) = 0;
  virtual absl::StatusOr<std::vector<std::string>> AvailableGovernors(
      int cpu) = 0;
  // scaling_available_frequencies, falling back to cpuinfo_min/max_freq only
  // when that file does not exist (garbage in it is an error).
  virtual absl::StatusOr<AvailableFrequencies> AvailableFrequenciesKhz(
      int cpu) = 0;
  // cpuinfo_min_freq / cpuinfo_max_freq: what the hardware can do.
  virtual absl::StatusOr<FreqRangeKhz> HardwareLimitsKhz(int cpu) = 0;
  // scaling_min_freq / scaling_max_freq: what the policy allows now.
  virtual absl::StatusOr<FreqRangeKhz> ScalingLimitsKhz(int cpu) = 0;
  // scaling_cur_freq.
  virtual absl::StatusOr<uint64_t> CurrentFreqKhz(int cpu) = 0;
  // stats/time_in_state (CONFIG_CPU_FREQ_STAT), in the kernel's order.
  virtual absl::StatusOr<std::vector<TimeInState>> TimeInStates(int cpu) = 0;

  // scaling_governor.
  virtual absl::Status SetGovernor(int cpu, const std::string& governor) = 0;
  // scaling_setspeed: the frequency, under the userspace governor only.
  virtual absl::Status SetSpeedKhz(int cpu, uint64_t freq_khz) = 0;
  // scaling_max_freq: a cap any governor respects.
  virtual absl::Status SetMaxFreqKhz(int cpu, uint64_t freq_khz) = 0;
};

enum class CpufreqBackendKind { kSysfs, kLibcpufreq };

// Shared by the implementations: InvalidArgument naming `what` unless
// 0 < freq_khz <= kMaxPlausibleFreqKhz.
absl::Status CheckPlausibleFreq(uint64_t freq_khz, const std::string& what);

// Sorts ascending and drops duplicates (drivers list descending or
// ascending).
std::vector<uint64_t> SortedUniqueFreqs(std::vector<uint64_t> freqs_khz);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_CPUFREQ_BACKEND_H_
