#include "governor/dvfs.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

constexpr int kNever = -1;
constexpr StepDirection kNone = StepDirection::kNone;
constexpr StepDirection kUp = StepDirection::kUp;
constexpr StepDirection kDown = StepDirection::kDown;

constexpr GovernorPolicy kAdaptive = GovernorPolicy::kAdaptive;
constexpr GovernorPolicy kPerformance = GovernorPolicy::kPerformance;
constexpr GovernorPolicy kPowersave = GovernorPolicy::kPowersave;
constexpr GovernorPolicy kOndemand = GovernorPolicy::kOndemand;
constexpr GovernorPolicy kSchedutil = GovernorPolicy::kSchedutil;
constexpr GovernorPolicy kConservative = GovernorPolicy::kConservative;
// A value no policy name parses to.
constexpr GovernorPolicy kUnnamedPolicy = static_cast<GovernorPolicy>(99);

struct Case {
  const char* name;
  GovernorPolicy policy;
  double mean, stddev, latest;
  int current, cap, num_pstates;
  int since_ms;  // kNever: no change yet
  double mean_at_last_change;
  StepDirection last_direction;
  int want_pstate;
  DvfsReason want_reason;
};

// Tunables: up 0.8, down 0.3, k 1.5, change_filter 0.15, min_interval 500 ms.
const Case kCases[] = {
    // name, policy, μ, σ, x, cur, cap, n, since, μ_last, last_dir → want
    {"sustained_load_steps_up", kAdaptive, 0.85, 0.02, 0.86, 1, 3, 4, 1000, 0.5,
     kUp, 2, DvfsReason::kSustainedLoad},
    {"first_change_needs_no_interval", kAdaptive, 0.9, 0.0, 0.9, 0, 3, 4,
     kNever, 0, kNone, 1, DvfsReason::kSustainedLoad},
    {"surge_above_noise_and_threshold_steps_up", kAdaptive, 0.5, 0.1, 0.95, 1,
     3, 4, 1000, 0.5, kNone, 2, DvfsReason::kSurge},
    {"noise_within_mean_plus_k_sigma_holds", kAdaptive, 0.6, 0.2, 0.85, 1, 3, 4,
     1000, 0.5, kNone, 1, DvfsReason::kHold},
    {"sample_above_noise_but_below_up_threshold_holds", kAdaptive, 0.4, 0.05,
     0.7, 1, 3, 4, 1000, 0.5, kNone, 1, DvfsReason::kHold},
    {"lone_surge_in_idle_window_steps_up", kAdaptive, 0.02, 0.12, 0.9, 1, 3, 4,
     1000, 0.5, kNone, 2, DvfsReason::kSurge},
    {"idle_steps_down", kAdaptive, 0.1, 0.05, 0.1, 2, 3, 4, 1000, 0.5, kDown, 1,
     DvfsReason::kIdle},
    {"low_mean_with_high_peaks_holds", kAdaptive, 0.2, 0.1, 0.2, 2, 3, 4, 1000,
     0.5, kNone, 2, DvfsReason::kHold},
    {"up_rate_limited_inside_min_interval", kAdaptive, 0.9, 0.0, 0.9, 1, 3, 4,
     499, 0.5, kUp, 1, DvfsReason::kRateLimited},
    {"up_allowed_at_exactly_min_interval", kAdaptive, 0.9, 0.0, 0.9, 1, 3, 4,
     500, 0.5, kUp, 2, DvfsReason::kSustainedLoad},
    {"down_rate_limited_inside_min_interval", kAdaptive, 0.1, 0.0, 0.1, 2, 3, 4,
     100, 0.5, kDown, 2, DvfsReason::kRateLimited},
    {"change_filter_blocks_reversal_down", kAdaptive, 0.1, 0.0, 0.1, 2, 3, 4,
     1000, 0.2, kUp, 2, DvfsReason::kChangeFiltered},
    {"change_filter_passes_reversal_after_big_move", kAdaptive, 0.1, 0.0, 0.1,
     2, 3, 4, 1000, 0.85, kUp, 1, DvfsReason::kIdle},
    {"change_filter_blocks_reversal_up", kAdaptive, 0.85, 0.0, 0.85, 1, 3, 4,
     1000, 0.8, kDown, 1, DvfsReason::kChangeFiltered},
    {"change_filter_ignores_same_direction_step", kAdaptive, 0.85, 0.0, 0.85, 1,
     3, 4, 1000, 0.85, kUp, 2, DvfsReason::kSustainedLoad},
    {"change_filter_ignores_thermal_forced_last_step", kAdaptive, 0.85, 0.0,
     0.85, 1, 3, 4, 1000, 0.85, kNone, 2, DvfsReason::kSustainedLoad},
    {"above_cap_goes_to_cap_at_once", kAdaptive, 0.95, 0.0, 0.95, 3, 1, 4, 0,
     0.95, kUp, 1, DvfsReason::kThermalCap},
    {"cap_ignores_rate_limit_and_filter", kAdaptive, 0.1, 0.0, 0.1, 3, 2, 4, 10,
     0.1, kUp, 2, DvfsReason::kThermalCap},
    {"at_cap_wanting_up_holds", kAdaptive, 0.95, 0.0, 0.95, 2, 2, 4, 1000, 0.5,
     kUp, 2, DvfsReason::kAtCap},
    {"at_top_wanting_up_holds", kAdaptive, 0.95, 0.0, 0.95, 3, 3, 4, 1000, 0.5,
     kUp, 3, DvfsReason::kAtCap},
    {"at_bottom_wanting_down_holds", kAdaptive, 0.0, 0.0, 0.0, 0, 3, 4, 1000,
     0.5, kDown, 0, DvfsReason::kAtBottom},
    {"cap_above_table_is_clamped", kAdaptive, 0.95, 0.0, 0.95, 3, 9, 4, 1000,
     0.5, kUp, 3, DvfsReason::kAtCap},
    {"single_pstate_device_never_moves", kAdaptive, 0.95, 0.0, 0.95, 0, 0, 1,
     kNever, 0, kNone, 0, DvfsReason::kAtCap},
    {"performance_goes_to_cap", kPerformance, 0.0, 0.0, 0.0, 0, 2, 4, 0, 0,
     kNone, 2, DvfsReason::kPerformance},
    {"performance_at_cap_stays", kPerformance, 0.0, 0.0, 0.0, 2, 2, 4, 0, 0,
     kNone, 2, DvfsReason::kPerformance},
    {"performance_above_cap_is_thermal", kPerformance, 1.0, 0.0, 1.0, 3, 1, 4,
     0, 0, kNone, 1, DvfsReason::kThermalCap},
    {"powersave_goes_to_zero", kPowersave, 1.0, 0.0, 1.0, 3, 3, 4, 0, 0, kNone,
     0, DvfsReason::kPowersave},
    {"unknown_policy_is_adaptive", kUnnamedPolicy, 0.9, 0.0, 0.9, 1, 3, 4,
     kNever, 0, kNone, 2, DvfsReason::kSustainedLoad},
};

