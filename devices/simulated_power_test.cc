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

// Two devices (gpu0, npu0, TestSpec's power) on one sink: each node
// C = 1 J/°C, R = 1 °C/W to the sink; the sink C = 20 J/°C, R = 2 °C/W to
// ambient (τ_sink ≈ 40 s). `coupling_r` > 0 also joins the two directly.
ThermalNetworkSpec TwoOnSink(double coupling_r) {
  ThermalNetworkSpec n;
  n.ambient_c = 25;
  n.nodes = {{"gpu0", 1, 0}, {"npu0", 1, 0}, {"sink", 20, 2}};
  n.links = {{0, 2, 1}, {1, 2, 1}};
  if (coupling_r > 0) n.links.push_back({0, 1, coupling_r});
  return n;
}

// Reads the NPU (idle, static 1 W) after the GPU ran `gpu_busy` of 400 s.
double IdleNpuCelsius(double coupling_r, bool gpu_busy) {
  ManualClock clock;
  FakeBusyExecutor gpu_exec, npu_exec;
  std::shared_ptr<ThermalNetwork> net =
      *ThermalNetwork::Create(TwoOnSink(coupling_r), &clock);
  DeviceSpec gpu = TestSpec(), npu = TestSpec();
  gpu.name = "gpu0";
  npu.name = "npu0";
  auto gpu_model = SimulatedPowerModel::Create(gpu, &clock, &gpu_exec, net);
  auto npu_model = SimulatedPowerModel::Create(npu, &clock, &npu_exec, net);
  for (int i = 0; i < 400; ++i) {
    if (gpu_busy) gpu_exec.busy += seconds(1);
    clock.Advance(seconds(1));
    EXPECT_TRUE(gpu_model->Read().ok());  // the GPU's reads advance it all
  }
  absl::StatusOr<SensorReading> r = npu_model->Read();
  EXPECT_TRUE(r.ok());
  // The NPU was charged for its own (idle) power throughout.
  EXPECT_DOUBLE_EQ(r->energy_j, 400.0);
  EXPECT_DOUBLE_EQ(r->power_w, 1.0);
  return r->temp_mc / 1000.0;
}

TEST(SimulatedPowerNetworkTest, GpuHeatRaisesTheIdleNpu) {
  // Steady state (10 τ_sink): the sink carries both devices' power to
  // ambient: T_sink = 25 + (P_gpu + 1) · 2; the idle NPU sits 1 · 1 above
  // it without a coupling, and higher with one.
  struct Case {
    double coupling_r;
    bool gpu_busy;
    double want_c;  // 0: only above the uncoupled case
  } cases[] = {
      {0, false, 25 + 2 * 2 + 1},  // GPU idle, 1 W: sink 29, NPU 30
      {0, true, 25 + 10 * 2 + 1},  // GPU busy, 9 W: sink 45, NPU 46
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(IdleNpuCelsius(c.coupling_r, c.gpu_busy), c.want_c, 0.01)
        << c.coupling_r << " " << c.gpu_busy;
  }
  EXPECT_GT(IdleNpuCelsius(4, true), IdleNpuCelsius(0, true) + 0.5);
}

TEST(SimulatedPowerNetworkTest, NodeTemperatureIsTheNetworksExactStep) {
  ManualClock clock;
  FakeBusyExecutor exec;
  std::shared_ptr<ThermalNetwork> net =
      *ThermalNetwork::Create(TwoOnSink(0), &clock);
  DeviceSpec gpu = TestSpec();
  gpu.name = "gpu0";
  auto model = SimulatedPowerModel::Create(gpu, &clock, &exec, net);
  ASSERT_TRUE(model->SetPState(0).ok());
  exec.busy += seconds(5);
  clock.Advance(seconds(5));              // busy at P0: 1 + 2 = 3 W
  ASSERT_TRUE(model->SetPState(1).ok());  // charges the 5 s at P0
  exec.busy += seconds(5);
  clock.Advance(seconds(5));  // busy at P1: 9 W
  absl::StatusOr<SensorReading> r = model->Read();
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->energy_j, 3 * 5 + 9 * 5);

  absl::StatusOr<ThermalModes> modes = SolveThermalNetwork(TwoOnSink(0));
  ASSERT_TRUE(modes.ok());
  std::vector<double> t(3, 25.0);
  ThermalStep(*modes, std::vector<double>{3, 0, 0}, 5, &t);  // npu0 unattached
  ThermalStep(*modes, std::vector<double>{9, 0, 0}, 5, &t);
  EXPECT_EQ(r->temp_mc, std::lround(t[0] * 1000));
  EXPECT_EQ(net->TempC(2), t[2]);
}

TEST(SimulatedPowerNetworkTest, ADestroyedModelStopsHeatingItsNode) {
  ManualClock clock;
  FakeBusyExecutor exec;
  std::shared_ptr<ThermalNetwork> net =
      *ThermalNetwork::Create(TwoOnSink(0), &clock);
  DeviceSpec gpu = TestSpec();
  gpu.name = "gpu0";
  auto model = SimulatedPowerModel::Create(gpu, &clock, &exec, net);
  exec.busy += seconds(100);
  clock.Advance(seconds(100));
  model.reset();  // charges its 100 s at 9 W, then detaches
  const double hot = net->TempC(2);
  EXPECT_GT(hot, 40);
  clock.Advance(seconds(1000));
  EXPECT_NEAR(net->TempC(2), 25, 0.01);  // cooled to ambient, unheated
}

}  // namespace
}  // namespace joule
