#include "devices/host_probe.h"

#include <cmath>
#include <memory>
#include <string>

#include "devices/cpufreq_backend_test_cases.h"
#include "devices/linux_test_tree.h"
#include "devices/simulated_executor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

DeviceSpec ProfileCpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1200000, 675, 1.465}, PState{2400000, 1000, 5.475}};
  s.static_power_w = 0.4;
  s.peak_ops_per_s[static_cast<int>(Precision::kFp32)] = 1e11;
  return s;
}

// A host with everything: the two-policy cpufreq tree, a CPU thermal zone,
// a RAPL package and /proc/stat.
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

TEST(HostProbeTest, AnEmptyRootHasNothing) {
  FakeTree empty;
  HostProbe probe = ProbeHost(empty.root());
  EXPECT_FALSE(probe.has_cpufreq());
  EXPECT_THAT(probe.thermal_zones, IsEmpty());
  EXPECT_THAT(probe.rapl_domains, IsEmpty());
  EXPECT_FALSE(probe.has_proc_stat);
  EXPECT_THAT(probe.problems, IsEmpty());
  EXPECT_EQ(probe.Summary(),
            "host " + empty.root() +
                ": no cpufreq, no thermal zones, RAPL none, no /proc/stat");
  EXPECT_TRUE(
      absl::IsFailedPrecondition(HostCpuSpec(ProfileCpu(), probe).status()));
  ManualClock clock;
  EXPECT_EQ(MakeHostCpuDevice(ProfileCpu(), probe, &clock,
                              std::make_unique<SimulatedExecutor>(&clock)),
            nullptr);
}

TEST(HostProbeTest, FindsEverythingOnAFullHost) {
  FakeTree tree;
  BuildFullHost(tree);
  HostProbe probe = ProbeHost(tree.root());
  ASSERT_EQ(probe.cpufreq.size(), 2u);
  EXPECT_EQ(probe.cpufreq[0].name, "policy0");
  EXPECT_THAT(probe.cpufreq[0].cpus, ElementsAre(0, 1));
  EXPECT_THAT(probe.cpufreq[0].freqs.freqs_khz,
              ElementsAre(1000000, 1200000, 1400000, 1800000));
  EXPECT_EQ(probe.thermal_zones.size(), 1u);
  EXPECT_EQ(probe.rapl_domains.size(), 1u);
  EXPECT_TRUE(probe.has_proc_stat);
  EXPECT_THAT(probe.online_cpus, ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(probe.Summary(),
            "host " + tree.root() +
                ": cpufreq 2 policies (policy0: cpus 0-1, schedutil, 4 freqs "
                "1000-1800 MHz; policy2: cpus 2-3, schedutil, 3 freqs "
                "1200-2400 MHz), thermal zones [cpu-thermal], RAPL "
                "[package-0], /proc/stat 4 CPUs");
}

TEST(HostProbeTest, ReportsWhatItCannotRead) {
  FakeTree tree;
  BuildFullHost(tree);
  tree.Write(PolicyFile(2, "scaling_available_frequencies"), "abc\n");
  tree.Write("proc/stat", "nonsense\n");
  HostProbe probe = ProbeHost(tree.root());
  ASSERT_EQ(probe.cpufreq.size(), 1u);
  EXPECT_FALSE(probe.has_proc_stat);
  ASSERT_EQ(probe.problems.size(), 2u);
  EXPECT_THAT(probe.problems[0], HasSubstr("policy2"));
  EXPECT_THAT(probe.Summary(), HasSubstr("unreadable: policy2"));
}

TEST(HostCpuSpecTest, BuildsAscendingPStatesFromTheFastestPolicy) {
  FakeTree tree;
  BuildFullHost(tree);
  HostProbe probe = ProbeHost(tree.root());
  absl::StatusOr<DeviceSpec> spec = HostCpuSpec(ProfileCpu(), probe);
  ASSERT_TRUE(spec.ok()) << spec.status();
  // policy2 reaches 2.4 GHz: its list, ascending.
  ASSERT_EQ(spec->pstates.size(), 3u);
  const double top_w = 5.475;
  const uint64_t want_khz[] = {1200000, 1600000, 2400000};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(spec->pstates[i].freq_khz, want_khz[i]);
    EXPECT_EQ(spec->pstates[i].voltage_mv, 0u);
    EXPECT_DOUBLE_EQ(spec->pstates[i].dynamic_power_w,
                     top_w * std::pow(want_khz[i] / 2400000.0, 3));
  }
  // Everything else is the profile's.
  EXPECT_EQ(spec->name, "cpu0");
  EXPECT_EQ(spec->static_power_w, 0.4);
  EXPECT_EQ(spec->peak_ops(Precision::kFp32), 1e11);

  // One policy listing its frequencies out of order: sorted.
  tree.Remove(std::string(kFakeCpuDir) + "/cpufreq/policy2");
  probe = ProbeHost(tree.root());
  spec = HostCpuSpec(ProfileCpu(), probe);
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->pstates.size(), 4u);
  EXPECT_EQ(spec->pstates.front().freq_khz, 1000000u);
  EXPECT_EQ(spec->pstates.back().freq_khz, 1800000u);
  EXPECT_DOUBLE_EQ(spec->pstates.back().dynamic_power_w, top_w);
  for (size_t i = 1; i < spec->pstates.size(); ++i) {
    EXPECT_LT(spec->pstates[i - 1].freq_khz, spec->pstates[i].freq_khz);
    EXPECT_LT(spec->pstates[i - 1].dynamic_power_w,
              spec->pstates[i].dynamic_power_w);
  }

  DeviceSpec npu = ProfileCpu();
  npu.kind = DeviceKind::kNpu;
  EXPECT_TRUE(absl::IsInvalidArgument(HostCpuSpec(npu, probe).status()));
}

