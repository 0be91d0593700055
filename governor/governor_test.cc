#include "governor/governor.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

// --- Fakes ---------------------------------------------------------------

class FakeSensor : public Sensor {
 public:
  absl::StatusOr<SensorReading> Read() override {
    std::lock_guard<std::mutex> l(mu_);
    ++reads_;
    if (fail_) return absl::UnavailableError("fake sensor unplugged");
    return reading_;
  }
  std::string backend() const override { return "fake"; }

  void Set(double util, int32_t temp_mc, double power_w = 1.0) {
    std::lock_guard<std::mutex> l(mu_);
    reading_.utilization = util;
    reading_.temp_mc = temp_mc;
    reading_.power_w = power_w;
  }
  void SetEnergy(double j) {
    std::lock_guard<std::mutex> l(mu_);
    reading_.energy_j = j;
  }
  void SetFail(bool fail) {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = fail;
  }

 private:
  std::mutex mu_;
  SensorReading reading_{0.5, 40000, 1.0, 0.0};
  bool fail_ = false;
  int reads_ = 0;
};

class FakeActuator : public Actuator {
 public:
  absl::Status SetPState(int pstate) override {
    std::lock_guard<std::mutex> l(mu_);
    if (fail_) return absl::PermissionDeniedError("scaling_setspeed: EACCES");
    applied_.push_back(pstate);
    return absl::OkStatus();
  }
  void SetFail(bool fail) {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = fail;
  }

 private:
  std::mutex mu_;
  bool fail_ = false;
  std::vector<int> applied_;
};

class FakeExecutor : public Executor {
 public:
  void Start(ExecRequest, DoneCallback done) override {
    ExecResult r;
    r.simulated = true;
    done(std::move(r));
  }
  bool Cancel(uint64_t) override { return false; }
  Duration BusyTime() const override { return Duration{0}; }
  bool simulated() const override { return true; }
};

DeviceSpec Spec(const std::string& name) {
  DeviceSpec s;
  s.name = name;
  s.kind = DeviceKind::kNpu;
  s.pstates = {{500000, 600, 0.5},
               {1000000, 700, 1.0},
               {1500000, 800, 2.0},
               {2000000, 900, 3.0}};
  s.trip_passive_mc = 85000;
  s.trip_critical_mc = 100000;
  return s;
}

// Reads a child's value back out of the registry, by metric name.
double Metric(const Registry& r, const std::string& name,
              const LabelValues& labels) {
  for (const FamilyBase* f : r.Families()) {
    if (f->name() != name) continue;
    if (f->type() == MetricType::kGauge) {
      auto* g =
          const_cast<Family<Gauge>*>(static_cast<const Family<Gauge>*>(f));
      return g->WithLabels(labels).Value();
    }
    auto* c =
        const_cast<Family<Counter>*>(static_cast<const Family<Counter>*>(f));
    return c->WithLabels(labels).Value();
  }
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

// --- Fixture -------------------------------------------------------------

class GovernorTest : public ::testing::Test {
 protected:
  GovernorTest() {
    auto sensor = std::make_unique<FakeSensor>();
    auto actuator = std::make_unique<FakeActuator>();
    sensor_ = sensor.get();
    actuator_ = actuator.get();
    device_ =
        std::make_unique<Device>(Spec("npu0"), std::make_unique<FakeExecutor>(),
                                 std::move(sensor), std::move(actuator));
    gov_tunables_.period_ms = 100;
    gov_tunables_.window_ms = 1000;
    gov_tunables_.min_interval_ms = 500;
    thermal_tunables_.hysteresis_mc = 5000;
    thermal_tunables_.step_interval_ms = 1000;
  }

  void StartGovernor() {
    governor_ = std::make_unique<Governor>(
        &clock_, std::vector<Device*>{device_.get()}, gov_tunables_,
        thermal_tunables_, &registry_, [this](const Device& d) {
          std::lock_guard<std::mutex> l(mu_);
          notified_.push_back(d.name());
        });
    governor_->Start();
  }

  // Advances one period at a time and waits for each tick: no sleeping.
  void RunTicks(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.Advance(milliseconds(gov_tunables_.period_ms));
      ++ticks_;
      ASSERT_EQ(governor_->WaitForTicks(ticks_), ticks_);
    }
  }

  double M(const std::string& name, LabelValues labels = {"npu0"}) {
    return Metric(registry_, name, labels);
  }
  int Notifications() {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<int>(notified_.size());
  }

  ManualClock clock_;
  Registry registry_;
  // The loop's tests step through "adaptive", whose one-step moves they
  // count; "slack" has its own test below.
  GovernorTunables gov_tunables_ = [] {
    GovernorTunables t;
    t.policy = GovernorPolicy::kAdaptive;
    return t;
  }();
  ThermalTunables thermal_tunables_;
  FakeSensor* sensor_;
  FakeActuator* actuator_;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Governor> governor_;
  uint64_t ticks_ = 0;
  std::mutex mu_;
  std::vector<std::string> notified_;
};

