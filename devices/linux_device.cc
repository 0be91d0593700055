#include "devices/linux_device.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace joule {

std::string LinuxCpuSensorBackend(bool thermal, bool rapl) {
  std::string out = "procfs";
  if (thermal) out += "+thermal";
  if (rapl) out += "+rapl";
  if (!thermal && !rapl) return out + " (temp ambient, power modelled)";
  if (!thermal) return out + " (temp ambient)";
  if (!rapl) return out + " (power modelled)";
  return out;
}

LinuxCpuSensor::LinuxCpuSensor(const DeviceSpec& spec, Clock* clock,
                               ProcStatUtilization utilization,
                               std::optional<ThermalZone> thermal,
                               std::optional<RaplEnergyCounter> rapl,
                               std::shared_ptr<const LinuxCpuPState> pstate)
    : spec_(spec),
      clock_(clock),
      utilization_(std::move(utilization)),
      thermal_(std::move(thermal)),
      rapl_(std::move(rapl)),
      pstate_(std::move(pstate)),
      backend_(LinuxCpuSensorBackend(thermal_.has_value(), rapl_.has_value())),
      last_read_at_(clock->Now()) {}

absl::StatusOr<SensorReading> LinuxCpuSensor::Read() {
  SensorReading r;
  if (thermal_) {
    absl::StatusOr<int32_t> temp_mc = thermal_->ReadTempMc();
    if (!temp_mc.ok()) return temp_mc.status();
    r.temp_mc = *temp_mc;
  } else {
    r.temp_mc = static_cast<int32_t>(std::lround(spec_.ambient_c * 1000));
  }
  absl::StatusOr<double> util = utilization_.Sample();
  if (!util.ok()) return util.status();
  r.utilization = *util;

  const TimePoint now = clock_->Now();
  const double dt_s = ToSeconds(now - last_read_at_);
  last_read_at_ = now;
  if (rapl_) {
    absl::StatusOr<RaplSample> s = rapl_->Sample();
    if (!s.ok()) return s.status();
    r.power_w = s->power_w;
    r.energy_j = s->energy_j;
  } else {
    int p = pstate_->get();
    if (p < 0 || p > spec_.max_pstate()) p = spec_.max_pstate();
    r.power_w =
        spec_.static_power_w +
        spec_.pstates[static_cast<size_t>(p)].dynamic_power_w * r.utilization;
    if (dt_s > 0) modelled_energy_j_ += r.power_w * dt_s;
    r.energy_j = modelled_energy_j_;
  }
  return r;
}

LinuxCpuActuator::LinuxCpuActuator(const DeviceSpec& spec,
                                   std::unique_ptr<CpufreqController> cpufreq,
                                   std::shared_ptr<LinuxCpuPState> pstate)
    : spec_(spec), cpufreq_(std::move(cpufreq)), pstate_(std::move(pstate)) {}

absl::Status LinuxCpuActuator::SetPState(int pstate) {
  if (pstate < 0 || pstate > spec_.max_pstate()) {
    return absl::InvalidArgumentError(absl::StrCat(spec_.name, ": P-state ",
                                                   pstate, " is not in [0, ",
                                                   spec_.max_pstate(), "]"));
  }
  const uint64_t freq_khz = spec_.pstates[static_cast<size_t>(pstate)].freq_khz;
  if (cpufreq_) {
    absl::Status s = cpufreq_->SetFrequencyKhz(freq_khz);
    if (!s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(spec_.name, ": P-state ", pstate, " (",
                                       freq_khz, " kHz): ", s.message()));
    }
  }
  pstate_->set(pstate);
  return absl::OkStatus();
}

}  // namespace joule
