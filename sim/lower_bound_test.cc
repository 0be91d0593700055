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

}  // namespace
}  // namespace joule
