// Each baseline does what its name says, through the daemon's own Scheduler
// (the round-robin cursor lives there) and through whole simulations (the
// governors), on tiny hand-checked devices.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "executors/simulated_device.h"
#include "gtest/gtest.h"
#include "scheduler/scheduler.h"
#include "sim/engine.h"
#include "sim/runner.h"
#include "sim/simulator.h"
#include "telemetry/metrics.h"

namespace joule {
namespace {

// A job of 1e7 FP32 ops, no bytes:
//   cpu0: 2e9 ops/s → 5 ms at 1 W (+0.5 W static): 7.5 mJ
//   npu0: 1e10 ops/s → 1 ms + 2 ms dispatch = 3 ms at 0.1 W: 0.3 mJ
DeviceSpec Cpu(const std::string& name = "cpu0") {
  DeviceSpec d;
  d.name = name;
  d.kind = DeviceKind::kCpu;
  d.pstates = {PState{500000, 800, 0.3}, PState{1000000, 900, 1.0}};
  d.static_power_w = 0.5;
  d.peak_ops_per_s = {2e9, 0, 0, 0};
  d.mem_bw_bytes_per_s = 1e12;
  d.thermal_resistance_c_per_w = 1;
  d.thermal_capacitance_j_per_c = 1;
  return d;
}

DeviceSpec Npu() {
  DeviceSpec d = Cpu("npu0");
  d.kind = DeviceKind::kNpu;
  d.pstates = {PState{1000000, 800, 0.1}};
  d.static_power_w = 0;
  d.peak_ops_per_s = {1e10, 0, 0, 0};
  d.dispatch_overhead_s = 2e-3;
  return d;
}

JobCost Job() {
  JobCost c;
  c.ops_by_precision = {1e7, 0, 0, 0};
  return c;
}

// Submits `n` jobs at t = 0 under `placement`; returns where each went,
// after checking every one completed.
std::vector<std::string> PlaceAtOnce(PlacementStrategy placement, int n,
                                     std::vector<DeviceSpec> specs) {
  EventEngine engine;
  Registry registry;
  std::vector<std::unique_ptr<Device>> devices;
  std::vector<Device*> raw;
  for (const DeviceSpec& s : specs) {
    devices.push_back(MakeSimulatedDevice(s, engine.clock()));
    raw.push_back(devices.back().get());
  }
  SchedulerTunables t;
  t.placement = placement;
  Scheduler scheduler(engine.clock(), raw, t, &registry);
  std::vector<std::string> where;
  int completed = 0;
  for (int i = 0; i < n; ++i) {
    JobSpec spec;
    spec.cost = Job();
    absl::StatusOr<JobInfo> info =
        scheduler.Submit(spec, [&](const JobInfo& j) {
          completed += j.state == JobState::kCompleted;
        });
    EXPECT_TRUE(info.ok()) << info.status();
    where.push_back(info.ok() ? info->device : "rejected");
  }
  engine.RunUntilTrue([&] { return completed == n; });
  EXPECT_EQ(completed, n);
  return where;
}

using Names = std::vector<std::string>;

TEST(BaselinePlacementTest, RoundRobinAlternates) {
  EXPECT_EQ(PlaceAtOnce(PlacementStrategy::kRoundRobin, 5, {Cpu(), Npu()}),
            (Names{"cpu0", "npu0", "cpu0", "npu0", "cpu0"}));
  EXPECT_EQ(PlaceAtOnce(PlacementStrategy::kRoundRobin, 4,
                        {Cpu("a"), Cpu("b"), Cpu("c")}),
            (Names{"a", "b", "c", "a"}));
}

TEST(BaselinePlacementTest, FastestPicksMinRunTimeWhateverTheBacklog) {
  EXPECT_EQ(PlaceAtOnce(PlacementStrategy::kFastest, 5, {Cpu(), Npu()}),
            (Names{"npu0", "npu0", "npu0", "npu0", "npu0"}));
}

TEST(BaselinePlacementTest, EftAccountsForBacklog) {
  // Finish times: npu0 3, 6, 9, 12 ms as it queues; cpu0 5, 10 ms.
  //   job 1: npu 3 < cpu 5; job 2: cpu 5 < npu 6; job 3: npu 6 < cpu 10;
  //   job 4: npu 9 < 10; job 5: cpu 10 < npu 12.
  EXPECT_EQ(PlaceAtOnce(PlacementStrategy::kEft, 5, {Cpu(), Npu()}),
            (Names{"npu0", "cpu0", "npu0", "npu0", "cpu0"}));
}

TEST(BaselinePlacementTest, JouleWeighsEnergyToo) {
  // Score = 1/s · finish + 1/J · the energy a job adds over idle: npu0
  // 3.3, 6.3, 9.3, 12.3 (·1e-3) as it queues (0.3 mJ each); cpu0 5 ms +
  // (7.5 − 0.5 W · 5 ms) mJ = 10e-3, then 15e-3 behind its first job. So
  // three on npu0, then cpu0 (10 < 12.3), then npu0 (12.3 < 15).
  EXPECT_EQ(PlaceAtOnce(PlacementStrategy::kJoule, 5, {Cpu(), Npu()}),
            (Names{"npu0", "npu0", "npu0", "cpu0", "npu0"}));
}

// A whole simulation on one cpu0: `n` jobs, one every 100 ms.
RunResult Simulate(PlacementStrategy placement, GovernorPolicy governor,
                   std::vector<DeviceSpec> devices, int n) {
  SimRunConfig c;
  c.label = Combo{placement, governor}.Label();
  c.devices = std::move(devices);
  c.policy.scheduler.placement = placement;
  c.policy.governor.policy = governor;
  ModelSpec m;
  m.name = "m";
  m.cost = Job();
  c.models = {m};
  for (int i = 0; i < n; ++i) {
    Arrival a;
    a.time = std::chrono::milliseconds(100 * i + 1);
    c.trace.arrivals.push_back(a);
  }
  c.duration = std::chrono::seconds(10);
  return RunSimulation(c);
}

TEST(BaselineSimulationTest, SensorEnergyIsStaticPlusDynamicBusyTime) {
  // performance keeps cpu0 at 1 GHz: 100 jobs · 5 ms busy at 1 W, and
  // 0.5 W static for the 10 s the run lasts (it ends at the 10 s tick).
  const RunResult r = Simulate(PlacementStrategy::kJoule,
                               GovernorPolicy::kPerformance, {Cpu()}, 100);
  ASSERT_EQ(r.jobs.size(), 100u);
  EXPECT_EQ(r.end, std::chrono::seconds(10));
  EXPECT_TRUE(r.drained);
  EXPECT_NEAR(r.devices[0].energy_j, 0.5 * 10 + 1.0 * 100 * 5e-3, 1e-9);
  const JobRecord& j = r.jobs[0];
  EXPECT_EQ(j.state, JobState::kCompleted);
  EXPECT_NEAR(j.latency_s(), 5e-3, 1e-9);
  EXPECT_NEAR(j.energy_j, 1.5 * 5e-3, 1e-12);
  EXPECT_NEAR(j.dynamic_j, 1.0 * 5e-3, 1e-12);
  EXPECT_EQ(r.devices[0].samples.size(), 100u);  // a tick every 100 ms
  EXPECT_EQ(r.devices[0].transitions, 0u);
}

TEST(BaselineSimulationTest, GovernorsMoveThePStateAsNamed) {
  // 5% load at 1 GHz. powersave and schedutil (1.25 · 0.05 of f_max) drop
  // to 500 MHz; ondemand (500 + 0.05 · 500 MHz) too; conservative steps
  // down (load below 0.3); performance stays; adaptive steps down once the
  // window's mean + k·σ is under 0.3.
  for (GovernorPolicy g :
       {GovernorPolicy::kPowersave, GovernorPolicy::kSchedutil,
        GovernorPolicy::kOndemand, GovernorPolicy::kConservative,
        GovernorPolicy::kAdaptive}) {
    const RunResult r = Simulate(PlacementStrategy::kJoule, g, {Cpu()}, 100);
    EXPECT_EQ(r.devices[0].samples.back().pstate, 0) << GovernorPolicyName(g);
    EXPECT_EQ(r.devices[0].transitions, 1u) << GovernorPolicyName(g);
  }
  EXPECT_EQ(Simulate(PlacementStrategy::kJoule, GovernorPolicy::kPerformance,
                     {Cpu()}, 100)
                .devices[0]
                .samples.back()
                .pstate,
            1);
}

TEST(BaselineSimulationTest, RoundRobinSharesJobsEvenly) {
  const RunResult r =
      Simulate(PlacementStrategy::kRoundRobin, GovernorPolicy::kPerformance,
               {Cpu("a"), Cpu("b")}, 100);
  int on_a = 0;
  for (const JobRecord& j : r.jobs) on_a += j.device == 0;
  EXPECT_EQ(on_a, 50);
}

}  // namespace
}  // namespace joule
