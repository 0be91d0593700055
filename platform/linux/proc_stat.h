// CPU utilisation from ROOT/proc/stat (proc(5)): the "cpu" line (all CPUs)
// or the "cpuN" lines, in USER_HZ ticks:
//   cpu  user nice system idle iowait irq softirq steal guest guest_nice
// guest and guest_nice are already counted in user and nice, so
//   total = user + nice + system + idle + iowait + irq + softirq + steal
//   busy  = total − idle − iowait
//   util  = Δbusy / Δtotal over an interval, in [0, 1].
// Kernels before 2.6.33 print fewer fields; missing ones count as 0, but at
// least user, nice, system and idle must be there.
//
// Thread-safety: the functions are stateless; a ProcStatUtilization is not
// thread-safe (one reader: the governor thread).
#ifndef JOULE_PLATFORM_LINUX_PROC_STAT_H_
#define JOULE_PLATFORM_LINUX_PROC_STAT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace joule {

struct CpuTicks {
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
           softirq = 0, steal = 0;

  uint64_t total() const {
    return user + nice + system + idle + iowait + irq + softirq + steal;
  }
  uint64_t busy() const { return total() - idle - iowait; }
  CpuTicks& operator+=(const CpuTicks& o);
};

// The counters of the line labelled `label` ("cpu", "cpu3") in the text of
// /proc/stat; `source` names it in errors. NotFound if no such line,
// InvalidArgument if its numbers do not parse.
absl::StatusOr<CpuTicks> ParseProcStat(absl::string_view text,
                                       absl::string_view label,
                                       const std::string& source);

// The CPU numbers with a "cpuN" line (the online CPUs), ascending.
std::vector<int> ProcStatCpus(absl::string_view text);

// Δbusy/Δtotal clamped to [0, 1]; 0 when no tick passed or a counter went
// backwards (a CPU went offline and its ticks left the sum).
double Utilization(const CpuTicks& prev, const CpuTicks& now);

class ProcStatUtilization {
 public:
  // Reads the counters once, so the first Sample covers the time since
  // Open. `cpus` empty: the aggregate "cpu" line; else the sum of those
  // cpuN lines.
  static absl::StatusOr<ProcStatUtilization> Open(const std::string& root,
                                                  std::vector<int> cpus = {});

  // Utilisation since the previous Sample (or Open). On error nothing
  // changes.
  absl::StatusOr<double> Sample();

  const std::string& path() const { return path_; }

 private:
  ProcStatUtilization(std::string path, std::vector<int> cpus)
      : path_(std::move(path)), cpus_(std::move(cpus)) {}
  absl::StatusOr<CpuTicks> ReadTicks() const;

  std::string path_;
  std::vector<int> cpus_;
  CpuTicks last_;
};

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_PROC_STAT_H_
