#include "governor/power_cap.h"

#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

// Three P-states at 1, 2, 4 GHz drawing 1, 3, 8 W dynamic; 0.5 W static.
PowerDevice Dev(double util, int current = 2, int floor = -1, int cap = 2) {
  PowerDevice d;
  d.freq_khz = {1000000, 2000000, 4000000};
  d.dynamic_power_w = {1, 3, 8};
  d.static_power_w = 0.5;
  d.current = current;
  d.thermal_cap = cap;
  d.utilization = util;
  d.deadline_floor = floor;
  return d;
}

PowerTunables Pid(double cap, double kp, double ki, double kd = 0) {
  PowerTunables t;
  t.cap_w = cap;
  t.kp = kp;
  t.ki_per_s = ki;
  t.kd_s = kd;
  t.integral_max_fraction = 0.5;
  return t;
}

TEST(PredictedPowerW, ScalesUtilisationByFrequencyAndSaturates) {
  struct Case {
    double util;
    int current, p;
    double want_w;
  } cases[] = {
      {0.25, 2, 2, 0.5 + 8 * 0.25},  // as measured
      {0.25, 2, 1, 0.5 + 3 * 0.5},   // twice as busy at half the clock
      {0.25, 2, 0, 0.5 + 1 * 1.0},   // four times: saturated at 1
      {0.5, 2, 0, 0.5 + 1 * 1.0},    // cannot hold the load: still 1
      {0.5, 0, 2, 0.5 + 8 * 0.125},  // faster: less busy
      {0.0, 2, 2, 0.5},              // idle: static only
  };
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(PredictedPowerW(Dev(c.util, c.current), c.p), c.want_w)
        << "util=" << c.util << " current=" << c.current << " p=" << c.p;
  }
}

TEST(PStateCapForPower, HighestThatFitsBelowTheThermalCap) {
  struct Case {
    double util, limit_w;
    int thermal_cap, want;
  } cases[] = {
      {1.0, 100, 2, 2},   // plenty
      {1.0, 8.5, 2, 2},   // exactly the top
      {1.0, 8.49, 2, 1},  // just under: one down
      {1.0, 1.0, 2, 0},   // none fits: P-state 0 is the floor
      {1.0, 100, 1, 1},   // thermal's cap wins
      {0.25, 2.5, 2, 2},  // light load: 0.5 + 8·0.25 fits at the top
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PStateCapForPower(Dev(c.util, 2, -1, c.thermal_cap), c.limit_w),
              c.want)
        << "util=" << c.util << " limit=" << c.limit_w;
  }
}

TEST(NextPowerBudget, PidTable) {
  struct Case {
    const char* name;
    PowerPidState s;
    double total_w, dt_s, min_w, max_w;
    PowerTunables t;
    double want_budget, want_integral;
  } cases[] = {
      // On target: the budget is the cap.
      {"on_target", {}, 5, 0.1, 0, 100, Pid(5, 0.5, 1), 5, 0},
      // Over by 2 W for 0.1 s: 5 + 0.5·(−2) + 1·(−0.2).
      {"over", {}, 7, 0.1, 0, 100, Pid(5, 0.5, 1), 3.8, -0.2},
      // Under by 1 W: more budget.
      {"under", {}, 4, 0.1, 0, 100, Pid(5, 0.5, 1), 5.6, 0.1},
      // The integral carries over.
      {"integral", {1.0, 0, true}, 5, 0.1, 0, 100, Pid(5, 0.5, 1), 6, 1.0},
      // The derivative: error went from 0 to −2 in 0.1 s: kd·(−20).
      {"derivative", {0, 0, true}, 7, 0.1, 0, 100, Pid(5, 0, 0, 0.01), 4.8, 0},
      // The first round has no derivative.
      {"first_no_d", {}, 7, 0.1, 0, 100, Pid(5, 0, 0, 0.01), 5, 0},
      // Clamped to what the devices can draw at most.
      {"clamp_max", {}, 0, 0.1, 0, 3, Pid(5, 0.5, 1), 3, 0},
      // ... and at least.
      {"clamp_min", {}, 20, 0.1, 2, 100, Pid(5, 0.5, 1), 2, 0},
      // Anti-windup: a clamp pushed further out does not integrate, but an
      // error pulling back in does.
      {"windup_held", {0.5, 0, true}, 1, 0.1, 0, 3, Pid(5, 0.5, 1), 3, 0.5},
      {"windup_unwinds", {2.0, 0, true}, 6, 0.1, 0, 6, Pid(5, 0.5, 1), 6, 1.9},
      // |ki·I| ≤ 0.5 · cap.
      {"integral_bound",
       {2.4, 0, true},
       0,
       0.1,
       0,
       100,
       Pid(5, 0, 1),
       7.5,
       2.5},
      // No time: no integration.
      {"zero_dt", {}, 7, 0, 0, 100, Pid(5, 0.5, 1), 4, 0},
  };
  for (const Case& c : cases) {
    const PowerBudget b =
        NextPowerBudget(c.s, c.total_w, c.dt_s, c.min_w, c.max_w, c.t);
    EXPECT_NEAR(b.budget_w, c.want_budget, 1e-9) << c.name;
    EXPECT_NEAR(b.next.integral_w_s, c.want_integral, 1e-9) << c.name;
    EXPECT_TRUE(b.next.primed) << c.name;
    EXPECT_DOUBLE_EQ(b.next.last_error_w, c.t.cap_w - c.total_w) << c.name;
  }
}

