// CpufreqController: sets one frequency on a set of cpufreq policies through
// a CpufreqBackend (sysfs or libcpufreq), the way the host CPU's actuator
// applies a P-state.
//
// Per policy it picks a write mode at Create():
//   kSetSpeed  the userspace governor runs (already, or because
//              switch_to_userspace allowed switching to it): the frequency
//              is pinned with scaling_setspeed;
//   kClampMax  any other governor keeps running and the frequency becomes
//              its cap, scaling_max_freq (it still goes lower when idle).
// A frequency is applied to each policy as the fastest of that policy's
// available frequencies not above it (its slowest if all are above), so one
// P-state table drives clusters with different tables (big.LITTLE).
// Destruction restores what Create() found (governor, scaling_max_freq or
// the userspace speed), so jouled leaves the CPUs as it found them.
//
// Not thread-safe: one caller at a time (the governor thread, which owns
// the actuator).
#ifndef JOULE_PLATFORM_LINUX_CPUFREQ_CONTROLLER_H_
#define JOULE_PLATFORM_LINUX_CPUFREQ_CONTROLLER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/linux/cpufreq_backend.h"

namespace joule {

struct CpufreqControlOptions {
  // Switch a policy to the userspace governor at Create() when it offers
  // one, so a P-state is an exact frequency. Off (the default) leaves the
  // administrator's governor in charge and only caps it: the safer choice
  // on a shared host.
  bool switch_to_userspace = false;
};

enum class CpufreqWriteMode { kSetSpeed, kClampMax };

class CpufreqController {
 public:
  // `cpus`: one CPU of each policy to drive (the policy's first CPU).
  // Reads each policy's governor, available governors and frequencies,
  // hardware limits and scaling_max_freq; any error (naming the file) fails
  // Create, and a governor switch already made is undone.
  // REQUIRES: backend non-null; cpus non-empty.
  static absl::StatusOr<std::unique_ptr<CpufreqController>> Create(
      std::unique_ptr<CpufreqBackend> backend, std::vector<int> cpus,
      CpufreqControlOptions options = {});
  ~CpufreqController();  // Restore(), logging what fails.

  CpufreqController(const CpufreqController&) = delete;
  CpufreqController& operator=(const CpufreqController&) = delete;

  // Writes TargetKhz(i, freq_khz) to every policy i. Tries all of them and
  // returns the first error (path and errno text); policies written before
  // the failure keep the new frequency.
  absl::Status SetFrequencyKhz(uint64_t freq_khz);

  // What SetFrequencyKhz(freq_khz) writes to policy `i`. No I/O.
  uint64_t TargetKhz(size_t i, uint64_t freq_khz) const;

  // Puts back what Create() found. Idempotent; the first error is returned
  // and the remaining policies are still restored.
  absl::Status Restore();

  size_t num_policies() const { return policies_.size(); }
  int cpu(size_t i) const { return policies_[i].cpu; }
  CpufreqWriteMode mode(size_t i) const { return policies_[i].mode; }
  const std::vector<uint64_t>& freqs_khz(size_t i) const {
    return policies_[i].freqs_khz;
  }
  const CpufreqBackend& backend() const { return *backend_; }
  // E.g. "sysfs: cpu0 userspace (setspeed), cpu4 schedutil (max-freq cap)".
  std::string Describe() const;

 private:
  struct Policy {
    int cpu = 0;
    CpufreqWriteMode mode = CpufreqWriteMode::kClampMax;
    std::vector<uint64_t> freqs_khz;  // ascending
    // As found at Create().
    std::string original_governor;
    bool switched_governor = false;
    uint64_t original_max_khz = 0;
    uint64_t original_speed_khz = 0;  // kSetSpeed without a switch
    bool written = false;             // something to restore
  };

  CpufreqController(std::unique_ptr<CpufreqBackend> backend,
                    std::vector<Policy> policies);
  // Reads one policy and, if allowed, switches it to userspace.
  static absl::StatusOr<Policy> OpenPolicy(CpufreqBackend& backend, int cpu,
                                           const CpufreqControlOptions& o);
  absl::Status RestorePolicy(Policy& p);

  const std::unique_ptr<CpufreqBackend> backend_;
  std::vector<Policy> policies_;
};

const char* CpufreqWriteModeName(CpufreqWriteMode mode);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_CPUFREQ_CONTROLLER_H_
