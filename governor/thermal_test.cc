#include "governor/thermal.h"

#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

constexpr int kNever = -1;
constexpr int32_t kPassive = 85000;
constexpr int32_t kCritical = 100000;
constexpr int kMax = 3;
const TimePoint kNow = TimePoint{} + std::chrono::hours(1);

ThermalTunables Tunables() {
  ThermalTunables t;
  t.hysteresis_mc = 5000;
  t.step_interval_ms = 1000;
  return t;
}

struct Case {
  const char* name;
  int cap;
  bool tripped;
  bool critical;
  int last_step_ms_ago;  // kNever: the cap never moved
  int32_t temp_mc;
  int want_cap;
  bool want_tripped;
  bool want_throttled;
  bool want_critical;
};

// Passive 85 °C, critical 100 °C, hysteresis 5 °C, one step per 1000 ms,
// P-states 0..3.
const Case kCases[] = {
    // name, cap, tripped, critical, last step, temp → cap, tripped,
    // throttled, critical
    {"cool_stays_uncapped", 3, false, false, kNever, 60000, 3, false, false,
     false},
    {"crossing_passive_drops_at_once", 3, false, false, 10, 85000, 2, true,
     true, false},
    {"hot_drops_again_after_interval", 2, true, false, 1000, 90000, 1, true,
     true, false},
    {"hot_holds_inside_interval", 2, true, false, 999, 90000, 2, true, true,
     false},
    {"hot_floor_is_pstate_zero", 0, true, false, 5000, 95000, 0, true, true,
     false},
    {"band_holds_while_tripped", 1, true, false, 5000, 82000, 1, true, true,
     false},
    {"band_holds_while_recovering", 1, false, false, 5000, 84999, 1, false,
     true, false},
    {"band_edge_is_still_band", 1, true, false, 5000, 80000, 1, true, true,
     false},
    {"cool_recovers_one_step_after_interval", 1, true, false, 1000, 79999, 2,
     false, true, false},
    {"cool_waits_for_interval", 1, true, false, 500, 70000, 1, false, true,
     false},
    {"cool_recovery_ends_uncapped", 2, false, false, 1000, 70000, 3, false,
     false, false},
    {"critical_sets_at_trip", 1, true, false, 100, 100000, 1, true, true, true},
    {"critical_holds_in_band", 0, true, true, 100, 96000, 0, true, true, true},
    {"critical_clears_below_band", 0, true, true, 100, 94999, 0, true, true,
     false},
    {"critical_crossing_also_drops_cap", 3, false, false, kNever, 101000, 2,
     true, true, true},
};

class NextThermalStateTest : public ::testing::TestWithParam<Case> {};

TEST_P(NextThermalStateTest, Decides) {
  const Case& c = GetParam();
  ThermalState prev = ThermalState::Uncapped(kMax);
  prev.pstate_cap = c.cap;
  prev.passive_tripped = c.tripped;
  prev.critical = c.critical;
  prev.throttled = c.cap < kMax;
  if (c.last_step_ms_ago != kNever) {
    prev.last_step = kNow - milliseconds(c.last_step_ms_ago);
  }
  const ThermalState next = NextThermalState(prev, c.temp_mc, kPassive,
                                             kCritical, kMax, kNow, Tunables());
  EXPECT_EQ(next.pstate_cap, c.want_cap);
  EXPECT_EQ(next.passive_tripped, c.want_tripped);
  EXPECT_EQ(next.throttled, c.want_throttled);
  EXPECT_EQ(next.critical, c.want_critical);
  if (next.pstate_cap != c.cap) {
    ASSERT_TRUE(next.last_step.has_value());
    EXPECT_EQ(*next.last_step, kNow);
  } else {
    EXPECT_EQ(next.last_step, prev.last_step);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NextThermalStateTest,
                         ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// A heat-up and cool-down over time, one reading every 250 ms: the cap walks
// down one step per second while hot, holds in the band, and walks back.
TEST(NextThermalStateTest, HeatAndCoolCycleStepsOncePerInterval) {
  const ThermalTunables t = Tunables();
  ThermalState s = ThermalState::Uncapped(kMax);
  TimePoint now = kNow;
  std::vector<int> caps;
  auto run = [&](int readings, int32_t temp_mc) {
    for (int i = 0; i < readings; ++i) {
      now += milliseconds(250);
      s = NextThermalState(s, temp_mc, kPassive, kCritical, kMax, now, t);
      caps.push_back(s.pstate_cap);
    }
  };
  run(9, 90000);  // hot for 2.25 s: drops at 0, 1 s, 2 s
  EXPECT_EQ(caps, (std::vector<int>{2, 2, 2, 2, 1, 1, 1, 1, 0}));
  EXPECT_TRUE(s.throttled);
  caps.clear();
  run(8, 82000);  // band: holds for 2 s
  EXPECT_EQ(caps, (std::vector<int>(8, 0)));
  caps.clear();
  run(12, 60000);  // cool: rises at once (interval long past), then per 1 s
  EXPECT_EQ(caps, (std::vector<int>{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}));
  EXPECT_FALSE(s.throttled);
  EXPECT_FALSE(s.passive_tripped);
}

TEST(NextThermalStateTest, ReCrossingAfterCoolingDropsAtOnce) {
  const ThermalTunables t = Tunables();
  ThermalState s = ThermalState::Uncapped(kMax);
  s = NextThermalState(s, 90000, kPassive, kCritical, kMax, kNow, t);
  ASSERT_EQ(s.pstate_cap, 2);
  // Cools below the band (no interval yet, so no rise), then heats again.
  s = NextThermalState(s, 70000, kPassive, kCritical, kMax,
                       kNow + milliseconds(100), t);
  EXPECT_EQ(s.pstate_cap, 2);
  EXPECT_FALSE(s.passive_tripped);
  s = NextThermalState(s, 90000, kPassive, kCritical, kMax,
                       kNow + milliseconds(200), t);
  EXPECT_EQ(s.pstate_cap, 1);
}

TEST(NextThermalStateTest, SinglePStateDeviceIsNeverThrottled) {
  ThermalState s = ThermalState::Uncapped(0);
  s = NextThermalState(s, 99000, kPassive, kCritical, 0, kNow, Tunables());
  EXPECT_EQ(s.pstate_cap, 0);
  EXPECT_FALSE(s.throttled);
  EXPECT_TRUE(s.passive_tripped);
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

// Passive trip 85 °C, margin 5 °C, hysteresis 5 °C, interval 30 s.
TEST(NextHotTest, Table) {
  ThermalTunables t;
  const TimePoint t0{};
  const auto at = [&](int s) { return t0 + std::chrono::seconds(s); };
  ThermalState s;
  s = NextHot(s, 79999, 85000, at(0), t);
  EXPECT_FALSE(s.hot);
  s = NextHot(s, 80000, 85000, at(1), t);  // within the margin: hot
  EXPECT_TRUE(s.hot);
  s = NextHot(s, 70000, 85000, at(20), t);  // cool, but inside the interval
  EXPECT_TRUE(s.hot);
  s = NextHot(s, 75000, 85000, at(31), t);  // not below 80 − 5: filtered
  EXPECT_TRUE(s.hot);
  s = NextHot(s, 74999, 85000, at(32), t);
  EXPECT_FALSE(s.hot);
  s = NextHot(s, 90000, 85000, at(40), t);  // hot again only after 30 s
  EXPECT_FALSE(s.hot);
  s = NextHot(s, 90000, 85000, at(62), t);
  EXPECT_TRUE(s.hot);
}

}  // namespace
}  // namespace joule
