#include "platform/linux/proc_stat.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "platform/linux/sysfs.h"

namespace joule {

CpuTicks& CpuTicks::operator+=(const CpuTicks& o) {
  user += o.user;
  nice += o.nice;
  system += o.system;
  idle += o.idle;
  iowait += o.iowait;
  irq += o.irq;
  softirq += o.softirq;
  steal += o.steal;
  return *this;
}

absl::StatusOr<CpuTicks> ParseProcStat(absl::string_view text,
                                       absl::string_view label,
                                       const std::string& source) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> f =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (f.empty() || f[0] != label) continue;
    const std::string where = absl::StrCat(source, " \"", label, "\" line");
    if (f.size() < 5) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": expected at least 4 counters, got ", f.size() - 1));
    }
    CpuTicks t;
    uint64_t* order[] = {&t.user,   &t.nice, &t.system,  &t.idle,
                         &t.iowait, &t.irq,  &t.softirq, &t.steal};
    // guest and guest_nice (fields 9, 10) are parsed for strictness only.
    for (size_t i = 1; i < f.size(); ++i) {
      absl::StatusOr<uint64_t> v = ParseSysfsUint64(f[i], where);
      if (!v.ok()) return v.status();
      if (i - 1 < 8) *order[i - 1] = *v;
    }
    return t;
  }
  return absl::NotFoundError(absl::StrCat(source, ": no \"", label, "\" line"));
}

std::vector<int> ProcStatCpus(absl::string_view text) {
  std::vector<int> cpus;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view label = line.substr(0, line.find_first_of(" \t"));
    int n = -1;
    if (absl::ConsumePrefix(&label, "cpu") && !label.empty() &&
        absl::ascii_isdigit(static_cast<unsigned char>(label.front())) &&
        absl::SimpleAtoi(label, &n) && n >= 0) {
      cpus.push_back(n);
    }
  }
  return cpus;
}

double Utilization(const CpuTicks& prev, const CpuTicks& now) {
  const uint64_t prev_total = prev.total(), now_total = now.total();
  const uint64_t prev_busy = prev.busy(), now_busy = now.busy();
  if (now_total <= prev_total || now_busy < prev_busy) return 0;
  const double util = static_cast<double>(now_busy - prev_busy) /
                      static_cast<double>(now_total - prev_total);
  return util > 1 ? 1 : util;
}

absl::StatusOr<ProcStatUtilization> ProcStatUtilization::Open(
    const std::string& root, std::vector<int> cpus) {
  ProcStatUtilization u(HostPath(root, "proc/stat"), std::move(cpus));
  absl::StatusOr<CpuTicks> first = u.ReadTicks();
  if (!first.ok()) return first.status();
  u.last_ = *first;
  return u;
}

absl::StatusOr<CpuTicks> ProcStatUtilization::ReadTicks() const {
  absl::StatusOr<std::string> text = ReadSysfsFile(path_);
  if (!text.ok()) return text.status();
  if (cpus_.empty()) return ParseProcStat(*text, "cpu", path_);
  CpuTicks sum;
  for (int cpu : cpus_) {
    absl::StatusOr<CpuTicks> t =
        ParseProcStat(*text, absl::StrCat("cpu", cpu), path_);
    if (!t.ok()) return t.status();
    sum += *t;
  }
  return sum;
}

absl::StatusOr<double> ProcStatUtilization::Sample() {
  absl::StatusOr<CpuTicks> now = ReadTicks();
  if (!now.ok()) return now.status();
  const double util = Utilization(last_, *now);
  last_ = *now;
  return util;
}

}  // namespace joule
