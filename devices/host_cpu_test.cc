#include "devices/host_cpu.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "devices/device.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/linux/cpufreq_sysfs.h"
#include "testing/fake_executor.h"
#include "testing/fake_host.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

// user nice system idle iowait: 25% busy between the two.
constexpr char kStat0[] = "cpu 100 0 0 300 0 0 0 0 0 0\n";
constexpr char kStat1[] = "cpu 150 0 0 450 0 0 0 0 0 0\n";

DeviceSpec Spec() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1000000, 0, 1.0}, PState{1400000, 0, 2.0},
               PState{1800000, 0, 4.0}};
  s.static_power_w = 0.5;
  s.ambient_c = 25.0;
  return s;
}

class LinuxDeviceTest : public ::testing::Test {
 protected:
  LinuxDeviceTest() {
    tree_.Write("proc/stat", kStat0);
    tree_.Write("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
    tree_.Write("sys/class/thermal/thermal_zone0/temp", "48500\n");
    tree_.Write("sys/class/powercap/intel-rapl:0/name", "package-0\n");
    tree_.Write("sys/class/powercap/intel-rapl:0/max_energy_range_uj",
                "1000000000\n");
    tree_.Write("sys/class/powercap/intel-rapl:0/energy_uj", "0\n");
  }

  // A sensor with the parts asked for and the P-state it shares.
  std::unique_ptr<LinuxCpuSensor> MakeSensor(bool thermal, bool rapl) {
    std::optional<ThermalZone> zone;
    if (thermal) zone = *ThermalZone::OpenCpu(tree_.root());
    std::optional<RaplEnergyCounter> counter;
    if (rapl) counter = *RaplEnergyCounter::OpenPackage(tree_.root(), &clock_);
    return std::make_unique<LinuxCpuSensor>(
        Spec(), &clock_, *ProcStatUtilization::Open(tree_.root()),
        std::move(zone), std::move(counter), pstate_);
  }

  FakeTree tree_;
  ManualClock clock_;
  std::shared_ptr<LinuxCpuPState> pstate_ = std::make_shared<LinuxCpuPState>(2);
};

TEST_F(LinuxDeviceTest, ReadsEverythingRealWhenPresent) {
  auto sensor = MakeSensor(true, true);
  EXPECT_EQ(sensor->backend(), "procfs+thermal+rapl");
  clock_.Advance(seconds(2));
  tree_.Write("proc/stat", kStat1);
  tree_.Write("sys/class/powercap/intel-rapl:0/energy_uj", "7000000\n");
  absl::StatusOr<SensorReading> r = sensor->Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->utilization, 0.25);
  EXPECT_EQ(r->temp_mc, 48500);
  EXPECT_DOUBLE_EQ(r->power_w, 3.5);  // 7 J in 2 s
  EXPECT_DOUBLE_EQ(r->energy_j, 7.0);
}

TEST_F(LinuxDeviceTest, ModelsWhatIsMissingAndSaysSo) {
  auto sensor = MakeSensor(false, false);
  EXPECT_EQ(sensor->backend(), "procfs (temp ambient, power modelled)");
  EXPECT_EQ(MakeSensor(true, false)->backend(),
            "procfs+thermal (power modelled)");
  EXPECT_EQ(MakeSensor(false, true)->backend(), "procfs+rapl (temp ambient)");

  clock_.Advance(seconds(2));
  tree_.Write("proc/stat", kStat1);
  absl::StatusOr<SensorReading> r = sensor->Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->temp_mc, 25000);
  // Top P-state: 0.5 + 4.0 · 0.25 = 1.5 W for 2 s.
  EXPECT_DOUBLE_EQ(r->power_w, 1.5);
  EXPECT_DOUBLE_EQ(r->energy_j, 3.0);

  // At P-state 0 with no tick passed: 0.5 + 1.0 · 0 W.
  pstate_->set(0);
  clock_.Advance(seconds(1));
  r = sensor->Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->power_w, 0.5);
  EXPECT_DOUBLE_EQ(r->energy_j, 3.5);
}

TEST_F(LinuxDeviceTest, AFailingThermalZoneFailsTheReadAndLosesNoInterval) {
  auto sensor = MakeSensor(true, false);
  tree_.Write("proc/stat", kStat1);
  tree_.Write("sys/class/thermal/thermal_zone0/temp", "abc\n");
  absl::StatusOr<SensorReading> r = sensor->Read();
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("thermal_zone0/temp"));
  tree_.Write("sys/class/thermal/thermal_zone0/temp", "50000\n");
  r = sensor->Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->utilization, 0.25);  // the whole interval since Open
}

class LinuxActuatorTest : public ::testing::Test {
 protected:
  LinuxActuatorTest() { BuildFakeCpufreqTree(tree_); }

  std::unique_ptr<Device> MakeDevice() {
    auto ctl = CpufreqController::Create(
        std::make_unique<SysfsCpufreq>(tree_.root()), {0});
    EXPECT_TRUE(ctl.ok()) << ctl.status();
    tree_.Write("proc/stat", kStat0);
    auto sensor = std::make_unique<LinuxCpuSensor>(
        Spec(), &clock_, *ProcStatUtilization::Open(tree_.root()), std::nullopt,
        std::nullopt, pstate_);
    return std::make_unique<Device>(
        Spec(), std::make_unique<FakeExecutor>(), std::move(sensor),
        std::make_unique<LinuxCpuActuator>(Spec(), *std::move(ctl), pstate_));
  }

  FakeTree tree_;
  ManualClock clock_;
  std::shared_ptr<LinuxCpuPState> pstate_ = std::make_shared<LinuxCpuPState>(2);
};

TEST_F(LinuxActuatorTest, PStateIndexBecomesItsFrequency) {
  std::unique_ptr<Device> dev = MakeDevice();
  ASSERT_TRUE(dev->ApplyPState(1).ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1400000");
  EXPECT_EQ(dev->state().pstate, 1);
  EXPECT_EQ(pstate_->get(), 1);
  EXPECT_TRUE(absl::IsInvalidArgument(dev->ApplyPState(3)));
  EXPECT_TRUE(absl::IsInvalidArgument(dev->ApplyPState(-1)));
  EXPECT_EQ(dev->state().pstate, 1);
  dev.reset();  // the controller restores the cap it found
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
}

TEST_F(LinuxActuatorTest, AFailedWriteKeepsTheLastState) {
  std::unique_ptr<Device> dev = MakeDevice();
  ASSERT_TRUE(dev->ApplyPState(1).ok());
  tree_.ReplaceWithDirectory(PolicyFile(0, "scaling_max_freq"));
  absl::Status s = dev->ApplyPState(0);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cpu0: P-state 0 (1000000 kHz)"));
  EXPECT_THAT(s.message(), HasSubstr("scaling_max_freq"));
  EXPECT_THAT(s.message(), HasSubstr("Is a directory"));
  EXPECT_EQ(dev->state().pstate, 1);
  EXPECT_EQ(pstate_->get(), 1);  // the power model stays at P-state 1 too
}

TEST_F(LinuxActuatorTest, WithoutCpufreqPStatesAreOnlyRecorded) {
  LinuxCpuActuator actuator(Spec(), nullptr, pstate_);
  EXPECT_FALSE(actuator.controls_hardware());
  ASSERT_TRUE(actuator.SetPState(0).ok());
  EXPECT_EQ(pstate_->get(), 0);
  EXPECT_TRUE(absl::IsInvalidArgument(actuator.SetPState(5)));
}

}  // namespace
}  // namespace joule
