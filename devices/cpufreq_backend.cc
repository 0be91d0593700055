#include "devices/cpufreq_backend.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "devices/cpufreq_sysfs.h"
#ifdef JOULE_WITH_LIBCPUFREQ
#include "devices/cpufreq_libcpufreq.h"
#endif

namespace joule {

bool LibcpufreqAvailable() {
#ifdef JOULE_WITH_LIBCPUFREQ
  return true;
#else
  return false;
#endif
}

absl::StatusOr<std::unique_ptr<CpufreqBackend>> MakeCpufreqBackend(
    CpufreqBackendKind kind, const std::string& root) {
  switch (kind) {
    case CpufreqBackendKind::kSysfs:
      return std::make_unique<SysfsCpufreq>(root);
    case CpufreqBackendKind::kLibcpufreq:
      if (!root.empty() && root != "/") {
        return absl::InvalidArgumentError(absl::StrCat(
            "libcpufreq reads /sys/devices/system/cpu only; root \"", root,
            "\" needs the sysfs backend"));
      }
#ifdef JOULE_WITH_LIBCPUFREQ
      return std::make_unique<LibCpufreqBackend>();
#else
      return absl::UnimplementedError(
          "this build has no libcpufreq backend (configure with "
          "-DJOULE_WITH_LIBCPUFREQ=ON; GPL-2.0-only, not for distribution)");
#endif
  }
  return absl::InvalidArgumentError("unknown cpufreq backend");
}

absl::Status CheckPlausibleFreq(uint64_t freq_khz, const std::string& what) {
  if (freq_khz == 0 || freq_khz > kMaxPlausibleFreqKhz) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", freq_khz, " kHz is not a CPU frequency (want 1..",
        kMaxPlausibleFreqKhz, ")"));
  }
  return absl::OkStatus();
}

std::vector<uint64_t> SortedUniqueFreqs(std::vector<uint64_t> freqs_khz) {
  std::sort(freqs_khz.begin(), freqs_khz.end());
  freqs_khz.erase(std::unique(freqs_khz.begin(), freqs_khz.end()),
                  freqs_khz.end());
  return freqs_khz;
}

}  // namespace joule
