#include "platform/linux/host_probe.h"

#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/linux/cpufreq_sysfs.h"
#include "platform/linux/proc_stat.h"
#include "platform/linux/sysfs.h"
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

}  // namespace joule
