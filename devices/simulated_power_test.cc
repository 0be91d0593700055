#include "devices/simulated_power.h"

#include <chrono>
#include <cmath>
#include <memory>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Busy time set by the test, so utilisation is exact.
class FakeBusyExecutor final : public Executor {
 public:
  void Start(ExecRequest, DoneCallback) override {}
  bool Cancel(uint64_t) override { return false; }
  Duration BusyTime() const override { return busy; }
  bool simulated() const override { return true; }
  Duration busy{0};
};

// Round numbers: P_static 1 W; P_dyn 2 W at P-state 0, 8 W at P-state 1;
// R = 2 °C/W, C = 5 J/°C, so τ = R·C = 10 s; T_amb = 25 °C.
DeviceSpec TestSpec() {
  DeviceSpec s;
  s.name = "sim0";
  s.pstates = {PState{1000000, 800, 2.0}, PState{2000000, 1000, 8.0}};
  s.static_power_w = 1.0;
  s.thermal_resistance_c_per_w = 2.0;
  s.thermal_capacitance_j_per_c = 5.0;
  s.ambient_c = 25.0;
  return s;
}

class SimulatedPowerTest : public ::testing::Test {
 protected:
  SimulatedPowerTest()
      : model_(SimulatedPowerModel::Create(TestSpec(), &clock_, &exec_)),
        sensor_(model_->MakeSensor()),
        actuator_(model_->MakeActuator()) {}

  // Advances the clock by `d`, `busy` of it busy.
  void Run(Duration d, Duration busy) {
    exec_.busy += busy;
    clock_.Advance(d);
  }
  SensorReading Read() {
    absl::StatusOr<SensorReading> r = sensor_->Read();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : SensorReading{};
  }
  static double Celsius(const SensorReading& r) { return r.temp_mc / 1000.0; }

  ManualClock clock_;
  FakeBusyExecutor exec_;
  std::shared_ptr<SimulatedPowerModel> model_;
  std::unique_ptr<Sensor> sensor_;
  std::unique_ptr<Actuator> actuator_;
};

TEST_F(SimulatedPowerTest, StartsColdAndIdleAtTheTopPState) {
  EXPECT_EQ(sensor_->backend(), "simulated");
  EXPECT_EQ(model_->pstate(), 1);
  SensorReading r = Read();  // no time has passed
  EXPECT_EQ(r.temp_mc, 25000);
  EXPECT_EQ(r.utilization, 0);
  EXPECT_EQ(r.energy_j, 0);
}

TEST_F(SimulatedPowerTest, UtilisationAndPowerFromBusyTime) {
  Run(seconds(1), milliseconds(500));
  SensorReading r = Read();
  // util = 0.5 s / 1 s; P = 1 + 8 · 0.5 = 5 W; E = 5 W · 1 s.
  EXPECT_DOUBLE_EQ(r.utilization, 0.5);
  EXPECT_DOUBLE_EQ(r.power_w, 5.0);
  EXPECT_DOUBLE_EQ(r.energy_j, 5.0);
}

TEST_F(SimulatedPowerTest, UtilisationIsClampedToOne) {
  Run(seconds(1), seconds(3));
  SensorReading r = Read();
  EXPECT_DOUBLE_EQ(r.utilization, 1.0);
  EXPECT_DOUBLE_EQ(r.power_w, 9.0);  // 1 + 8 · 1
}

TEST_F(SimulatedPowerTest, EnergyIntegratesPowerOverEachInterval) {
  Run(seconds(2), Duration{0});  // idle: 1 W · 2 s = 2 J
  EXPECT_DOUBLE_EQ(Read().energy_j, 2.0);
  Run(seconds(1), seconds(1));  // busy at P1: (1 + 8) W · 1 s = 9 J
  SensorReading r = Read();
  EXPECT_DOUBLE_EQ(r.power_w, 9.0);
  EXPECT_DOUBLE_EQ(r.energy_j, 11.0);
  ASSERT_TRUE(actuator_->SetPState(0).ok());
  Run(seconds(2), seconds(1));  // util 0.5 at P0: (1 + 2·0.5) W · 2 s = 4 J
  r = Read();
  EXPECT_DOUBLE_EQ(r.utilization, 0.5);
  EXPECT_DOUBLE_EQ(r.power_w, 2.0);
  EXPECT_DOUBLE_EQ(r.energy_j, 15.0);
}

TEST_F(SimulatedPowerTest, PStateChangeLowersPowerFromItsInstant) {
  Run(milliseconds(500), milliseconds(500));  // P1 busy: 9 W · 0.5 s = 4.5 J
  ASSERT_TRUE(actuator_->SetPState(0).ok());
  EXPECT_EQ(model_->pstate(), 0);
  Run(milliseconds(500), milliseconds(500));  // P0 busy: 3 W · 0.5 s = 1.5 J
  SensorReading r = Read();
  EXPECT_DOUBLE_EQ(r.utilization, 1.0);
  EXPECT_DOUBLE_EQ(r.energy_j, 6.0);
  EXPECT_DOUBLE_EQ(r.power_w, 6.0);  // 6 J over the 1 s since the last Read
  Run(seconds(1), seconds(1));
  EXPECT_DOUBLE_EQ(Read().power_w, 3.0);  // 1 + 2 · 1
}

TEST_F(SimulatedPowerTest, BadPStateIsRejectedAndChangesNothing) {
  EXPECT_EQ(actuator_->SetPState(2).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(actuator_->SetPState(-1).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model_->pstate(), 1);
  Run(seconds(1), seconds(1));
  EXPECT_DOUBLE_EQ(Read().power_w, 9.0);  // still P1
}

TEST_F(SimulatedPowerTest, TemperatureAfterOneTimeConstant) {
  // Busy at P1: P = 9 W, T_ss = 25 + 9 · 2 = 43 °C. After τ = 10 s:
  // T = 25 + (1 − e^−1) · 18 = 25 + 0.632 · 18 ≈ 36.378 °C.
  Run(seconds(10), seconds(10));
  EXPECT_NEAR(Celsius(Read()), 36.378, 0.01);
}

TEST_F(SimulatedPowerTest, TemperatureIsTheSameReadInSteps) {
  // The exact solution composes: ten 1 s steps equal one 10 s step.
  SensorReading r;
  for (int i = 0; i < 10; ++i) {
    Run(seconds(1), seconds(1));
    r = Read();
  }
  EXPECT_NEAR(Celsius(r), 25 + 18 * (1 - std::exp(-1.0)), 0.002);
}

TEST_F(SimulatedPowerTest, SteadyStateIsAmbientPlusPowerTimesR) {
  Run(seconds(200), seconds(200));  // 20 τ busy at 9 W
  EXPECT_NEAR(Celsius(Read()), 43.0, 0.01);
  // Idle, static power still flows: T_ss = 25 + 1 · 2 = 27 °C.
  Run(seconds(200), Duration{0});
  EXPECT_NEAR(Celsius(Read()), 27.0, 0.01);
}

TEST_F(SimulatedPowerTest, ZeroThermalCapacitanceJumpsToSteadyState) {
  DeviceSpec spec = TestSpec();
  spec.thermal_capacitance_j_per_c = 0;
  auto model = SimulatedPowerModel::Create(spec, &clock_, &exec_);
  Run(seconds(1), seconds(1));
  absl::StatusOr<SensorReading> r = model->Read();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->temp_mc, 43000);
}

}  // namespace
}  // namespace joule