TEST(MakeHostCpuDeviceTest, WiresRealSensorAndActuator) {
  FakeTree tree;
  BuildFullHost(tree);
  HostProbe probe = ProbeHost(tree.root());
  DeviceSpec spec = *HostCpuSpec(ProfileCpu(), probe);
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeHostCpuDevice(
      spec, probe, &clock, std::make_unique<SimulatedExecutor>(&clock));
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->sensor().backend(), "procfs+thermal+rapl");
  // The top P-state (2.4 GHz) was applied: each policy at its fastest.
  EXPECT_EQ(tree.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
  EXPECT_EQ(tree.FirstWord(PolicyFile(2, "scaling_max_freq")), "2400000");
  ASSERT_TRUE(dev->ApplyPState(0).ok());  // 1.2 GHz
  EXPECT_EQ(tree.FirstWord(PolicyFile(0, "scaling_max_freq")), "1200000");
  EXPECT_EQ(tree.FirstWord(PolicyFile(2, "scaling_max_freq")), "1200000");
  absl::StatusOr<SensorReading> r = dev->sensor().Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->temp_mc, 41000);
  dev.reset();  // restores the caps it found
  EXPECT_EQ(tree.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
}

TEST(MakeHostCpuDeviceTest, ProcStatOnlyHostModelsTheRest) {
  FakeTree tree;
  tree.Write("proc/stat",
             "cpu 1 0 1 10 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\n");
  HostProbe probe = ProbeHost(tree.root());
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeHostCpuDevice(
      ProfileCpu(), probe, &clock, std::make_unique<SimulatedExecutor>(&clock));
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->sensor().backend(), "procfs (temp ambient, power modelled)");
  EXPECT_TRUE(dev->ApplyPState(0).ok());
}

// This machine, whatever it has: /proc/stat at least.
TEST(HostProbeTest, ProbesTheRealHost) {
  HostProbe probe = ProbeHost("/");
  EXPECT_TRUE(probe.has_proc_stat);
  EXPECT_THAT(probe.online_cpus, ::testing::Not(IsEmpty()));
  EXPECT_THAT(probe.Summary(), HasSubstr("host /: "));
  if (!probe.has_cpufreq()) {
    EXPECT_TRUE(
        absl::IsFailedPrecondition(HostCpuSpec(ProfileCpu(), probe).status()));
  }
}

}  // namespace
}  // namespace joule
