// Name tables for enums numbered 0..N-1, where a value's name is
// names[value]: one table per enum gives both directions, so a name and its
// value cannot drift apart. core/types.cc and core/policy.cc use them.
//
// Pure functions; thread-safe.
#ifndef JOULE_CORE_ENUM_NAMES_H_
#define JOULE_CORE_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace joule {

// The name of `value`, or "unknown" for a value outside the table.
template <typename E, size_t N>
std::string_view EnumName(E value,
                          const std::array<std::string_view, N>& names) {
  const size_t i = static_cast<size_t>(value);
  return i < N ? names[i] : "unknown";
}

// The value whose name is `name`, or nullopt.
template <typename E, size_t N>
std::optional<E> ParseEnumName(std::string_view name,
                               const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace joule

#endif  // JOULE_CORE_ENUM_NAMES_H_
