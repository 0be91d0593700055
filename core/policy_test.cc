#include "core/policy.h"

#include <optional>
#include <string_view>

#include "gtest/gtest.h"

namespace joule {
namespace {

TEST(PolicyNamesTest, PlacementStrategyNamesRoundTrip) {
  for (const char* n : {"joule", "round_robin", "fastest", "eft"}) {
    const std::optional<PlacementStrategy> s = ParsePlacementStrategy(n);
    ASSERT_TRUE(s.has_value()) << n;
    EXPECT_EQ(PlacementStrategyName(*s), n);
  }
  EXPECT_EQ(ParsePlacementStrategy("eft"), PlacementStrategy::kEft);
  EXPECT_FALSE(ParsePlacementStrategy("random").has_value());
  EXPECT_FALSE(ParsePlacementStrategy("").has_value());
  EXPECT_EQ(PlacementStrategyName(static_cast<PlacementStrategy>(99)),
            "unknown");
}

TEST(PolicyNamesTest, GovernorPolicyNamesRoundTrip) {
  for (const char* n : {"adaptive", "performance", "powersave", "ondemand",
                        "schedutil", "conservative"}) {
    const std::optional<GovernorPolicy> p = ParseGovernorPolicy(n);
    ASSERT_TRUE(p.has_value()) << n;
    EXPECT_EQ(GovernorPolicyName(*p), n);
  }
  EXPECT_EQ(ParseGovernorPolicy("schedutil"), GovernorPolicy::kSchedutil);
  EXPECT_FALSE(ParseGovernorPolicy("turbo").has_value());
  EXPECT_FALSE(ParseGovernorPolicy("").has_value());
  EXPECT_EQ(GovernorPolicyName(static_cast<GovernorPolicy>(99)), "unknown");
}

TEST(PolicyNamesTest, TheDefaultsAreJouleAndSlack) {
  const Policy p;
  EXPECT_EQ(PlacementStrategyName(p.scheduler.placement), "joule");
  EXPECT_EQ(GovernorPolicyName(p.governor.policy), "slack");
  EXPECT_TRUE(SchedulerTunablesFor(p).raise_pstate_for_deadlines);
  Policy q;
  q.governor.policy = GovernorPolicy::kConservative;
  EXPECT_FALSE(SchedulerTunablesFor(q).raise_pstate_for_deadlines);
}

}  // namespace
}  // namespace joule
