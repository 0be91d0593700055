// The host probe: what the machine jouled runs on really has (cpufreq
// policies and their frequencies, thermal zones, RAPL domains, /proc/stat).
// Everything reads under `root` ("/" on a real host), so tests probe fake
// trees. devices/host_cpu.h builds the host CPU device from a probe
// (docs/ARCHITECTURE.md, "Devices"); the daemon logs Summary() at start-up.
//
// Stateless functions; safe to call from any thread. A HostProbe is a plain
// value.
#ifndef JOULE_PLATFORM_LINUX_HOST_PROBE_H_
#define JOULE_PLATFORM_LINUX_HOST_PROBE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "platform/linux/cpufreq_backend.h"
#include "platform/linux/cpufreq_controller.h"
#include "platform/linux/rapl.h"
#include "platform/linux/thermal_zone.h"

namespace joule {

struct HostCpufreqPolicy {
  std::string name;       // "policy0"
  std::vector<int> cpus;  // the CPUs it governs, ascending
  std::string governor;
  std::vector<std::string> available_governors;  // empty if unreadable
  AvailableFrequencies freqs;
  int first_cpu() const { return cpus.front(); }
  uint64_t max_khz() const { return freqs.freqs_khz.back(); }
};

struct HostProbe {
  std::string root = "/";
  std::vector<HostCpufreqPolicy> cpufreq;  // by first CPU
  std::vector<ThermalZoneInfo> thermal_zones;
  std::vector<RaplDomainInfo> rapl_domains;
  bool has_proc_stat = false;
  std::vector<int> online_cpus;  // the cpuN lines of /proc/stat
  // What is there but could not be read, one line each (path and error).
  std::vector<std::string> problems;

  bool has_cpufreq() const { return !cpufreq.empty(); }
  // One line for the start-up log, e.g. "host /: cpufreq 1 policy
  // (policy0: cpus 0-3, schedutil, 6 freqs 408-1800 MHz), thermal zones
  // [cpu-thermal], RAPL none, /proc/stat 4 CPUs"; on a host without them
  // "host /: no cpufreq, no thermal zones, RAPL none, /proc/stat 2 CPUs".
  std::string Summary() const;
};

// Looks at everything under `root`; never fails: what is absent is empty
// and what is broken is in `problems`.
HostProbe ProbeHost(const std::string& root = "/");

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_HOST_PROBE_H_
