#include "platform/linux/cpufreq_factory.h"

#include "absl/strings/str_cat.h"
#include "platform/linux/cpufreq_sysfs.h"
#ifdef JOULE_WITH_LIBCPUFREQ
#include "platform/linux/cpufreq_libcpufreq.h"
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

}  // namespace joule
