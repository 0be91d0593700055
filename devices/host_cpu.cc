#include "devices/host_cpu.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/linux/cpufreq_factory.h"
#include "spdlog/spdlog.h"

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

absl::StatusOr<DeviceSpec> HostCpuSpec(const DeviceSpec& profile_cpu,
                                       const HostProbe& probe) {
  if (profile_cpu.kind != DeviceKind::kCpu) {
    return absl::InvalidArgumentError(
        absl::StrCat(profile_cpu.name, " is not a CPU device"));
  }
  if (profile_cpu.pstates.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(profile_cpu.name, " has no P-states to scale from"));
  }
  if (!probe.has_cpufreq()) {
    return absl::FailedPreconditionError(
        absl::StrCat("host ", probe.root, " has no cpufreq: ", profile_cpu.name,
                     " keeps its profile P-states"));
  }
  const HostCpufreqPolicy* fastest = &probe.cpufreq.front();
  for (const HostCpufreqPolicy& p : probe.cpufreq) {
    if (p.max_khz() > fastest->max_khz()) fastest = &p;
  }
  const double top_w = profile_cpu.pstates.back().dynamic_power_w;
  const double f_max = static_cast<double>(fastest->max_khz());
  DeviceSpec spec = profile_cpu;
  spec.pstates.clear();
  for (uint64_t khz : fastest->freqs.freqs_khz) {
    const double ratio = static_cast<double>(khz) / f_max;
    spec.pstates.push_back(PState{khz, 0, top_w * ratio * ratio * ratio});
  }
  return spec;
}

std::unique_ptr<Device> MakeHostCpuDevice(const DeviceSpec& spec,
                                          const HostProbe& probe, Clock* clock,
                                          std::unique_ptr<Executor> executor,
                                          const HostCpuOptions& options) {
  absl::StatusOr<ProcStatUtilization> util =
      probe.has_proc_stat
          ? ProcStatUtilization::Open(probe.root)
          : absl::NotFoundError("the probe found no /proc/stat");
  if (!util.ok()) {
    spdlog::warn("{}: no real utilisation ({}); keep it simulated", spec.name,
                 util.status().ToString());
    return nullptr;
  }

  std::optional<ThermalZone> thermal;
  if (!probe.thermal_zones.empty()) {
    absl::StatusOr<ThermalZone> zone =
        options.thermal_zone_type.empty()
            ? ThermalZone::OpenCpu(probe.root)
            : ThermalZone::OpenByType(probe.root, options.thermal_zone_type);
    if (zone.ok()) {
      thermal = *std::move(zone);
    } else {
      spdlog::warn("{}: temperature modelled: {}", spec.name,
                   zone.status().ToString());
    }
  }

  std::optional<RaplEnergyCounter> rapl;
  if (!probe.rapl_domains.empty()) {
    absl::StatusOr<RaplEnergyCounter> counter =
        RaplEnergyCounter::OpenPackage(probe.root, clock);
    if (counter.ok()) {
      rapl = *std::move(counter);
    } else {
      spdlog::warn("{}: power modelled: {}", spec.name,
                   counter.status().ToString());
    }
  }

  std::unique_ptr<CpufreqController> cpufreq;
  if (probe.has_cpufreq()) {
    std::vector<int> cpus;
    for (const HostCpufreqPolicy& p : probe.cpufreq)
      cpus.push_back(p.first_cpu());
    absl::StatusOr<std::unique_ptr<CpufreqBackend>> backend =
        MakeCpufreqBackend(options.cpufreq_backend, probe.root);
    absl::StatusOr<std::unique_ptr<CpufreqController>> ctl =
        backend.ok() ? CpufreqController::Create(*std::move(backend), cpus,
                                                 options.cpufreq)
                     : backend.status();
    if (ctl.ok()) {
      cpufreq = *std::move(ctl);
    } else {
      spdlog::warn("{}: P-states only recorded, cpufreq unusable: {}",
                   spec.name, ctl.status().ToString());
    }
  }

  auto pstate = std::make_shared<LinuxCpuPState>(spec.max_pstate());
  auto sensor = std::make_unique<LinuxCpuSensor>(spec, clock, *std::move(util),
                                                 std::move(thermal),
                                                 std::move(rapl), pstate);
  auto actuator =
      std::make_unique<LinuxCpuActuator>(spec, std::move(cpufreq), pstate);
  if (absl::Status s = actuator->SetPState(spec.max_pstate()); !s.ok()) {
    spdlog::warn("{}: could not apply the top P-state: {}", spec.name,
                 s.ToString());
  }
  spdlog::info("device {}: host CPU, {} P-states {}-{} MHz, sensor {}, {}",
               spec.name, spec.pstates.size(),
               spec.pstates.front().freq_khz / 1000,
               spec.pstates.back().freq_khz / 1000, sensor->backend(),
               actuator->cpufreq() ? actuator->cpufreq()->Describe()
                                   : std::string("P-states not applied"));
  return std::make_unique<Device>(spec, std::move(executor), std::move(sensor),
                                  std::move(actuator), options.executor_note);
}

}  // namespace joule
