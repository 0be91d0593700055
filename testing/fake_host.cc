#include "testing/fake_host.h"

#include "absl/strings/str_cat.h"

namespace joule {

std::string PolicyFile(int policy, const std::string& file) {
  return absl::StrCat(kFakeCpuDir, "/cpufreq/policy", policy, "/", file);
}

void BuildFullHost(FakeTree& tree) {
  BuildFakeCpufreqTree(tree);
  tree.Write("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
  tree.Write("sys/class/thermal/thermal_zone0/temp", "41000\n");
  tree.Write("sys/class/powercap/intel-rapl:0/name", "package-0\n");
  tree.Write("sys/class/powercap/intel-rapl:0/max_energy_range_uj",
             "1000000\n");
  tree.Write("sys/class/powercap/intel-rapl:0/energy_uj", "10\n");
  tree.Write("proc/stat",
             "cpu 1 0 1 10 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\n"
             "cpu1 0 0 0 0 0 0 0 0 0 0\ncpu2 0 0 0 0 0 0 0 0 0 0\n"
             "cpu3 0 0 0 0 0 0 0 0 0 0\n");
}

void BuildFakeCpufreqTree(FakeTree& tree) {
  struct Policy {
    int n;
    const char* cpus;
    const char* freqs;  // as a driver may list them: not sorted
    const char* min;
    const char* max;
    const char* cur;
    const char* stats;
  };
  const Policy policies[] = {
      {0, "0 1", "1800000 1000000 1400000 1200000\n", "1000000", "1800000",
       "1400000", "1000000 100\n1200000 200\n1400000 300\n1800000 400\n"},
      {2, "2 3", "1200000 1600000 2400000\n", "1200000", "2400000", "1600000",
       "1200000 50\n1600000 60\n2400000 70\n"},
  };
  for (const Policy& p : policies) {
    auto file = [&](const char* name, const std::string& v) {
      tree.Write(PolicyFile(p.n, name), v);
    };
    file("related_cpus", absl::StrCat(p.cpus, "\n"));
    file("affected_cpus", absl::StrCat(p.cpus, "\n"));
    file("scaling_governor", "schedutil\n");
    file("scaling_available_governors",
         "conservative ondemand userspace powersave performance schedutil\n");
    file("scaling_available_frequencies", p.freqs);
    file("cpuinfo_min_freq", absl::StrCat(p.min, "\n"));
    file("cpuinfo_max_freq", absl::StrCat(p.max, "\n"));
    file("scaling_min_freq", absl::StrCat(p.min, "\n"));
    file("scaling_max_freq", absl::StrCat(p.max, "\n"));
    file("scaling_cur_freq", absl::StrCat(p.cur, "\n"));
    file("scaling_setspeed", absl::StrCat(p.cur, "\n"));
    file("stats/time_in_state", p.stats);
    for (int cpu = p.n; cpu < p.n + 2; ++cpu) {
      tree.Symlink(absl::StrCat(kFakeCpuDir, "/cpu", cpu, "/cpufreq"),
                   absl::StrCat("../cpufreq/policy", p.n));
    }
  }
}

}  // namespace joule
