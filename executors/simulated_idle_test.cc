// Idle states on a simulated device: the executor's state machine
// (SimulatedExecutor) and the power model's charge for it.
#include <chrono>
#include <memory>

#include "executors/simulated_device.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

// P_static 0.5 W; P_dyn 2 W at the only P-state.
// gate: 0.25 W, exit 1 ms, free: t_be = 1 ms.
// off: 0.05 W, entry 1 ms, exit 10 ms, 9 mJ: t_be = 9e-3 / 0.45 = 20 ms.
DeviceSpec SleepySpec() {
  DeviceSpec s;
  s.name = "npu0";
  s.kind = DeviceKind::kNpu;
  s.pstates = {PState{1000000, 900, 2.0}};
  s.static_power_w = 0.5;
  s.idle_states = {IdleState{"gate", 0.25, 0, 1000, 0, 0},
                   IdleState{"off", 0.05, 1000, 10000, 0, 9e-3}};
  s.thermal_resistance_c_per_w = 10.0;
  s.thermal_capacitance_j_per_c = 1.0;
  return s;
}

const IdlePolicy kOn{true, 0, 0.25};

ExecRequest Job(uint64_t id, Duration t) {
  ExecRequest r;
  r.job_id = id;
  r.predicted_time = t;
  return r;
}

TEST(SimulatedIdleTest, PolicyOffDrawsStaticPowerAsBefore) {
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  dev->SetIdlePolicy(IdlePolicy{});  // off
  clock.Advance(milliseconds(1000));
  dev->SetIdlePolicy(IdlePolicy{});
  const IdleResidency r = dev->idle_residency();
  EXPECT_EQ(r.current, -1);
  EXPECT_EQ(r.entries[0] + r.entries[1], 0u);
  absl::StatusOr<SensorReading> s = dev->sensor().Read();
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->power_w, 0.5);
}

TEST(SimulatedIdleTest, TicksDeepenALongIdleAndAJobPaysTheExit) {
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  dev->SetIdlePolicy(kOn);  // no history, idle 0 ms: stays awake
  EXPECT_EQ(dev->idle_residency().current, -1);
  clock.Advance(milliseconds(5));
  dev->SetIdlePolicy(kOn);  // idle 5 ms ≥ gate's 1 ms
  EXPECT_EQ(dev->idle_residency().current, 0);
  clock.Advance(milliseconds(25));
  dev->SetIdlePolicy(kOn);  // idle 30 ms ≥ off's 20 ms
  EXPECT_EQ(dev->idle_residency().current, 1);
  clock.Advance(milliseconds(70));

  // 0–5 ms and off's 1 ms entry at static power, 25 ms gated, 69 ms off,
  // plus off's 9 mJ.
  absl::StatusOr<SensorReading> s = dev->sensor().Read();
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->energy_j, 0.5 * 0.006 + 0.25 * 0.025 + 0.05 * 0.069 + 9e-3,
              1e-12);

  // A 10 ms job at 100 ms waits for off's 10 ms exit.
  bool done = false;
  dev->executor().Start(Job(1, milliseconds(10)),
                        [&](const ExecResult&) { done = true; });
  clock.Advance(milliseconds(19));
  EXPECT_FALSE(done);
  EXPECT_EQ(dev->executor().BusyTime(), milliseconds(9));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(done);
  // Idle again at 120 ms, the one gap seen being 100 ms: off again at once
  // (its entry under way, so no stay yet).
  const IdleResidency r = dev->idle_residency();
  EXPECT_EQ(r.in_state[0], milliseconds(25));
  EXPECT_EQ(r.in_state[1], milliseconds(69));
  EXPECT_EQ(r.entries[0], 1u);
  EXPECT_EQ(r.entries[1], 2u);
  EXPECT_EQ(r.current, 1);
  EXPECT_EQ(r.wake_delay, milliseconds(10));
  EXPECT_DOUBLE_EQ(r.transition_energy_j, 18e-3);
  // 100–120 ms: the exit at static power, 10 ms busy at 0.5 + 2 W, and the
  // second entry's 9 mJ.
  s = dev->sensor().Read();
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->power_w, (0.5 * 0.02 + 2.0 * 0.01 + 9e-3) / 0.02, 1e-9);
}

TEST(SimulatedIdleTest, QueuedWorkKeepsTheDeviceAwake) {
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  dev->SetIdlePolicy(kOn);
  int finished = 0;
  // The first job's `done` starts the second, as the scheduler does with a
  // queue: no idle gap, so no state and no exit latency between them.
  dev->executor().Start(Job(1, milliseconds(10)), [&](const ExecResult&) {
    ++finished;
    dev->executor().Start(Job(2, milliseconds(10)),
                          [&](const ExecResult&) { ++finished; });
  });
  clock.Advance(milliseconds(20));
  EXPECT_EQ(finished, 2);
  const IdleResidency r = dev->idle_residency();
  EXPECT_EQ(r.entries[0] + r.entries[1], 0u);
  EXPECT_EQ(r.wake_delay, Duration{0});
}

TEST(SimulatedIdleTest, ExitCapKeepsTheDeviceShallow) {
  ManualClock clock;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  clock.Advance(milliseconds(1000));
  dev->SetIdlePolicy(IdlePolicy{true, 5000, 0.25});  // off's 10 ms exit: no
  EXPECT_EQ(dev->idle_residency().current, 0);
}

TEST(SimulatedIdleTest, ExecutorWithoutIdleStatesReportsNone) {
  ManualClock clock;
  DeviceSpec spec = SleepySpec();
  spec.idle_states.clear();
  std::unique_ptr<Device> dev = MakeSimulatedDevice(spec, &clock);
  clock.Advance(milliseconds(100));
  dev->SetIdlePolicy(kOn);
  const IdleResidency r = dev->idle_residency();
  EXPECT_TRUE(r.in_state.empty());
  EXPECT_EQ(r.current, -1);
}

}  // namespace
}  // namespace joule
