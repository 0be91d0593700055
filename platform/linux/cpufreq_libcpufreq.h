// LibCpufreqBackend: the CpufreqBackend on Debian's libcpufreq
// (cpufrequtils, libcpufreq-dev). Built only with -DJOULE_WITH_LIBCPUFREQ=ON:
// the library is GPL-2.0-only, which cannot be combined with the Apache-2.0
// gRPC in one distributed binary, so the default build never
// needs it (devices/CMakeLists.txt).
//
// libcpufreq hard-wires /sys/devices/system/cpu/cpuN/cpufreq (no root), so
// its test bind-mounts a fake tree there in a private mount namespace. What
// it cannot tell us, this backend finds out itself, so it passes the same
// test suite as SysfsCpufreq:
//   - it reports a failed read as 0/NULL and a failed write as -ENODEV
//     (its /proc fallback then overwrites errno): on failure the file is
//     stat()ed, so a missing file is NotFound with ENOENT's text and a
//     directory in its place says so; anything else is InvalidArgument
//     (unparsable) or Unavailable (write refused);
//   - it parses with strtoul, so "-5" reads as 2^64 − 5: frequencies above
//     kMaxPlausibleFreqKhz are rejected here;
//   - cpufreq_set_frequency silently switches the governor to userspace:
//     SetSpeedKhz refuses (FailedPrecondition) unless userspace already runs,
//     as the kernel refuses scaling_setspeed writes;
//   - it reads at most 254 bytes of a file, so a longer
//     scaling_available_frequencies loses its tail.
//
// Thread-safety: libcpufreq keeps no state; any thread.
#ifndef JOULE_PLATFORM_LINUX_CPUFREQ_LIBCPUFREQ_H_
#define JOULE_PLATFORM_LINUX_CPUFREQ_LIBCPUFREQ_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/linux/cpufreq_backend.h"

namespace joule {

class LibCpufreqBackend final : public CpufreqBackend {
 public:
  std::string name() const override { return "libcpufreq"; }

  absl::StatusOr<std::string> Governor(int cpu) override;
  absl::StatusOr<std::vector<std::string>> AvailableGovernors(int cpu) override;
  absl::StatusOr<AvailableFrequencies> AvailableFrequenciesKhz(
      int cpu) override;
  absl::StatusOr<FreqRangeKhz> HardwareLimitsKhz(int cpu) override;
  absl::StatusOr<FreqRangeKhz> ScalingLimitsKhz(int cpu) override;
  absl::StatusOr<uint64_t> CurrentFreqKhz(int cpu) override;
  absl::StatusOr<std::vector<TimeInState>> TimeInStates(int cpu) override;

  absl::Status SetGovernor(int cpu, const std::string& governor) override;
  absl::Status SetSpeedKhz(int cpu, uint64_t freq_khz) override;
  absl::Status SetMaxFreqKhz(int cpu, uint64_t freq_khz) override;
};

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_CPUFREQ_LIBCPUFREQ_H_