TEST_F(GovernorTest, TicksWhenTheClockAdvancesAndStopsPromptly) {
  StartGovernor();
  EXPECT_EQ(governor_->ticks(), 0u);
  RunTicks(10);
  EXPECT_EQ(governor_->ticks(), 10u);
  EXPECT_EQ(M("joule_governor_ticks_total", {}), 10.0);
  governor_->Stop();
  EXPECT_EQ(clock_.PendingTimers(), 0u);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(governor_->ticks(), 10u);
  // Restartable, and a second Start() is a no-op.
  governor_->Start();
  governor_->Start();
  RunTicks(1);
  EXPECT_EQ(governor_->ticks(), 11u);
}

TEST_F(GovernorTest, LoadRampStepsUpOnceEveryMinInterval) {
  ASSERT_TRUE(device_->ApplyPState(0).ok());
  sensor_->Set(0.95, 40000);
  StartGovernor();
  std::vector<int> pstates;
  for (int i = 0; i < 12; ++i) {
    RunTicks(1);
    pstates.push_back(device_->state().pstate);
  }
  // First step at once, then one per 500 ms (5 ticks of 100 ms).
  EXPECT_EQ(pstates, (std::vector<int>{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3}));
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "up"}), 3.0);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 0.0);
  EXPECT_EQ(M("joule_device_pstate"), 3.0);
  EXPECT_EQ(M("joule_device_frequency_hertz"), 2e9);
  EXPECT_EQ(Notifications(), 3);
}

TEST_F(GovernorTest, SlackKeepsTheDeadlineFloorAndDropsWhenItLifts) {
  gov_tunables_.policy = GovernorPolicy::kSlack;
  sensor_->Set(0.0, 40000);  // idle: the load alone wants P0
  std::mutex mu;
  int floor = 2;
  StartGovernor();
  governor_->SetDeadlineFloors([&] {
    std::lock_guard<std::mutex> l(mu);
    return std::vector<int>{floor};
  });
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 2);  // down to the floor, not below
  {
    std::lock_guard<std::mutex> l(mu);
    floor = 3;
  }
  RunTicks(1);  // inside min_interval_ms: a deadline raise is not held
  EXPECT_EQ(device_->state().pstate, 3);
  {
    std::lock_guard<std::mutex> l(mu);
    floor = -1;
  }
  RunTicks(4);  // 500 ms after the raise: still held
  EXPECT_EQ(device_->state().pstate, 3);
  RunTicks(1);
  // Straight down to P1: P0 and P1 cost the same per unit of work (0.5 W
  // at 0.5 GHz, 1 W at 1 GHz), and the faster wins the tie.
  EXPECT_EQ(device_->state().pstate, 1);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "up"}), 1.0);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 2.0);
}

TEST_F(GovernorTest, IdleDeviceStepsDown) {
  sensor_->Set(0.05, 40000);
  StartGovernor();
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 2);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 1.0);
  EXPECT_EQ(M("joule_device_frequency_hertz"), 1.5e9);
}

TEST_F(GovernorTest, FailingActuatorKeepsLastPStateAndCounts) {
  sensor_->Set(0.0, 40000);  // idle: wants to step down from the top
  actuator_->SetFail(true);
  StartGovernor();
  RunTicks(3);
  EXPECT_EQ(device_->state().pstate, 3);
  EXPECT_EQ(M("joule_actuator_errors_total"), 3.0);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 0.0);
  EXPECT_EQ(M("joule_device_pstate"), 3.0);
  EXPECT_EQ(Notifications(), 0);
  // Once the actuator works again the governor carries on.
  actuator_->SetFail(false);
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 2);
  EXPECT_EQ(M("joule_actuator_errors_total"), 3.0);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 1.0);
}

