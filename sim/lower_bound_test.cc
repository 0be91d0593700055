#include "sim/lower_bound.h"

#include <chrono>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

// Hand values for a job of 1e7 ops (no bytes):
//   a (fp32, static 0.5 W): P0 1e9 ops/s → 10 ms at 0.5 + 1 W = 15 mJ
//                           (dyn 10 mJ); P1 2e9 → 5 ms at 0.5 + 4 W
//                           = 22.5 mJ (dyn 20 mJ)
//   b (int8, static 0.1 W): 1e9 ops/s → 10 ms at 0.1 + 0.9 W = 10 mJ
//                           (dyn 9 mJ)
std::vector<DeviceSpec> Devices() {
  DeviceSpec a;
  a.name = "a";
  a.pstates = {PState{1000000, 800, 1.0}, PState{2000000, 1000, 4.0}};
  a.static_power_w = 0.5;
  a.peak_ops_per_s = {2e9, 0, 0, 0};
  a.mem_bw_bytes_per_s = 1e12;
  DeviceSpec b;
  b.name = "b";
  b.kind = DeviceKind::kNpu;
  b.pstates = {PState{1000000, 800, 0.9}};
  b.static_power_w = 0.1;
  b.peak_ops_per_s = {0, 0, 1e9, 0};
  b.mem_bw_bytes_per_s = 1e12;
  return {a, b};
}

ModelSpec Model() {
  ModelSpec m;
  m.name = "m";
  m.cost.ops_by_precision = {1e7, 0, 1e7, 0};
  return m;
}

TEST(LowerBoundTest, MinimumEnergySettingMeetingTheDeadline) {
  JobBound b = MinEnergyPlacement(Model(), 1, 0, Devices());
  ASSERT_TRUE(b.feasible);
  EXPECT_EQ(b.device, "b");
  EXPECT_EQ(b.precision, Precision::kInt8);
  EXPECT_NEAR(b.energy_j, 10e-3, 1e-15);
  EXPECT_NEAR(b.dynamic_j, 9e-3, 1e-15);
  // 7 ms: only a at P1 (5 ms) is fast enough.
  b = MinEnergyPlacement(Model(), 1, 7, Devices());
  ASSERT_TRUE(b.feasible);
  EXPECT_EQ(b.device, "a");
  EXPECT_EQ(b.pstate, 1);
  EXPECT_NEAR(b.energy_j, 22.5e-3, 1e-15);
  EXPECT_NEAR(b.dynamic_j, 20e-3, 1e-15);
  EXPECT_FALSE(MinEnergyPlacement(Model(), 1, 4, Devices()).feasible);
  // Not allowed on b: a at P0 is the cheapest.
  ModelSpec cpu_only = Model();
  cpu_only.allowed_kinds = {DeviceKind::kCpu};
  b = MinEnergyPlacement(cpu_only, 1, 0, Devices());
  EXPECT_EQ(b.device, "a");
  EXPECT_EQ(b.pstate, 0);
  EXPECT_NEAR(b.energy_j, 15e-3, 1e-15);
}

TEST(LowerBoundTest, SumsOverTheTrace) {
  std::vector<Arrival> trace(3);
  trace[1].deadline_ms = 7;
  trace[2].deadline_ms = 4;  // infeasible
  const LowerBound lb =
      ComputeLowerBound(trace, {Model()}, Devices(), std::chrono::seconds(10));
  EXPECT_EQ(lb.jobs, 3u);
  EXPECT_EQ(lb.feasible, 2u);
  EXPECT_NEAR(lb.energy_j, 32.5e-3, 1e-12);
  EXPECT_NEAR(lb.dynamic_j, 29e-3, 1e-12);
  EXPECT_NEAR(lb.static_floor_j, 6.0, 1e-12);  // (0.5 + 0.1) W · 10 s
  EXPECT_NEAR(lb.active_per_job_j(), 16.25e-3, 1e-12);
  EXPECT_NEAR(lb.total_per_job_j(), (6.0 + 29e-3) / 2, 1e-12);
}

TEST(LowerBoundTest, CapacityTightensTheDynamicBound) {
  // Four jobs at t = 0, due in 20 ms, in a 20 ms window. Alone each is
  // cheapest on b (10 ms, 9 mJ): 36 mJ, but b has room for two; the other
  // two fit on a only at P0 (10 ms, 10 mJ each): 38 mJ is the least any
  // schedule spends, and the dual approaches it from below.
  std::vector<Arrival> trace(4);
  for (Arrival& a : trace) a.deadline_ms = 20;
  const double d = CapacityDynamicBound(trace, {Model()}, Devices(), 0.020);
  EXPECT_GT(d, 36e-3 + 1e-4);
  EXPECT_LE(d, 38e-3 + 1e-12);
  // One job: capacity does not bind.
  trace.resize(1);
  EXPECT_NEAR(CapacityDynamicBound(trace, {Model()}, Devices(), 0.020), 9e-3,
              1e-15);
  // No deadline: not held to a window either.
  trace.assign(4, Arrival{});
  EXPECT_NEAR(CapacityDynamicBound(trace, {Model()}, Devices(), 0.020), 36e-3,
              1e-12);
}

TEST(LowerBoundTest, ReportsTheCapacityBlindSumToo) {
  std::vector<Arrival> trace(4);
  for (Arrival& a : trace) a.deadline_ms = 200;
  // 40 ms of work on b fits any window of 0.25 s or more: no change.
  const LowerBound lb =
      ComputeLowerBound(trace, {Model()}, Devices(), std::chrono::seconds(1));
  EXPECT_NEAR(lb.dynamic_j, 36e-3, 1e-12);
  EXPECT_NEAR(lb.capacity_blind_dynamic_j, 36e-3, 1e-12);
  EXPECT_EQ(lb.capacity_window_s, 0);
}

}  // namespace
}  // namespace joule
