#include "platform/linux/cpufreq_libcpufreq.h"

#include <cpufreq.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace joule {
namespace {

// Where libcpufreq reads CPU `cpu`'s `file`.
std::string LibPath(int cpu, const char* file) {
  return absl::StrCat("/sys/devices/system/cpu/cpu", cpu, "/cpufreq",
                      *file ? "/" : "", file);
}

// NotFound (with ENOENT's text) for the first of `files` that is missing,
// or for a CPU without cpufreq; OkStatus if all are there.
absl::Status MissingFile(int cpu, std::initializer_list<const char*> files) {
  struct stat st;
  const std::string dir = LibPath(cpu, "");
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat(
        "cpu", cpu, " has no cpufreq: ", dir, ": ", std::strerror(ENOENT)));
  }
  for (const char* file : files) {
    const std::string path = LibPath(cpu, file);
    if (stat(path.c_str(), &st) != 0) {
      return absl::ErrnoToStatus(errno, path);
    }
  }
  return absl::OkStatus();
}

// Why a libcpufreq read of `files` returned nothing.
absl::Status ReadFailure(int cpu, const char* call,
                         std::initializer_list<const char*> files) {
  if (absl::Status missing = MissingFile(cpu, files); !missing.ok()) {
    return missing;
  }
  std::string names;
  for (const char* f : files) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", LibPath(cpu, f));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("libcpufreq ", call, "(cpu", cpu, ") failed: ", names,
                   ": unreadable or not a valid value"));
}

// Why a libcpufreq write of `file` failed (it only ever says -ENODEV).
absl::Status WriteFailure(int cpu, const char* call, const char* file,
                          const std::string& value, int ret) {
  if (absl::Status missing = MissingFile(cpu, {file}); !missing.ok()) {
    return missing;
  }
  const std::string path = LibPath(cpu, file);
  struct stat st;
  const bool is_dir = stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  return absl::UnavailableError(absl::StrCat(
      "libcpufreq ", call, "(cpu", cpu, ", ", value, ") failed writing ", path,
      ": ", is_dir ? std::strerror(EISDIR) : "write refused",
      " (libcpufreq: ", std::strerror(ret < 0 ? -ret : ret), ")"));
}

absl::Status Plausible(int cpu, const char* file, unsigned long khz) {
  return CheckPlausibleFreq(khz, LibPath(cpu, file));
}

}  // namespace

absl::StatusOr<std::string> LibCpufreqBackend::Governor(int cpu) {
  cpufreq_policy* p = cpufreq_get_policy(static_cast<unsigned>(cpu));
  if (p == nullptr || p->governor == nullptr || !*p->governor) {
    if (p) cpufreq_put_policy(p);
    return ReadFailure(
        cpu, "cpufreq_get_policy",
        {"scaling_governor", "scaling_min_freq", "scaling_max_freq"});
  }
  std::string governor = p->governor;
  cpufreq_put_policy(p);
  return governor;
}

absl::StatusOr<std::vector<std::string>> LibCpufreqBackend::AvailableGovernors(
    int cpu) {
  cpufreq_available_governors* first =
      cpufreq_get_available_governors(static_cast<unsigned>(cpu));
  if (first == nullptr) {
    return ReadFailure(cpu, "cpufreq_get_available_governors",
                       {"scaling_available_governors"});
  }
  std::vector<std::string> out;
  for (auto* g = first; g; g = g->next) out.emplace_back(g->governor);
  cpufreq_put_available_governors(first);
  return out;
}

absl::StatusOr<AvailableFrequencies> LibCpufreqBackend::AvailableFrequenciesKhz(
    int cpu) {
  const char* kFile = "scaling_available_frequencies";
  AvailableFrequencies out;
  cpufreq_available_frequencies* first =
      cpufreq_get_available_frequencies(static_cast<unsigned>(cpu));
  if (first == nullptr) {
    struct stat st;
    if (stat(LibPath(cpu, kFile).c_str(), &st) != 0 && errno == ENOENT) {
      absl::StatusOr<FreqRangeKhz> hw = HardwareLimitsKhz(cpu);
      if (!hw.ok()) return hw.status();
      out.freqs_khz = SortedUniqueFreqs({hw->min_khz, hw->max_khz});
      out.from_cpuinfo = true;
      return out;
    }
    return ReadFailure(cpu, "cpufreq_get_available_frequencies", {kFile});
  }
  absl::Status bad;
  for (auto* f = first; f; f = f->next) {
    if (absl::Status s = Plausible(cpu, kFile, f->frequency); !s.ok()) bad = s;
    out.freqs_khz.push_back(f->frequency);
  }
  cpufreq_put_available_frequencies(first);
  if (!bad.ok()) return bad;
  out.freqs_khz = SortedUniqueFreqs(std::move(out.freqs_khz));
  return out;
}

