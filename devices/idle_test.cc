#include "devices/idle.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

// P_static 1 W. "gate": 0.5 W, 10 + 10 µs, no energy: t_be = 20 µs.
// "off": 0.1 W, 100 + 900 µs, 9 mJ: t_be = 9e-3 / 0.9 = 10 ms.
DeviceSpec TwoStates() {
  DeviceSpec s;
  s.name = "dev0";
  s.pstates = {PState{1000000, 800, 2.0}};
  s.static_power_w = 1.0;
  s.idle_states = {
      IdleState{"gate", 0.5, 10, 10, 0, 0},
      IdleState{"off", 0.1, 100, 900, 0, 9e-3},
  };
  return s;
}

TEST(BreakEvenTest, Table) {
  struct Case {
    std::string what;
    IdleState state;
    double want_s;
  };
  const std::vector<Case> cases = {
      {"energy bound", {"s", 0.5, 10, 10, 0, 1e-3}, 2e-3},
      {"latency bound", {"s", 0.5, 300, 700, 0, 1e-4}, 1e-3},
      {"min residency bound", {"s", 0.5, 100, 120, 1000, 1e-5}, 1e-3},
      {"free and instant", {"s", 0.5, 0, 0, 0, 0}, 0},
      {"no saving",
       {"s", 1.0, 1, 1, 0, 0},
       std::numeric_limits<double>::infinity()},
      {"draws more",
       {"s", 2.0, 1, 1, 0, 0},
       std::numeric_limits<double>::infinity()},
  };
  for (const Case& c : cases) {
    DeviceSpec spec = TwoStates();
    spec.idle_states = {c.state};
    EXPECT_DOUBLE_EQ(BreakEvenS(spec, 0), c.want_s) << c.what;
  }
}

TEST(ChooseIdleStateTest, Table) {
  struct Case {
    std::string what;
    IdlePolicy policy;
    double gap_s;
    int want;
  };
  const IdlePolicy on{true, 0, 0.25};
  const std::vector<Case> cases = {
      {"policy off", {false, 0, 0.25}, 1.0, -1},
      {"gap below every break-even", on, 10e-6, -1},
      {"gap at the shallow break-even", on, 20e-6, 0},
      {"gap between the two", on, 5e-3, 0},
      {"gap at the deep break-even", on, 10e-3, 1},
      {"long gap", on, 10.0, 1},
      {"exit cap excludes the deep state", {true, 500, 0.25}, 10.0, 0},
      {"exit cap at the deep state's exit", {true, 900, 0.25}, 10.0, 1},
      {"exit cap excludes both", {true, 5, 0.25}, 10.0, -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ChooseIdleState(TwoStates(), c.policy, c.gap_s), c.want)
        << c.what;
  }
}

TEST(ChooseIdleStateTest, NoStatesNeverSleeps) {
  DeviceSpec spec = TwoStates();
  spec.idle_states.clear();
  EXPECT_EQ(ChooseIdleState(spec, IdlePolicy{true, 0, 0.25}, 100.0), -1);
}

TEST(WakeCostTest, Table) {
  struct Case {
    int state;
    double latency_s, energy_j;
  };
  // off: 900 µs; 9 mJ + 1 W · 900 µs.
  const std::vector<Case> cases = {
      {-1, 0, 0},
      {0, 10e-6, 1.0 * 10e-6},
      {1, 900e-6, 9e-3 + 900e-6},
      {2, 0, 0},  // out of range
  };
  for (const Case& c : cases) {
    const IdleWake w = WakeCost(TwoStates(), c.state);
    EXPECT_DOUBLE_EQ(w.latency_s, c.latency_s) << c.state;
    EXPECT_DOUBLE_EQ(w.energy_j, c.energy_j) << c.state;
  }
}

TEST(GapPredictorTest, Table) {
  struct Case {
    std::string what;
    std::vector<double> gaps_s;
    double weight;
    double elapsed_s;
    double want_s;
  };
  const std::vector<Case> cases = {
      {"no history: the elapsed time", {}, 0.25, 0.003, 0.003},
      {"first gap is the mean", {0.004}, 0.25, 0, 0.004},
      {"weighted mean", {0.004, 0.008}, 0.25, 0, 0.005},
      {"weight 1 follows the last gap", {0.004, 0.008}, 1.0, 0, 0.008},
      {"elapsed beyond the mean wins", {0.004}, 0.25, 0.1, 0.1},
      {"negative gap counts as zero", {-1.0}, 0.25, 0, 0},
  };
  for (const Case& c : cases) {
    GapPredictor p;
    for (double g : c.gaps_s) p = p.Observe(g, c.weight);
    EXPECT_DOUBLE_EQ(p.PredictS(c.elapsed_s), c.want_s) << c.what;
  }
}

TEST(IdlePowerTest, WeighsEachStateByItsTime) {
  const DeviceSpec spec = TwoStates();
  IdleResidency before;
  before.in_state = {std::chrono::milliseconds(0), std::chrono::seconds(1)};
  IdleResidency after = before;
  // Over 1 s idle: 0.2 s gated, 0.5 s off (one entry, 9 mJ), 0.3 s awake:
  // 0.3 · 1 + 0.2 · 0.5 + 0.5 · 0.1 + 9e-3 J.
  after.in_state = {std::chrono::milliseconds(200),
                    std::chrono::milliseconds(1500)};
  after.transition_energy_j = 9e-3;
  EXPECT_NEAR(IdlePowerW(spec, before, after, 1.0), 0.459, 1e-12);
  EXPECT_EQ(IdlePowerW(spec, before, after, 0), 1.0);
  EXPECT_EQ(IdlePowerW(spec, IdleResidency{}, IdleResidency{}, 1.0), 1.0);
}

}  // namespace
}  // namespace joule