TEST(AllocatePower, Table) {
  // Two saturated devices: P(p) = 0.5 + {1, 3, 8}; both at 1.5 W floor.
  struct Case {
    const char* name;
    std::vector<PowerDevice> devices;
    double budget_w;
    std::vector<int> want_caps;
  } cases[] = {
      {"plenty", {Dev(1), Dev(1)}, 100, {2, 2}},
      {"below_floor", {Dev(1), Dev(1)}, 1, {0, 0}},
      // 3 W = both at 0; +2 W buys one step to P1 (1 GHz for 2 W).
      {"one_step", {Dev(1), Dev(1)}, 5, {1, 0}},
      {"two_steps", {Dev(1), Dev(1)}, 7, {1, 1}},
      // 7 + 5 = 12 W: one of them to the top.
      {"one_top", {Dev(1), Dev(1)}, 12, {2, 1}},
      // The busier device's step is worth more per watt: 0.25·1.0/2 W
      // against 0.25·0.3/0.8 W (P = 1.5, 2.3, 2.9 W at 0.3 load).
      {"busier_first", {Dev(0.3), Dev(1)}, 3 + 2, {0, 1}},
      // A deadline floor is served first even when its steps are worth less:
      // without it the same budget buys the busy device's step instead.
      {"floor_first", {Dev(1), Dev(0.3, 2, 2)}, 3 + 2, {0, 2}},
      {"no_floor", {Dev(1), Dev(0.3)}, 3 + 2, {1, 0}},
      // A floor that does not fit is raised as far as the budget goes.
      {"floor_partial", {Dev(1), Dev(1, 2, 2)}, 1.5 + 1.5 + 2, {0, 1}},
      // A floor above the thermal cap counts as the cap.
      {"floor_over_cap", {Dev(1), Dev(1, 2, 3, 1)}, 1.5 + 1.5 + 2, {0, 1}},
      // The thermal cap bounds the allocation.
      {"thermal_cap", {Dev(1, 2, -1, 1), Dev(1)}, 100, {1, 2}},
  };
  for (const Case& c : cases) {
    const PowerAllocation a = AllocatePower(c.devices, c.budget_w);
    EXPECT_EQ(a.pstate_cap, c.want_caps) << c.name;
    double sum = 0;
    for (size_t i = 0; i < c.devices.size(); ++i) {
      sum += a.limit_w[i];
      EXPECT_LE(PredictedPowerW(c.devices[i], a.pstate_cap[i]),
                a.limit_w[i] + 1e-9)
          << c.name << " device " << i;
    }
    const double floor_w =
        PredictedPowerW(c.devices[0], 0) + PredictedPowerW(c.devices[1], 0);
    if (c.budget_w >= floor_w) {
      EXPECT_LE(sum, c.budget_w + 1e-9) << c.name;
    }
  }
}

}  // namespace
}  // namespace joule
