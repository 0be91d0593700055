#include "platform/linux/cpufreq_controller.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

constexpr char kUserspace[] = "userspace";

}  // namespace

const char* CpufreqWriteModeName(CpufreqWriteMode mode) {
  switch (mode) {
    case CpufreqWriteMode::kSetSpeed:
      return "setspeed";
    case CpufreqWriteMode::kClampMax:
      return "max-freq cap";
  }
  return "?";
}

CpufreqController::CpufreqController(std::unique_ptr<CpufreqBackend> backend,
                                     std::vector<Policy> policies)
    : backend_(std::move(backend)), policies_(std::move(policies)) {}

absl::StatusOr<std::unique_ptr<CpufreqController>> CpufreqController::Create(
    std::unique_ptr<CpufreqBackend> backend, std::vector<int> cpus,
    CpufreqControlOptions options) {
  // The policies opened so far live in `partial`, so an error further on
  // restores them when it goes out of scope.
  std::unique_ptr<CpufreqController> partial(
      new CpufreqController(std::move(backend), {}));
  for (int cpu : cpus) {
    absl::StatusOr<Policy> p = OpenPolicy(*partial->backend_, cpu, options);
    if (!p.ok()) return p.status();
    partial->policies_.push_back(*std::move(p));
  }
  if (partial->policies_.empty()) {
    return absl::InvalidArgumentError("cpufreq controller: no CPUs given");
  }
  return partial;
}

absl::StatusOr<CpufreqController::Policy> CpufreqController::OpenPolicy(
    CpufreqBackend& backend, int cpu, const CpufreqControlOptions& o) {
  Policy p;
  p.cpu = cpu;
  absl::StatusOr<std::string> governor = backend.Governor(cpu);
  if (!governor.ok()) return governor.status();
  p.original_governor = *governor;
  absl::StatusOr<AvailableFrequencies> freqs =
      backend.AvailableFrequenciesKhz(cpu);
  if (!freqs.ok()) return freqs.status();
  p.freqs_khz = freqs->freqs_khz;
  absl::StatusOr<FreqRangeKhz> scaling = backend.ScalingLimitsKhz(cpu);
  if (!scaling.ok()) return scaling.status();
  p.original_max_khz = scaling->max_khz;

  if (*governor == kUserspace) {
    absl::StatusOr<uint64_t> cur = backend.CurrentFreqKhz(cpu);
    if (!cur.ok()) return cur.status();
    p.original_speed_khz = *cur;
    p.mode = CpufreqWriteMode::kSetSpeed;
    return p;
  }
  if (o.switch_to_userspace) {
    absl::StatusOr<std::vector<std::string>> available =
        backend.AvailableGovernors(cpu);
    if (!available.ok()) return available.status();
    if (std::find(available->begin(), available->end(), kUserspace) !=
        available->end()) {
      if (absl::Status s = backend.SetGovernor(cpu, kUserspace); !s.ok()) {
        return s;
      }
      p.switched_governor = true;
      p.mode = CpufreqWriteMode::kSetSpeed;
      return p;
    }
    spdlog::warn("cpu{}: no userspace cpufreq governor; capping {} instead",
                 cpu, p.original_governor);
  }
  p.mode = CpufreqWriteMode::kClampMax;
  return p;
}

CpufreqController::~CpufreqController() {
  if (absl::Status s = Restore(); !s.ok()) {
    spdlog::warn("cpufreq: could not restore the policies: {}", s.ToString());
  }
}

uint64_t CpufreqController::TargetKhz(size_t i, uint64_t freq_khz) const {
  const std::vector<uint64_t>& freqs = policies_[i].freqs_khz;
  auto above = std::upper_bound(freqs.begin(), freqs.end(), freq_khz);
  return above == freqs.begin() ? freqs.front() : *(above - 1);
}

absl::Status CpufreqController::SetFrequencyKhz(uint64_t freq_khz) {
  absl::Status first;
  for (size_t i = 0; i < policies_.size(); ++i) {
    Policy& p = policies_[i];
    const uint64_t target = TargetKhz(i, freq_khz);
    absl::Status s = p.mode == CpufreqWriteMode::kSetSpeed
                         ? backend_->SetSpeedKhz(p.cpu, target)
                         : backend_->SetMaxFreqKhz(p.cpu, target);
    if (s.ok()) {
      p.written = true;
    } else if (first.ok()) {
      first = s;
    }
  }
  return first;
}

absl::Status CpufreqController::RestorePolicy(Policy& p) {
  if (p.switched_governor) {
    if (absl::Status s = backend_->SetGovernor(p.cpu, p.original_governor);
        !s.ok()) {
      return s;
    }
    p.switched_governor = false;
    p.written = false;  // the old governor ignores scaling_setspeed
    return absl::OkStatus();
  }
  if (!p.written) return absl::OkStatus();
  absl::Status s = p.mode == CpufreqWriteMode::kSetSpeed
                       ? backend_->SetSpeedKhz(p.cpu, p.original_speed_khz)
                       : backend_->SetMaxFreqKhz(p.cpu, p.original_max_khz);
  if (s.ok()) p.written = false;
  return s;
}

absl::Status CpufreqController::Restore() {
  absl::Status first;
  for (Policy& p : policies_) {
    absl::Status s = RestorePolicy(p);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

std::string CpufreqController::Describe() const {
  std::string out = absl::StrCat(backend_->name(), ":");
  for (size_t i = 0; i < policies_.size(); ++i) {
    const Policy& p = policies_[i];
    absl::StrAppend(&out, i ? ", " : " ", "cpu", p.cpu, " ",
                    p.switched_governor ? kUserspace : p.original_governor,
                    " (", CpufreqWriteModeName(p.mode), ")");
  }
  return out;
}

}  // namespace joule
