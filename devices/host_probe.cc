#include "devices/host_probe.h"

#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "devices/cpufreq_sysfs.h"
#include "devices/linux_device.h"
#include "devices/linux_sysfs.h"
#include "devices/proc_stat.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

// {0,1,2,3,6} → "0-3,6".
std::string CpuRanges(const std::vector<int>& cpus) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    parts.push_back(j == i ? absl::StrCat(cpus[i])
                           : absl::StrCat(cpus[i], "-", cpus[j]));
    i = j + 1;
  }
  return absl::StrJoin(parts, ",");
}

void ProbeCpufreq(HostProbe& probe) {
  absl::StatusOr<std::vector<CpufreqPolicyDir>> dirs =
      ListCpufreqPolicies(probe.root);
  if (!dirs.ok()) {
    probe.problems.push_back(std::string(dirs.status().message()));
    return;
  }
  SysfsCpufreq sysfs(probe.root);
  for (const CpufreqPolicyDir& d : *dirs) {
    HostCpufreqPolicy p;
    p.name = d.name;
    p.cpus = d.cpus;
    absl::StatusOr<std::string> governor = sysfs.Governor(d.first_cpu());
    absl::StatusOr<AvailableFrequencies> freqs =
        sysfs.AvailableFrequenciesKhz(d.first_cpu());
    if (!governor.ok() || !freqs.ok()) {
      probe.problems.push_back(absl::StrCat(
          d.name, ": ",
          (governor.ok() ? freqs.status() : governor.status()).message()));
      continue;
    }
    p.governor = *governor;
    p.freqs = *freqs;
    absl::StatusOr<std::vector<std::string>> governors =
        sysfs.AvailableGovernors(d.first_cpu());
    if (governors.ok()) p.available_governors = *governors;
    probe.cpufreq.push_back(std::move(p));
  }
}

}  // namespace

HostProbe ProbeHost(const std::string& root) {
  HostProbe probe;
  probe.root = root.empty() ? "/" : root;
  ProbeCpufreq(probe);

  ThermalZoneList zones = ListThermalZones(probe.root);
  probe.thermal_zones = std::move(zones.zones);
  for (std::string& s : zones.skipped) probe.problems.push_back(std::move(s));

  RaplDomainList rapl = ListRaplDomains(probe.root);
  probe.rapl_domains = std::move(rapl.domains);
  for (std::string& s : rapl.skipped) probe.problems.push_back(std::move(s));

  const std::string stat_path = HostPath(probe.root, "proc/stat");
  if (SysfsPathExists(stat_path)) {
    absl::StatusOr<std::string> text = ReadSysfsFile(stat_path);
    absl::StatusOr<CpuTicks> ticks =
        text.ok() ? ParseProcStat(*text, "cpu", stat_path)
                  : absl::StatusOr<CpuTicks>(text.status());
    if (ticks.ok()) {
      probe.has_proc_stat = true;
      probe.online_cpus = ProcStatCpus(*text);
    } else {
      probe.problems.push_back(std::string(ticks.status().message()));
    }
  }
  return probe;
}

std::string HostProbe::Summary() const {
  std::string out = absl::StrCat("host ", root, ": ");
  if (cpufreq.empty()) {
    out += "no cpufreq";
  } else {
    std::vector<std::string> policies;
    for (const HostCpufreqPolicy& p : cpufreq) {
      policies.push_back(absl::StrCat(
          p.name, ": cpus ", CpuRanges(p.cpus), ", ", p.governor, ", ",
          p.freqs.freqs_khz.size(), " freqs ", p.freqs.freqs_khz.front() / 1000,
          "-", p.max_khz() / 1000, " MHz",
          p.freqs.from_cpuinfo ? " (cpuinfo limits only)" : ""));
    }
    absl::StrAppend(&out, "cpufreq ", cpufreq.size(),
                    cpufreq.size() == 1 ? " policy (" : " policies (",
                    absl::StrJoin(policies, "; "), ")");
  }
  if (thermal_zones.empty()) {
    out += ", no thermal zones";
  } else {
    std::vector<std::string> types;
    for (const ThermalZoneInfo& z : thermal_zones) types.push_back(z.type);
    absl::StrAppend(&out, ", thermal zones [", absl::StrJoin(types, ", "), "]");
  }
  if (rapl_domains.empty()) {
    out += ", RAPL none";
  } else {
    std::vector<std::string> names;
    for (const RaplDomainInfo& d : rapl_domains) names.push_back(d.name);
    absl::StrAppend(&out, ", RAPL [", absl::StrJoin(names, ", "), "]");
  }
  if (has_proc_stat) {
    absl::StrAppend(&out, ", /proc/stat ", online_cpus.size(), " CPUs");
  } else {
    out += ", no /proc/stat";
  }
  if (!problems.empty()) {
    absl::StrAppend(&out, "; unreadable: ", absl::StrJoin(problems, "; "));
  }
  return out;
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
                                  std::move(actuator));
}

}  // namespace joule
