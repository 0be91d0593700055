#include "sim/idle_bound.h"

#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/lower_bound.h"

namespace joule {
namespace {

// P_static 1 W. gate: 0.5 W, 10 + 10 µs, free. off: 0.1 W, 100 + 900 µs,
// 9 mJ.
DeviceSpec Sleepy() {
  DeviceSpec s;
  s.name = "b";
  s.kind = DeviceKind::kNpu;
  s.pstates = {PState{1000000, 800, 0.9}};
  s.static_power_w = 1.0;
  s.peak_ops_per_s = {0, 0, 1e9, 0};
  s.mem_bw_bytes_per_s = 1e12;
  s.idle_states = {IdleState{"gate", 0.5, 10, 10, 0, 0},
                   IdleState{"off", 0.1, 100, 900, 0, 9e-3}};
  return s;
}

TEST(IdleGapTest, Table) {
  struct Case {
    std::string what;
    double gap_s, want_j;
  };
  const std::vector<Case> cases = {
      {"no gap", 0, 0},
      {"shorter than any transition: static", 10e-6, 10e-6},
      {"gate fits", 500e-6, 20e-6 + 0.5 * 480e-6},
      // off: 1e-3 + 0.1·(g − 1e-3) + 9e-3; gate: 20e-6 + 0.5·(g − 20e-6).
      {"off fits but gate is cheaper", 10e-3, 20e-6 + 0.5 * (10e-3 - 20e-6)},
      {"off wins", 1.0, 1e-3 + 0.1 * (1.0 - 1e-3) + 9e-3},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(IdleGapJ(Sleepy(), c.gap_s), c.want_j, 1e-15) << c.what;
  }
  DeviceSpec awake = Sleepy();
  awake.idle_states.clear();
  EXPECT_DOUBLE_EQ(IdleGapJ(awake, 2.0), 2.0);
}

TEST(DeviceFloorTest, BusyUnionAndGaps) {
  // Busy [1, 2] ∪ [1.5, 3] ∪ [9, 11] within [0, 10]: busy 3 s, gaps 1, 6.
  const double got = DeviceFloorJ(Sleepy(), {{9, 11}, {1, 2}, {1.5, 3}}, 10.0);
  EXPECT_NEAR(got, 3.0 + IdleGapJ(Sleepy(), 1.0) + IdleGapJ(Sleepy(), 6.0),
              1e-12);
  // Without idle states it is static power over the whole duration.
  DeviceSpec awake = Sleepy();
  awake.idle_states.clear();
  EXPECT_NEAR(DeviceFloorJ(awake, {{1, 2}, {9, 11}}, 10.0), 10.0, 1e-12);
  EXPECT_NEAR(DeviceFloorJ(Sleepy(), {}, 10.0), IdleGapJ(Sleepy(), 10.0),
              1e-12);
}

TEST(IdleAwareFloorTest, UsesTheBoundsPlacement) {
  ModelSpec m;
  m.name = "m";
  m.cost.ops_by_precision = {0, 0, 1e7, 0};  // 10 ms on b
  std::vector<Arrival> trace(2);
  trace[1].time = std::chrono::seconds(5);
  const std::vector<DeviceSpec> devices = {Sleepy()};
  const double want = DeviceFloorJ(Sleepy(), {{0, 0.01}, {5, 5.01}}, 10.0);
  EXPECT_NEAR(IdleAwareFloorJ(trace, {m}, devices, std::chrono::seconds(10)),
              want, 1e-12);
  // The lower bound takes it as its floor.
  const LowerBound lb =
      ComputeLowerBound(trace, {m}, devices, std::chrono::seconds(10));
  EXPECT_NEAR(lb.static_floor_j, want, 1e-12);
  EXPECT_LT(lb.static_floor_j, 10.0);  // below static power throughout
}

}  // namespace
}  // namespace joule