absl::StatusOr<FreqRangeKhz> LibCpufreqBackend::HardwareLimitsKhz(int cpu) {
  unsigned long min = 0, max = 0;
  if (cpufreq_get_hardware_limits(static_cast<unsigned>(cpu), &min, &max) !=
      0) {
    return ReadFailure(cpu, "cpufreq_get_hardware_limits",
                       {"cpuinfo_min_freq", "cpuinfo_max_freq"});
  }
  if (absl::Status s = Plausible(cpu, "cpuinfo_min_freq", min); !s.ok())
    return s;
  if (absl::Status s = Plausible(cpu, "cpuinfo_max_freq", max); !s.ok())
    return s;
  if (min > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu", cpu, ": cpuinfo_min_freq ", min,
                     " is above cpuinfo_max_freq ", max));
  }
  return FreqRangeKhz{min, max};
}

absl::StatusOr<FreqRangeKhz> LibCpufreqBackend::ScalingLimitsKhz(int cpu) {
  cpufreq_policy* p = cpufreq_get_policy(static_cast<unsigned>(cpu));
  if (p == nullptr) {
    return ReadFailure(
        cpu, "cpufreq_get_policy",
        {"scaling_governor", "scaling_min_freq", "scaling_max_freq"});
  }
  FreqRangeKhz r{p->min, p->max};
  cpufreq_put_policy(p);
  if (absl::Status s = Plausible(cpu, "scaling_min_freq", r.min_khz); !s.ok())
    return s;
  if (absl::Status s = Plausible(cpu, "scaling_max_freq", r.max_khz); !s.ok())
    return s;
  return r;
}

absl::StatusOr<uint64_t> LibCpufreqBackend::CurrentFreqKhz(int cpu) {
  const unsigned long khz = cpufreq_get_freq_kernel(static_cast<unsigned>(cpu));
  if (khz == 0) {
    return ReadFailure(cpu, "cpufreq_get_freq_kernel", {"scaling_cur_freq"});
  }
  if (absl::Status s = Plausible(cpu, "scaling_cur_freq", khz); !s.ok())
    return s;
  return khz;
}

absl::StatusOr<std::vector<TimeInState>> LibCpufreqBackend::TimeInStates(
    int cpu) {
  unsigned long long total_10ms = 0;
  cpufreq_stats* first =
      cpufreq_get_stats(static_cast<unsigned>(cpu), &total_10ms);
  if (first == nullptr) {
    return ReadFailure(cpu, "cpufreq_get_stats", {"stats/time_in_state"});
  }
  std::vector<TimeInState> out;
  absl::Status bad;
  for (auto* s = first; s; s = s->next) {
    if (absl::Status st = Plausible(cpu, "stats/time_in_state", s->frequency);
        !st.ok()) {
      bad = st;
    }
    out.push_back(TimeInState{s->frequency, s->time_in_state * 10});
  }
  cpufreq_put_stats(first);
  if (!bad.ok()) return bad;
  return out;
}

absl::Status LibCpufreqBackend::SetGovernor(int cpu,
                                            const std::string& governor) {
  // Checked here: libcpufreq's own -EINVAL is lost to its /proc fallback.
  const bool valid =
      !governor.empty() && governor.size() <= 15 &&
      std::all_of(governor.begin(), governor.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               c == '-';
      });
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        LibPath(cpu, "scaling_governor"), ": not a governor name: \"",
        absl::CHexEscape(governor), "\""));
  }
  std::string copy = governor;  // libcpufreq takes a char*
  const int ret =
      cpufreq_modify_policy_governor(static_cast<unsigned>(cpu), copy.data());
  if (ret != 0) {
    return WriteFailure(cpu, "cpufreq_modify_policy_governor",
                        "scaling_governor", governor, ret);
  }
  return absl::OkStatus();
}

absl::Status LibCpufreqBackend::SetSpeedKhz(int cpu, uint64_t freq_khz) {
  const char* kFile = "scaling_setspeed";
  if (absl::Status s = Plausible(cpu, kFile, freq_khz); !s.ok()) return s;
  absl::StatusOr<std::string> governor = Governor(cpu);
  if (!governor.ok()) return governor.status();
  if (*governor != "userspace") {
    return absl::FailedPreconditionError(
        absl::StrCat(LibPath(cpu, kFile), ": needs the userspace governor, cpu",
                     cpu, " runs ", *governor));
  }
  const int ret = cpufreq_set_frequency(static_cast<unsigned>(cpu), freq_khz);
  if (ret != 0) {
    return WriteFailure(cpu, "cpufreq_set_frequency", kFile,
                        absl::StrCat(freq_khz), ret);
  }
  return absl::OkStatus();
}

absl::Status LibCpufreqBackend::SetMaxFreqKhz(int cpu, uint64_t freq_khz) {
  const char* kFile = "scaling_max_freq";
  if (absl::Status s = Plausible(cpu, kFile, freq_khz); !s.ok()) return s;
  const int ret =
      cpufreq_modify_policy_max(static_cast<unsigned>(cpu), freq_khz);
  if (ret != 0) {
    return WriteFailure(cpu, "cpufreq_modify_policy_max", kFile,
                        absl::StrCat(freq_khz), ret);
  }
  return absl::OkStatus();
}

}  // namespace joule