TEST_F(GovernorTest, SensorErrorIsCountedAndTheDeviceKeepsItsState) {
  sensor_->SetFail(true);
  StartGovernor();
  const DeviceState before = device_->state();
  RunTicks(4);
  EXPECT_EQ(M("joule_sensor_errors_total"), 4.0);
  EXPECT_EQ(device_->state().pstate, before.pstate);
  EXPECT_EQ(device_->state().pstate_cap, before.pstate_cap);
  EXPECT_EQ(Notifications(), 0);
  sensor_->SetFail(false);
  sensor_->Set(0.5, 55000, 2.5);
  RunTicks(1);
  EXPECT_EQ(M("joule_sensor_errors_total"), 4.0);
  EXPECT_EQ(M("joule_device_temperature_celsius"), 55.0);
}

TEST_F(GovernorTest, HotDeviceIsCappedAndTheListenerIsTold) {
  sensor_->Set(0.5, 90000);  // load in the hold band; only thermal acts
  StartGovernor();
  RunTicks(1);
  DeviceState s = device_->state();
  EXPECT_EQ(s.pstate_cap, 2);
  EXPECT_EQ(s.pstate, 2);
  EXPECT_TRUE(s.throttled);
  EXPECT_FALSE(s.critical);
  EXPECT_EQ(Notifications(), 1);
  EXPECT_EQ(M("joule_thermal_throttled"), 1.0);
  EXPECT_EQ(M("joule_device_pstate"), 2.0);
  EXPECT_EQ(M("joule_device_frequency_hertz"), 1.5e9);
  EXPECT_EQ(M("joule_dvfs_transitions_total", {"npu0", "down"}), 1.0);

  // Still hot: the next step waits for step_interval_ms (10 ticks).
  RunTicks(9);
  EXPECT_EQ(device_->state().pstate_cap, 2);
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate_cap, 1);
  EXPECT_EQ(device_->state().pstate, 1);
  EXPECT_EQ(Notifications(), 2);

  // Critical: dispatch stops; cleared only below the hysteresis band.
  sensor_->Set(0.5, 101000);
  RunTicks(1);
  EXPECT_TRUE(device_->state().critical);
  EXPECT_EQ(M("joule_device_critical"), 1.0);
  EXPECT_EQ(Notifications(), 3);
  sensor_->Set(0.5, 96000);
  RunTicks(1);
  EXPECT_TRUE(device_->state().critical);
  sensor_->Set(0.5, 94000);
  RunTicks(1);
  EXPECT_FALSE(device_->state().critical);
  EXPECT_EQ(M("joule_device_critical"), 0.0);
  EXPECT_EQ(Notifications(), 4);
}

TEST_F(GovernorTest, LoadedDeviceClimbsBackOnceTheCapLifts) {
  sensor_->Set(0.95, 90000);
  StartGovernor();
  RunTicks(1);
  ASSERT_EQ(device_->state().pstate, 2);  // forced down by the cap
  sensor_->Set(0.95, 60000);
  RunTicks(9);
  EXPECT_EQ(device_->state().pstate_cap, 2);
  EXPECT_EQ(device_->state().pstate, 2);
  RunTicks(1);  // step_interval_ms after the drop: the cap rises
  EXPECT_EQ(device_->state().pstate_cap, 3);
  EXPECT_FALSE(device_->state().throttled);
  // The thermal step was not a load decision, so climbing back is no
  // "reversal" for the change filter: the device follows the cap at once.
  EXPECT_EQ(device_->state().pstate, 3);
  EXPECT_EQ(M("joule_thermal_throttled"), 0.0);
}

