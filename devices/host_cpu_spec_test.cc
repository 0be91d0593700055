// HostCpuSpec and MakeHostCpuDevice (host_cpu.h) on fake hosts.
#include <cmath>
#include <memory>
#include <string>

#include "devices/host_cpu.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_executor.h"
#include "testing/fake_host.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

DeviceSpec ProfileCpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1200000, 675, 1.465}, PState{2400000, 1000, 5.475}};
  s.static_power_w = 0.4;
  s.peak_ops_per_s[static_cast<int>(Precision::kFp32)] = 1e11;
  return s;
}

TEST(HostCpuSpecTest, AnEmptyHostKeepsTheProfile) {
  FakeTree empty;
  HostProbe probe = ProbeHost(empty.root());
  EXPECT_TRUE(
      absl::IsFailedPrecondition(HostCpuSpec(ProfileCpu(), probe).status()));
  ManualClock clock;
  EXPECT_EQ(MakeHostCpuDevice(ProfileCpu(), probe, &clock,
                              std::make_unique<FakeExecutor>()),
            nullptr);
}

TEST(HostCpuSpecTest, ARealHostWithoutCpufreqKeepsTheProfile) {
  HostProbe probe = ProbeHost("/");
  if (!probe.has_cpufreq()) {
    EXPECT_TRUE(
        absl::IsFailedPrecondition(HostCpuSpec(ProfileCpu(), probe).status()));
  }
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
  std::unique_ptr<Device> dev =
      MakeHostCpuDevice(spec, probe, &clock, std::make_unique<FakeExecutor>());
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
      ProfileCpu(), probe, &clock, std::make_unique<FakeExecutor>());
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->sensor().backend(), "procfs (temp ambient, power modelled)");
  EXPECT_TRUE(dev->ApplyPState(0).ok());
}

}  // namespace
}  // namespace joule
