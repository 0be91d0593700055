// SysfsCpufreq: the CpufreqBackend on the kernel's cpufreq files under a
// configurable root (ROOT/sys/devices/system/cpu/...), so tests run it on a
// fake tree. CPU N's policy directory is cpuN/cpufreq (a symlink to
// cpufreq/policyM on current kernels) or, when that is absent,
// cpufreq/policyN. Parsing is strict (linux_sysfs.h); errors carry the path
// and errno text.
//
// ListCpufreqPolicies enumerates the policies for the host probe.
//
// Thread-safety: stateless after construction; any thread.
#ifndef JOULE_PLATFORM_LINUX_CPUFREQ_SYSFS_H_
#define JOULE_PLATFORM_LINUX_CPUFREQ_SYSFS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/linux/cpufreq_backend.h"

namespace joule {

class SysfsCpufreq final : public CpufreqBackend {
 public:
  // `root` is "/" on a real host.
  explicit SysfsCpufreq(std::string root = "/");

  std::string name() const override { return "sysfs"; }

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

  // The policy directory of `cpu`; NotFound naming both candidates when
  // neither exists.
  absl::StatusOr<std::string> PolicyDir(int cpu) const;

 private:
  // PolicyDir(cpu) + "/" + file.
  absl::StatusOr<std::string> FilePath(int cpu, const char* file) const;
  absl::StatusOr<uint64_t> ReadFreq(int cpu, const char* file) const;
  absl::Status WriteFreq(int cpu, const char* file, uint64_t freq_khz);

  const std::string root_;
};

// One cpufreq policy as the kernel lists it.
struct CpufreqPolicyDir {
  std::string name;       // "policy0", or "cpu0" on kernels without policyN
  std::string path;       // absolute, under the root
  std::vector<int> cpus;  // related_cpus (all CPUs it governs), ascending
  int first_cpu() const { return cpus.front(); }
};

// The policies under `root`, ordered by first CPU: cpufreq/policyN
// directories (CPUs from related_cpus, else affected_cpus, else {N}); on
// kernels without them, the distinct cpuN/cpufreq directories. An empty
// list when the host has no cpufreq; an error only for a policy whose CPU
// list is garbage.
absl::StatusOr<std::vector<CpufreqPolicyDir>> ListCpufreqPolicies(
    const std::string& root);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_CPUFREQ_SYSFS_H_
