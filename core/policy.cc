#include "core/policy.h"

#include "core/enum_names.h"

namespace joule {

std::string_view PlacementStrategyName(PlacementStrategy s) {
  return EnumName(s, kPlacementStrategyNames);
}

std::optional<PlacementStrategy> ParsePlacementStrategy(std::string_view name) {
  return ParseEnumName<PlacementStrategy>(name, kPlacementStrategyNames);
}

std::string_view GovernorPolicyName(GovernorPolicy p) {
  return EnumName(p, kGovernorPolicyNames);
}

std::optional<GovernorPolicy> ParseGovernorPolicy(std::string_view name) {
  return ParseEnumName<GovernorPolicy>(name, kGovernorPolicyNames);
}

SchedulerTunables SchedulerTunablesFor(const Policy& p) {
  SchedulerTunables t = p.scheduler;
  t.raise_pstate_for_deadlines = p.governor.policy == GovernorPolicy::kSlack;
  return t;
}

std::string_view GraphOptimizationName(GraphOptimization g) {
  return EnumName(g, kGraphOptimizationNames);
}

std::optional<GraphOptimization> ParseGraphOptimization(std::string_view name) {
  return ParseEnumName<GraphOptimization>(name, kGraphOptimizationNames);
}

bool operator==(const OnnxRuntimePolicy& a, const OnnxRuntimePolicy& b) {
  return a.library == b.library && a.intra_op_threads == b.intra_op_threads &&
         a.allow_spinning == b.allow_spinning &&
         a.graph_optimization == b.graph_optimization;
}

}  // namespace joule
