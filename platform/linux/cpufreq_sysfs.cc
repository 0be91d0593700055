#include "platform/linux/cpufreq_sysfs.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/linux/sysfs.h"

namespace joule {
namespace {

constexpr char kCpuDir[] = "sys/devices/system/cpu";

// The kernel's CPUFREQ_NAME_LEN is 16 with the NUL.
bool ValidGovernorName(const std::string& name) {
  if (name.empty() || name.size() > 15) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

}  // namespace

SysfsCpufreq::SysfsCpufreq(std::string root) : root_(std::move(root)) {}

absl::StatusOr<std::string> SysfsCpufreq::PolicyDir(int cpu) const {
  const std::string per_cpu =
      HostPath(root_, absl::StrCat(kCpuDir, "/cpu", cpu, "/cpufreq"));
  if (SysfsIsDirectory(per_cpu)) return per_cpu;
  const std::string policy =
      HostPath(root_, absl::StrCat(kCpuDir, "/cpufreq/policy", cpu));
  if (SysfsIsDirectory(policy)) return policy;
  return absl::NotFoundError(
      absl::StrCat("cpu", cpu, " has no cpufreq: ", "neither ", per_cpu,
                   " nor ", policy, " is a directory"));
}

absl::StatusOr<std::string> SysfsCpufreq::FilePath(int cpu,
                                                   const char* file) const {
  absl::StatusOr<std::string> dir = PolicyDir(cpu);
  if (!dir.ok()) return dir.status();
  return absl::StrCat(*dir, "/", file);
}

absl::StatusOr<uint64_t> SysfsCpufreq::ReadFreq(int cpu,
                                                const char* file) const {
  absl::StatusOr<std::string> path = FilePath(cpu, file);
  if (!path.ok()) return path.status();
  absl::StatusOr<uint64_t> khz = ReadSysfsUint64(*path);
  if (!khz.ok()) return khz.status();
  if (absl::Status s = CheckPlausibleFreq(*khz, *path); !s.ok()) return s;
  return *khz;
}

absl::Status SysfsCpufreq::WriteFreq(int cpu, const char* file,
                                     uint64_t freq_khz) {
  absl::StatusOr<std::string> path = FilePath(cpu, file);
  if (!path.ok()) return path.status();
  if (absl::Status s = CheckPlausibleFreq(freq_khz, *path); !s.ok()) return s;
  return WriteSysfsFile(*path, absl::StrCat(freq_khz));
}

absl::StatusOr<std::string> SysfsCpufreq::Governor(int cpu) {
  absl::StatusOr<std::string> path = FilePath(cpu, "scaling_governor");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> name = ReadSysfsTrimmed(*path);
  if (!name.ok()) return name.status();
  if (!ValidGovernorName(*name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        *path, ": not a governor name: \"", absl::CHexEscape(*name), "\""));
  }
  return *name;
}

absl::StatusOr<std::vector<std::string>> SysfsCpufreq::AvailableGovernors(
    int cpu) {
  absl::StatusOr<std::string> path =
      FilePath(cpu, "scaling_available_governors");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> text = ReadSysfsTrimmed(*path);
  if (!text.ok()) return text.status();
  std::vector<std::string> names =
      absl::StrSplit(*text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  for (const std::string& n : names) {
    if (!ValidGovernorName(n)) {
      return absl::InvalidArgumentError(absl::StrCat(
          *path, ": not a governor name: \"", absl::CHexEscape(n), "\""));
    }
  }
  return names;
}

absl::StatusOr<AvailableFrequencies> SysfsCpufreq::AvailableFrequenciesKhz(
    int cpu) {
  absl::StatusOr<std::string> path =
      FilePath(cpu, "scaling_available_frequencies");
  if (!path.ok()) return path.status();
  AvailableFrequencies out;
  if (!SysfsPathExists(*path)) {
    absl::StatusOr<FreqRangeKhz> hw = HardwareLimitsKhz(cpu);
    if (!hw.ok()) return hw.status();
    out.freqs_khz = SortedUniqueFreqs({hw->min_khz, hw->max_khz});
    out.from_cpuinfo = true;
    return out;
  }
  absl::StatusOr<std::string> text = ReadSysfsTrimmed(*path);
  if (!text.ok()) return text.status();
  for (absl::string_view item :
       absl::StrSplit(*text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    absl::StatusOr<uint64_t> khz = ParseSysfsUint64(item, *path);
    if (!khz.ok()) return khz.status();
    if (absl::Status s = CheckPlausibleFreq(*khz, *path); !s.ok()) return s;
    out.freqs_khz.push_back(*khz);
  }
  out.freqs_khz = SortedUniqueFreqs(std::move(out.freqs_khz));
  return out;
}

absl::StatusOr<FreqRangeKhz> SysfsCpufreq::HardwareLimitsKhz(int cpu) {
  absl::StatusOr<uint64_t> min = ReadFreq(cpu, "cpuinfo_min_freq");
  if (!min.ok()) return min.status();
  absl::StatusOr<uint64_t> max = ReadFreq(cpu, "cpuinfo_max_freq");
  if (!max.ok()) return max.status();
  if (*min > *max) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu", cpu, ": cpuinfo_min_freq ", *min,
                     " is above cpuinfo_max_freq ", *max));
  }
  return FreqRangeKhz{*min, *max};
}