class NextPStateTest : public ::testing::TestWithParam<Case> {};

TEST_P(NextPStateTest, Decides) {
  const Case& c = GetParam();
  GovernorTunables t;
  t.policy = c.policy;
  t.up_threshold = 0.8;
  t.down_threshold = 0.3;
  t.k = 1.5;
  t.change_filter = 0.15;
  t.min_interval_ms = 500;

  DvfsInputs in;
  in.mean = c.mean;
  in.stddev = c.stddev;
  in.latest = c.latest;
  in.current = c.current;
  in.cap = c.cap;
  in.num_pstates = c.num_pstates;
  if (c.since_ms != kNever) {
    in.since_last_change = std::chrono::milliseconds(c.since_ms);
  }
  in.mean_at_last_change = c.mean_at_last_change;
  in.last_direction = c.last_direction;

  const DvfsDecision d = NextPState(in, t);
  EXPECT_EQ(d.pstate, c.want_pstate);
  EXPECT_EQ(DvfsReasonName(d.reason), DvfsReasonName(c.want_reason));
  const StepDirection want_dir = c.want_pstate > c.current   ? kUp
                                 : c.want_pstate < c.current ? kDown
                                                             : kNone;
  EXPECT_EQ(StepDirectionName(d.direction), StepDirectionName(want_dir));
  // One step at a time, except the cap and the static policies.
  if (c.want_reason != DvfsReason::kThermalCap &&
      c.want_reason != DvfsReason::kPerformance &&
      c.want_reason != DvfsReason::kPowersave) {
    EXPECT_LE(std::abs(d.pstate - c.current), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NextPStateTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(DvfsPredicatesTest, MinIntervalElapsed) {
  GovernorTunables t;
  t.min_interval_ms = 500;
  EXPECT_FALSE(MinIntervalElapsed(std::chrono::milliseconds(499), t));
  EXPECT_TRUE(MinIntervalElapsed(std::chrono::milliseconds(500), t));
  EXPECT_TRUE(MinIntervalElapsed(Duration::max(), t));
}

TEST(DvfsPredicatesTest, ChangeFilterOnlyGuardsReversals) {
  GovernorTunables t;
  t.change_filter = 0.15;
  DvfsInputs in;
  in.mean = 0.5;
  in.mean_at_last_change = 0.4;
  in.last_direction = kUp;
  EXPECT_TRUE(PassesChangeFilter(kUp, in, t));
  EXPECT_FALSE(PassesChangeFilter(kDown, in, t));
  in.mean_at_last_change = 0.65;
  EXPECT_TRUE(PassesChangeFilter(kDown, in, t));
  in.last_direction = kNone;
  in.mean_at_last_change = 0.5;
  EXPECT_TRUE(PassesChangeFilter(kDown, in, t));
}

TEST(DvfsNamesTest, ReasonAndDirectionNames) {
  EXPECT_EQ(DvfsReasonName(DvfsReason::kOndemandProportional),
            "ondemand_proportional");
  EXPECT_EQ(DvfsReasonName(DvfsReason::kConservativeDown), "conservative_down");
  EXPECT_EQ(DvfsReasonName(DvfsReason::kSurge), "surge");
  EXPECT_EQ(DvfsReasonName(DvfsReason::kChangeFiltered), "change_filtered");
  EXPECT_EQ(StepDirectionName(kDown), "down");
}

// --- Linux-like baselines: ondemand, schedutil, conservative --------------

// Five P-states at 200, 400, 600, 800 and 1000 MHz (f_min 200, f_max 1000).
const std::vector<uint64_t> kFreqsKhz = {200000, 400000, 600000, 800000,
                                         1000000};

struct FreqCase {
  const char* name;
  GovernorPolicy policy;
  double latest;  // x
  int current, cap;
  bool with_table;  // false: no freq_khz, evenly spaced (same ratios here)
  int want_pstate;
  DvfsReason want_reason;
};

// Tunables: up 0.8, down 0.3; min_interval 500 ms and the change filter are
// set to block everything, to show these policies ignore them.
const FreqCase kFreqCases[] = {
    // ondemand: x > up → cap; else PStateAtLeast(200 + x·800 MHz).
    {"ondemand_load_above_up_jumps_to_top", kOndemand, 0.9, 1, 4, true, 4,
     DvfsReason::kOndemandMax},
    {"ondemand_jump_stops_at_the_cap", kOndemand, 0.9, 1, 2, true, 2,
     DvfsReason::kOndemandMax},
    {"ondemand_half_load_falls_to_600", kOndemand, 0.5, 4, 4, true, 2,
     DvfsReason::kOndemandProportional},  // 200 + 400 = 600 MHz
    {"ondemand_30pct_goes_to_the_closest_400", kOndemand, 0.3, 4, 4, true, 1,
     DvfsReason::kOndemandProportional},  // 440 MHz → 400
    {"ondemand_tie_takes_the_higher", kOndemand, 0.375, 4, 4, true, 2,
     DvfsReason::kOndemandProportional},  // 500 MHz: 400 and 600 tie → 600
    {"ondemand_idle_falls_to_bottom", kOndemand, 0.0, 4, 4, true, 0,
     DvfsReason::kOndemandProportional},
    {"ondemand_at_up_threshold_is_proportional", kOndemand, 0.8, 4, 4, true, 3,
     DvfsReason::kOndemandProportional},  // 840 MHz → 800
    {"ondemand_proportional_obeys_cap", kOndemand, 0.7, 0, 2, true, 2,
     DvfsReason::kOndemandProportional},  // 760 MHz → 800, capped at P2
    {"ondemand_above_cap_is_thermal", kOndemand, 0.9, 4, 1, true, 1,
     DvfsReason::kThermalCap},
    // schedutil: util = x·f_cur/f_max; PStateAtLeast(1.25·1000 MHz·util).
    {"schedutil_busy_at_400_goes_to_600", kSchedutil, 1.0, 1, 4, true, 2,
     DvfsReason::kSchedutil},  // util 0.4 → 500 MHz
    {"schedutil_half_busy_at_top_goes_to_800", kSchedutil, 0.5, 4, 4, true, 3,
     DvfsReason::kSchedutil},  // 625 MHz
    {"schedutil_80pct_at_top_holds", kSchedutil, 0.8, 4, 4, true, 4,
     DvfsReason::kSchedutil},  // 1000 MHz
    {"schedutil_light_load_falls_to_bottom", kSchedutil, 0.1, 4, 4, true, 0,
     DvfsReason::kSchedutil},  // 125 MHz
    {"schedutil_obeys_cap", kSchedutil, 1.0, 2, 2, true, 2,
     DvfsReason::kSchedutil},  // 750 MHz → P3, capped at P2
    {"schedutil_without_table_assumes_even_steps", kSchedutil, 1.0, 1, 4, false,
     2, DvfsReason::kSchedutil},
    // conservative: one step up above up, one down below down.
    {"conservative_steps_up", kConservative, 0.9, 1, 4, true, 2,
     DvfsReason::kConservativeUp},
    {"conservative_at_cap_holds", kConservative, 0.9, 2, 2, true, 2,
     DvfsReason::kAtCap},
    {"conservative_steps_down", kConservative, 0.2, 3, 4, true, 2,
     DvfsReason::kConservativeDown},
    {"conservative_at_bottom_holds", kConservative, 0.2, 0, 4, true, 0,
     DvfsReason::kAtBottom},
    {"conservative_between_thresholds_holds", kConservative, 0.5, 3, 4, true, 3,
     DvfsReason::kHold},
};

class BaselinePolicyTest : public ::testing::TestWithParam<FreqCase> {};

TEST_P(BaselinePolicyTest, Decides) {
  const FreqCase& c = GetParam();
  GovernorTunables t;
  t.policy = c.policy;
  t.up_threshold = 0.8;
  t.down_threshold = 0.3;
  t.min_interval_ms = 500;
  t.change_filter = 1.0;
  DvfsInputs in;
  in.latest = c.latest;
  in.mean = 0.5;  // ignored by these policies
  in.current = c.current;
  in.cap = c.cap;
  in.num_pstates = 5;
  if (c.with_table) in.freq_khz = kFreqsKhz;
  in.since_last_change = std::chrono::milliseconds(0);
  in.mean_at_last_change = in.mean;
  in.last_direction = kDown;

  const DvfsDecision d = NextPState(in, t);
  EXPECT_EQ(d.pstate, c.want_pstate);
  EXPECT_EQ(DvfsReasonName(d.reason), DvfsReasonName(c.want_reason));
  const StepDirection want_dir = c.want_pstate > c.current   ? kUp
                                 : c.want_pstate < c.current ? kDown
                                                             : kNone;
  EXPECT_EQ(StepDirectionName(d.direction), StepDirectionName(want_dir));
}

INSTANTIATE_TEST_SUITE_P(Table, BaselinePolicyTest,
                         ::testing::ValuesIn(kFreqCases),
                         [](const ::testing::TestParamInfo<FreqCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(DvfsPredicatesTest, PStateAtLeastIsRelationLowAndCapped) {
  DvfsInputs in;
  in.num_pstates = 5;
  in.freq_khz = kFreqsKhz;
  EXPECT_EQ(PStateAtLeast(in, 0, 4), 0);
  EXPECT_EQ(PStateAtLeast(in, 600000, 4), 2);  // exactly a P-state
  EXPECT_EQ(PStateAtLeast(in, 600001, 4), 3);
  EXPECT_EQ(PStateAtLeast(in, 1e12, 4), 4);    // above the top: the top
  EXPECT_EQ(PStateAtLeast(in, 800000, 1), 1);  // never above the cap
  EXPECT_EQ(PStateAtLeast(in, 800000, 9), 3);  // cap clamped to the table
}

TEST(DvfsPredicatesTest, PStateClosestIsRelationCloseAndCapped) {
  DvfsInputs in;
  in.num_pstates = 5;
  in.freq_khz = kFreqsKhz;
  EXPECT_EQ(PStateClosest(in, 0, 4), 0);
  EXPECT_EQ(PStateClosest(in, 440000, 4), 1);
  EXPECT_EQ(PStateClosest(in, 500000, 4), 2);  // a tie goes up
  EXPECT_EQ(PStateClosest(in, 560000, 4), 2);
  EXPECT_EQ(PStateClosest(in, 1e12, 4), 4);
  EXPECT_EQ(PStateClosest(in, 1e12, 2), 2);  // never above the cap
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

// "slack" on four P-states at 250/500/750/1000 MHz with dynamic power
// 0.25/0.5/0.9/1.6 W (voltage rising with frequency) and 0.5 W static.
struct SlackCase {
  const char* name;
  double mean, stddev;
  int current, cap;
  int since_ms;  // kNever: no change yet
  StepDirection last_direction;
  double mean_at_last_change;
  int deadline_floor;
  double idle_power_w;
  int want_pstate;
  DvfsReason want_reason;
};

const SlackCase kSlackCases[] = {
    // name, μ, σ, cur, cap, since, last_dir, μ_last, floor, P_idle → want
    // P0 and P1 cost the same per unit of work: the faster wins the tie.
    {"idle_without_deadlines_goes_to_the_cheapest_fastest", 0, 0, 3, 3, 1000,
     kNone, 0, -1, 0.5, 1, DvfsReason::kLoadDown},
    {"deadline_floor_raises_at_once_inside_the_interval", 0, 0, 0, 3, 10, kDown,
     0, 2, 0.5, 2, DvfsReason::kDeadline},
    {"deadline_floor_above_the_cap_goes_to_the_cap", 0, 0, 0, 2, 10, kNone, 0,
     4, 0.5, 2, DvfsReason::kDeadline},
    {"deadline_floor_below_current_lets_load_decide", 0, 0, 3, 3, 1000, kNone,
     0, 1, 0.5, 1, DvfsReason::kLoadDown},
    // μ = 0.3 at 1000 MHz needs 0.3/0.8 = 0.375 of 1000 MHz: 500 MHz holds it
    // (0.75), 250 MHz does not (1.5); e(1) = 0.6·0.5 < e(2) = 0.4·0.9.
    {"mean_with_headroom_sets_the_lowest_pstate", 0.3, 0, 3, 3, 1000, kNone, 0,
     -1, 0.5, 1, DvfsReason::kLoadDown},
    // μ + kσ = 0.6 needs 750 MHz.
    {"window_peaks_need_more", 0.3, 0.2, 3, 3, 1000, kNone, 0, -1, 0.5, 2,
     DvfsReason::kLoadDown},
    // Idle at 0 W: e(p) = u_p·(P_dyn + 0.5): 0.6·1.0, 0.4·1.4, 0.3·2.1, so
    // racing to 750 MHz and idling costs least.
    {"race_to_idle_when_idle_is_cheap", 0.3, 0, 3, 3, 1000, kNone, 0, -1, 0.0,
     2, DvfsReason::kLoadDown},
    {"load_down_held_inside_the_interval", 0.3, 0, 3, 3, 100, kNone, 0, -1, 0.5,
     3, DvfsReason::kRateLimited},
    // μ = 0.9 at 250 MHz needs 1.125 of it: 500 MHz.
    {"load_up", 0.9, 0, 0, 3, 1000, kNone, 0, -1, 0.5, 1, DvfsReason::kLoadUp},
    {"load_up_reversal_change_filtered", 0.9, 0, 0, 3, 1000, kDown, 0.85, -1,
     0.5, 0, DvfsReason::kChangeFiltered},
    {"holds_when_current_is_best", 0.45, 0, 1, 3, 1000, kNone, 0, -1, 0.5, 1,
     DvfsReason::kHold},
    {"thermal_cap_wins", 0.9, 0, 3, 1, 10, kUp, 0.9, 3, 0.5, 1,
     DvfsReason::kThermalCap},
};

class SlackPolicyTest : public ::testing::TestWithParam<SlackCase> {};

TEST_P(SlackPolicyTest, Decides) {
  const SlackCase& c = GetParam();
  GovernorTunables t;
  t.policy = GovernorPolicy::kSlack;
  DvfsInputs in;
  in.mean = c.mean;
  in.stddev = c.stddev;
  in.latest = c.mean;
  in.current = c.current;
  in.cap = c.cap;
  in.num_pstates = 4;
  in.freq_khz = {250000, 500000, 750000, 1000000};
  in.dynamic_power_w = {0.25, 0.5, 0.9, 1.6};
  in.static_power_w = 0.5;
  in.idle_power_w = c.idle_power_w;
  in.deadline_floor = c.deadline_floor;
  if (c.since_ms != kNever) {
    in.since_last_change = std::chrono::milliseconds(c.since_ms);
  }
  in.last_direction = c.last_direction;
  in.mean_at_last_change = c.mean_at_last_change;
  const DvfsDecision d = NextPState(in, t);
  EXPECT_EQ(d.pstate, c.want_pstate);
  EXPECT_EQ(DvfsReasonName(d.reason), DvfsReasonName(c.want_reason));
}

INSTANTIATE_TEST_SUITE_P(Table, SlackPolicyTest,
                         ::testing::ValuesIn(kSlackCases),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace joule