TEST_F(GovernorTest, GaugesAndEnergyCounterFollowTheSensor) {
  sensor_->Set(0.5, 47500, 3.5);
  sensor_->SetEnergy(10.0);
  StartGovernor();
  RunTicks(1);
  EXPECT_EQ(M("joule_device_temperature_celsius"), 47.5);
  EXPECT_EQ(M("joule_device_power_watts"), 3.5);
  EXPECT_EQ(M("joule_device_utilization_ratio"), 0.5);
  EXPECT_EQ(M("joule_device_energy_joules_total"), 10.0);
  sensor_->SetEnergy(12.5);
  RunTicks(1);
  EXPECT_EQ(M("joule_device_energy_joules_total"), 12.5);
  sensor_->SetEnergy(1.0);  // the sensor restarted from zero
  RunTicks(1);
  EXPECT_EQ(M("joule_device_energy_joules_total"), 13.5);
  EXPECT_EQ(M("joule_device_pstate"), 3.0);
  EXPECT_EQ(M("joule_thermal_throttled"), 0.0);
  EXPECT_EQ(M("joule_device_critical"), 0.0);
  EXPECT_EQ(device_->state().last_reading.energy_j, 1.0);
}

TEST_F(GovernorTest, SetTunablesSwitchesPolicyOnTheNextTick) {
  sensor_->Set(0.95, 40000);
  StartGovernor();
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 3);
  GovernorTunables g = gov_tunables_;
  g.policy = GovernorPolicy::kPowersave;
  governor_->SetTunables(g, thermal_tunables_);
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 0);
  g.policy = GovernorPolicy::kPerformance;
  governor_->SetTunables(g, thermal_tunables_);
  RunTicks(1);
  EXPECT_EQ(device_->state().pstate, 3);
}

TEST_F(GovernorTest, SimulatorCallsTickDirectly) {
  sensor_->Set(0.0, 40000);
  Governor g(&clock_, {device_.get()}, gov_tunables_, thermal_tunables_,
             nullptr);
  g.Tick();
  EXPECT_EQ(device_->state().pstate, 2);
  clock_.Advance(milliseconds(500));
  g.Tick();
  EXPECT_EQ(device_->state().pstate, 1);
  EXPECT_EQ(g.WaitForTicks(2), 2u);
}

TEST_F(GovernorTest, EveryDecisionIsLoggedWithItsInputsAndOutput) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  sensor_->Set(0.0, 40000);
  Governor g(&clock_, {device_.get()}, gov_tunables_, thermal_tunables_,
             nullptr);
  g.Tick();
  spdlog::set_default_logger(previous);
  const std::string line = out.str();
  EXPECT_NE(line.find("device=npu0"), std::string::npos) << line;
  EXPECT_NE(line.find("util=0.000"), std::string::npos) << line;
  EXPECT_NE(line.find("temp_mc=40000"), std::string::npos) << line;
  EXPECT_NE(line.find("pstate=3 cap=3"), std::string::npos) << line;
  EXPECT_NE(line.find("-> pstate=2 reason=idle"), std::string::npos) << line;
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

TEST_F(GovernorTest, PowerCapLowersTheDeviceCapAndLiftsIt) {
  // Saturated at the top P-state: P(p) = P_dyn(p) = 0.5, 1, 2, 3 W.
  sensor_->Set(1.0, 40000, 3.0);
  governor_ =
      std::make_unique<Governor>(&clock_, std::vector<Device*>{device_.get()},
                                 gov_tunables_, thermal_tunables_, &registry_);
  PowerTunables power;
  power.cap_w = 1.5;
  power.kp = 0;  // the budget is the cap itself
  power.ki_per_s = 0;
  governor_->SetPowerTunables(power);
  governor_->Tick();  // nothing measured yet: no cap
  EXPECT_EQ(device_->state().pstate_cap, 3);
  clock_.Advance(milliseconds(100));
  governor_->Tick();  // 3 W measured: 0.5 + 0.5 fits 1.5 W, +1 W does not
  EXPECT_EQ(device_->state().pstate_cap, 1);
  EXPECT_EQ(device_->state().pstate, 1);
  EXPECT_FALSE(device_->state().throttled);  // thermal's flag only
  EXPECT_EQ(M("joule_power_cap_watts", {}), 1.5);
  EXPECT_EQ(M("joule_power_total_watts", {}), 3.0);
  EXPECT_EQ(M("joule_power_budget_watts"), 1.5);

  power.cap_w = 0;
  governor_->SetPowerTunables(power);
  clock_.Advance(milliseconds(100));
  governor_->Tick();
  EXPECT_EQ(device_->state().pstate_cap, 3);
  EXPECT_EQ(M("joule_power_budget_watts"), 0.0);
}

}  // namespace
}  // namespace joule