absl::StatusOr<FreqRangeKhz> SysfsCpufreq::ScalingLimitsKhz(int cpu) {
  absl::StatusOr<uint64_t> min = ReadFreq(cpu, "scaling_min_freq");
  if (!min.ok()) return min.status();
  absl::StatusOr<uint64_t> max = ReadFreq(cpu, "scaling_max_freq");
  if (!max.ok()) return max.status();
  return FreqRangeKhz{*min, *max};
}

absl::StatusOr<uint64_t> SysfsCpufreq::CurrentFreqKhz(int cpu) {
  return ReadFreq(cpu, "scaling_cur_freq");
}

absl::StatusOr<std::vector<TimeInState>> SysfsCpufreq::TimeInStates(int cpu) {
  absl::StatusOr<std::string> path = FilePath(cpu, "stats/time_in_state");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> text = ReadSysfsTrimmed(*path);
  if (!text.ok()) return text.status();
  std::vector<TimeInState> out;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          *path, ": expected \"<freq_khz> <time_10ms>\" lines, got \"",
          absl::CHexEscape(line), "\""));
    }
    absl::StatusOr<uint64_t> khz = ParseSysfsUint64(fields[0], *path);
    if (!khz.ok()) return khz.status();
    if (absl::Status s = CheckPlausibleFreq(*khz, *path); !s.ok()) return s;
    absl::StatusOr<uint64_t> time_10ms = ParseSysfsUint64(fields[1], *path);
    if (!time_10ms.ok()) return time_10ms.status();
    out.push_back(TimeInState{*khz, *time_10ms * 10});
  }
  return out;
}

absl::Status SysfsCpufreq::SetGovernor(int cpu, const std::string& governor) {
  absl::StatusOr<std::string> path = FilePath(cpu, "scaling_governor");
  if (!path.ok()) return path.status();
  if (!ValidGovernorName(governor)) {
    return absl::InvalidArgumentError(absl::StrCat(
        *path, ": not a governor name: \"", absl::CHexEscape(governor), "\""));
  }
  return WriteSysfsFile(*path, governor);
}

absl::Status SysfsCpufreq::SetSpeedKhz(int cpu, uint64_t freq_khz) {
  return WriteFreq(cpu, "scaling_setspeed", freq_khz);
}

absl::Status SysfsCpufreq::SetMaxFreqKhz(int cpu, uint64_t freq_khz) {
  return WriteFreq(cpu, "scaling_max_freq", freq_khz);
}

absl::StatusOr<std::vector<CpufreqPolicyDir>> ListCpufreqPolicies(
    const std::string& root) {
  std::vector<CpufreqPolicyDir> out;
  const std::string cpufreq_dir =
      HostPath(root, absl::StrCat(kCpuDir, "/cpufreq"));
  absl::StatusOr<std::vector<std::string>> names =
      ListSysfsDirectory(cpufreq_dir);
  for (const std::string& name :
       names.ok() ? *names : std::vector<std::string>{}) {
    const int n = SysfsIndexAfter(name, "policy");
    const std::string path = absl::StrCat(cpufreq_dir, "/", name);
    if (n < 0 || !SysfsIsDirectory(path)) continue;
    CpufreqPolicyDir p{name, path, {n}};
    for (const char* file : {"related_cpus", "affected_cpus"}) {
      const std::string list = absl::StrCat(path, "/", file);
      if (!SysfsPathExists(list)) continue;
      absl::StatusOr<std::string> text = ReadSysfsFile(list);
      if (!text.ok()) return text.status();
      absl::StatusOr<std::vector<int>> cpus = ParseCpuList(*text, list);
      if (!cpus.ok()) return cpus.status();
      p.cpus = *cpus;
      break;
    }
    out.push_back(std::move(p));
  }
  if (out.empty()) {
    // Older kernels: cpuN/cpufreq, shared policies as symlinks to one
    // directory; group the CPUs by where their directory really is.
    const std::string cpu_dir = HostPath(root, kCpuDir);
    absl::StatusOr<std::vector<std::string>> cpus = ListSysfsDirectory(cpu_dir);
    std::map<std::string, CpufreqPolicyDir> by_target;
    for (const std::string& name :
         cpus.ok() ? *cpus : std::vector<std::string>{}) {
      const int n = SysfsIndexAfter(name, "cpu");
      const std::string path = absl::StrCat(cpu_dir, "/", name, "/cpufreq");
      if (n < 0 || !SysfsIsDirectory(path)) continue;
      char* real = realpath(path.c_str(), nullptr);
      const std::string target = real ? real : path;
      free(real);
      CpufreqPolicyDir& p = by_target[target];
      if (p.cpus.empty()) p = CpufreqPolicyDir{name, path, {}};
      p.cpus.push_back(n);
    }
    for (auto& [target, p] : by_target) {
      std::sort(p.cpus.begin(), p.cpus.end());
      p.name = absl::StrCat("cpu", p.cpus.front());
      p.path = HostPath(root, absl::StrCat(kCpuDir, "/", p.name, "/cpufreq"));
      out.push_back(std::move(p));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const CpufreqPolicyDir& a, const CpufreqPolicyDir& b) {
              return a.first_cpu() < b.first_cpu();
            });
  return out;
}

}  // namespace joule
