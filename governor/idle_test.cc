#include "governor/idle.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "executors/simulated_device.h"
#include "governor/governor.h"
#include "gtest/gtest.h"
#include "testing/fake_executor.h"
#include "testing/null_device_parts.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

TEST(IdlePolicyForTest, Table) {
  struct Case {
    bool idle_states;
    uint32_t max_exit_us;
  };
  const std::vector<Case> cases = {{true, 0}, {false, 0}, {true, 1500}};
  for (const Case& c : cases) {
    GovernorTunables t;
    t.idle_states = c.idle_states;
    t.idle_max_exit_latency_us = c.max_exit_us;
    const IdlePolicy p = IdlePolicyFor(t);
    EXPECT_EQ(p.enabled, c.idle_states);
    EXPECT_EQ(p.max_exit_latency_us, c.max_exit_us);
    EXPECT_EQ(p.ewma_weight, kIdleGapEwmaWeight);
  }
}

// gate: 0.25 W, exit 1 ms: t_be 1 ms. off: 0.05 W, exit 10 ms, 9 mJ:
// t_be = 9e-3 / 0.45 = 20 ms.
DeviceSpec SleepySpec() {
  DeviceSpec s;
  s.name = "npu0";
  s.kind = DeviceKind::kNpu;
  s.pstates = {PState{500000, 700, 1.0}, PState{1000000, 900, 2.0}};
  s.static_power_w = 0.5;
  s.idle_states = {IdleState{"gate", 0.25, 0, 1000, 0, 0},
                   IdleState{"off", 0.05, 0, 10000, 0, 9e-3}};
  s.thermal_resistance_c_per_w = 10.0;
  s.thermal_capacitance_j_per_c = 1.0;
  return s;
}

double IdleSeconds(const Registry& r, const LabelValues& labels) {
  for (const FamilyBase* f : r.Families()) {
    if (f->name() != "joule_device_idle_state_seconds_total") continue;
    auto* c =
        const_cast<Family<Counter>*>(static_cast<const Family<Counter>*>(f));
    return c->WithLabels(labels).Value();
  }
  ADD_FAILURE() << "no idle-state metric";
  return -1;
}

TEST(GovernorIdleTest, AnIdleDeviceSleepsAndTheMetricCountsIt) {
  ManualClock clock;
  Registry registry;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  GovernorTunables t;
  Governor gov(&clock, {dev.get()}, t, ThermalTunables{}, &registry);
  // Tick 1 at 100 ms: idle 100 ms, off (t_be 20 ms) at once.
  clock.Advance(milliseconds(100));
  gov.Tick();
  EXPECT_EQ(dev->idle_residency().current, 1);
  clock.Advance(milliseconds(100));
  gov.Tick();
  EXPECT_DOUBLE_EQ(IdleSeconds(registry, {"npu0", "off"}), 0.1);
  EXPECT_DOUBLE_EQ(IdleSeconds(registry, {"npu0", "gate"}), 0);
}

TEST(GovernorIdleTest, PolicyOffKeepsDevicesAwake) {
  ManualClock clock;
  Registry registry;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  GovernorTunables t;
  t.idle_states = false;
  Governor gov(&clock, {dev.get()}, t, ThermalTunables{}, &registry);
  clock.Advance(milliseconds(100));
  gov.Tick();
  EXPECT_EQ(dev->idle_residency().current, -1);
}

TEST(GovernorIdleTest, ExitCapFromTheTunables) {
  ManualClock clock;
  Registry registry;
  std::unique_ptr<Device> dev = MakeSimulatedDevice(SleepySpec(), &clock);
  GovernorTunables t;
  t.idle_max_exit_latency_us = 2000;  // off's 10 ms exit is too slow
  Governor gov(&clock, {dev.get()}, t, ThermalTunables{}, &registry);
  clock.Advance(milliseconds(100));
  gov.Tick();
  EXPECT_EQ(dev->idle_residency().current, 0);
}

TEST(GovernorIdleTest, AnExecutorWithoutIdleStatesExportsNoIdleMetric) {
  ManualClock clock;
  Registry registry;
  // The profile lists idle states, but the executor (a real one, here a
  // fake) does not model them.
  Device dev(SleepySpec(), std::make_unique<FakeExecutor>(),
             std::make_unique<NullSensor>(), std::make_unique<NullActuator>());
  Governor gov(&clock, {&dev}, GovernorTunables{}, ThermalTunables{},
               &registry);
  clock.Advance(milliseconds(100));
  gov.Tick();
  int children = 0;
  for (const FamilyBase* f : registry.Families()) {
    if (f->name() != "joule_device_idle_state_seconds_total") continue;
    static_cast<const Family<Counter>*>(f)->ForEach(
        [&](const LabelValues&, const Counter&) { ++children; });
  }
  EXPECT_EQ(children, 0);
}

}  // namespace
}  // namespace joule
