#include "executors/simulated_device.h"

#include <chrono>
#include <memory>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

DeviceSpec TestSpec() {
  DeviceSpec s;
  s.name = "npu0";
  s.kind = DeviceKind::kNpu;
  s.pstates = {PState{500000, 700, 0.5}, PState{1000000, 900, 2.0}};
  s.static_power_w = 0.5;
  s.thermal_resistance_c_per_w = 10.0;
  s.thermal_capacitance_j_per_c = 1.0;
  s.ambient_c = 30.0;
  return s;
}

TEST(SimulatedDeviceTest, WiresExecutorSensorAndActuator) {
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(TestSpec(), &clock);
  EXPECT_EQ(dev->name(), "npu0");
  EXPECT_TRUE(dev->simulated());
  EXPECT_EQ(dev->sensor().backend(), "simulated");
  EXPECT_EQ(dev->state().pstate, 1);

  ASSERT_TRUE(dev->ApplyPState(0).ok());
  EXPECT_EQ(dev->state().pstate, 0);
  EXPECT_FALSE(dev->ApplyPState(7).ok());
  EXPECT_EQ(dev->state().pstate, 0);

  // A 300 ms job in a 1 s window at P0: util 0.3, P = 0.5 + 0.5 · 0.3.
  bool done = false;
  ExecRequest req;
  req.job_id = 1;
  req.pstate = 0;
  req.predicted_time = milliseconds(300);
  req.predicted_energy_j = 0.195;
  dev->executor().Start(req, [&](const ExecResult& r) {
    done = true;
    EXPECT_TRUE(r.simulated);
  });
  clock.Advance(milliseconds(1000));
  EXPECT_TRUE(done);
  absl::StatusOr<SensorReading> r = dev->sensor().Read();
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->utilization, 0.3);
  EXPECT_DOUBLE_EQ(r->power_w, 0.65);
  EXPECT_GT(r->temp_mc, 30000);
}

TEST(SimulatedDeviceTest, DestroyingWithAJobRunningCancelsItsTimer) {
  ManualClock clock;
  bool done = false;
  {
    std::unique_ptr<Device> dev = MakeSimulatedDevice(TestSpec(), &clock);
    ExecRequest req;
    req.job_id = 1;
    req.predicted_time = milliseconds(10);
    dev->executor().Start(req, [&](const ExecResult&) { done = true; });
  }
  EXPECT_EQ(clock.PendingTimers(), 0u);
  clock.Advance(milliseconds(20));
  EXPECT_FALSE(done);
}

}  // namespace
}  // namespace joule
