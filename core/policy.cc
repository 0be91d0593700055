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

}  // namespace joule
