// YamlMap's typed getters (yaml_util.h): scalars checked against the YAML
// 1.2 core schema and their Bounds, one-of strings, nested mappings and
// sequences of mappings. The document reader they stand on (parsing, key
// lookup, errors) is yaml_util.cc.
//
// Not thread-safe, as YamlMap (see yaml_util.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "core/yaml_internal.h"
#include "core/yaml_util.h"

namespace joule {
namespace {

using yaml_internal::Arg;
using yaml_internal::Cat;
using yaml_internal::DescribeNode;
using yaml_internal::IsString;
using yaml_internal::Quote;

std::string Join(absl::Span<const std::string_view> items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool IsPlainScalar(const YAML::Node& node) {
  return node.IsScalar() && !IsString(node);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// YAML 1.2 core-schema integer, decimal only: [-+]?[0-9]+.
bool IsYamlInt(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return AllDigits(s);
}

// YAML 1.2 core-schema float:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? or [-+]?.inf or .nan.
bool ParseYamlFloat(std::string_view s, double* out) {
  std::string lower = absl::AsciiStrToLower(Arg(s));
  if (lower == ".nan") {
    *out = std::nan("");
    return true;
  }
  if (lower == ".inf" || lower == "+.inf" || lower == "-.inf") {
    *out = lower[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+'))
    rest.remove_prefix(1);
  const size_t exp = rest.find_first_of("eE");
  std::string_view mantissa = rest.substr(0, exp);
  if (exp != std::string_view::npos) {
    std::string_view exponent = rest.substr(exp + 1);
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) {
      exponent.remove_prefix(1);
    }
    if (!AllDigits(exponent)) return false;
  }
  const size_t dot = mantissa.find('.');
  std::string_view int_part = mantissa.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos
                                   ? std::string_view()
                                   : mantissa.substr(dot + 1);
  const bool int_ok = int_part.empty() || AllDigits(int_part);
  const bool frac_ok = frac_part.empty() || AllDigits(frac_part);
  if (!int_ok || !frac_ok || (int_part.empty() && frac_part.empty())) {
    return false;
  }
  // SimpleAtod is locale-independent; out-of-range values come back as
  // +-inf and are refused as non-finite by the caller.
  return absl::SimpleAtod(Arg(s), out);
}

// Whole numbers in full ("3600000", not "3.6e+06"), others as %g.
std::string FormatNumber(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    return Cat(static_cast<int64_t>(v));
  }
  return Cat(v);
}

}  // namespace

bool Bounds::Contains(double v) const {
  const bool above_min = min_exclusive ? v > min : v >= min;
  const bool below_max = max_exclusive ? v < max : v <= max;
  return above_min && below_max;
}

std::string Bounds::Describe() const {
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  if (has_min && has_max) {
    return Cat("in ", min_exclusive ? "(" : "[", FormatNumber(min), ", ",
               FormatNumber(max), max_exclusive ? ")" : "]");
  }
  if (has_min) return Cat(min_exclusive ? "> " : ">= ", FormatNumber(min));
  if (has_max) return Cat(max_exclusive ? "< " : "<= ", FormatNumber(max));
  return "any value";
}

// ---------------------------------------------------------------------------
// Scalars.

template <typename T>
void YamlMap::GetNumber(std::string_view key, bool required, T* out,
                        const Bounds& bounds) {
  Entry entry;
  if (!Lookup(key, &entry)) {
    if (required) Missing(key);
    return;
  }
  constexpr bool kIsInt = std::is_integral_v<T>;
  const YAML::Node& value = entry.value;
  const std::string text = value.IsScalar() ? value.Scalar() : "";
  double number = 0;
  bool parsed = false;
  if (IsPlainScalar(value)) {
    parsed = kIsInt ? IsYamlInt(text) : ParseYamlFloat(text, &number);
  }
  if (!parsed) {
    double ignored;
    const bool is_float =
        IsPlainScalar(value) && ParseYamlFloat(text, &ignored);
    FailAtValue(
        entry, key,
        Cat(kIsInt && is_float ? "expected an integer" : "expected a number",
            ", got ", DescribeNode(value)));
    return;
  }
  if constexpr (kIsInt) {
    // Held to T's range first, exactly, then to `bounds` as a double.
    const bool negative = text[0] == '-';
    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
    const bool fits =
        negative
            ? absl::SimpleAtoi(text, &signed_value) && std::is_signed_v<T> &&
                  signed_value >=
                      static_cast<int64_t>(std::numeric_limits<T>::min())
            : absl::SimpleAtoi(text, &unsigned_value) &&
                  unsigned_value <=
                      static_cast<uint64_t>(std::numeric_limits<T>::max());
    if (!fits) {
      FailAtValue(entry, key,
                  Cat("must be an integer in [", std::numeric_limits<T>::min(),
                      ", ", std::numeric_limits<T>::max(), "], got ", text));
      return;
    }
    number = negative ? static_cast<double>(signed_value)
                      : static_cast<double>(unsigned_value);
    if (!bounds.Contains(number)) {
      FailAtValue(entry, key,
                  Cat("must be ", bounds.Describe(), ", got ", text));
      return;
    }
    *out = negative ? static_cast<T>(signed_value)
                    : static_cast<T>(unsigned_value);
  } else {
    if (!std::isfinite(number)) {
      FailAtValue(entry, key, Cat("must be a finite number, got ", text));
      return;
    }
    if (!bounds.Contains(number)) {
      FailAtValue(entry, key,
                  Cat("must be ", bounds.Describe(), ", got ", text));
      return;
    }
    *out = number;
  }
}

void YamlMap::GetBool(std::string_view key, bool required, bool* out) {
  Entry entry;
  if (!Lookup(key, &entry)) {
    if (required) Missing(key);
    return;
  }
  const YAML::Node& value = entry.value;
  if (IsPlainScalar(value)) {
    const std::string& text = value.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") {
      *out = true;
      return;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      *out = false;
      return;
    }
  }
  FailAtValue(entry, key,
              Cat("expected true or false, got ", DescribeNode(value)));
}

void YamlMap::GetString(std::string_view key, bool required, std::string* out) {
  Entry entry;
  if (!Lookup(key, &entry)) {
    if (required) Missing(key);
    return;
  }
  if (!entry.value.IsScalar()) {
    FailAtValue(
        entry, key,
        Cat("expected a string, got ", DescribeNode(entry.value),
            entry.value.IsNull() ? " (write \"\" for an empty string)" : ""));
    return;
  }
  *out = entry.value.Scalar();
}

void YamlMap::GetOneOf(std::string_view key, bool required, std::string* out,
                       absl::Span<const std::string_view> allowed) {
  if (!Has(key)) {
    GetString(key, required, out);  // records the key; errors if required
    return;
  }
  std::string value;
  GetString(key, required, &value);
  if (!ok()) return;
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    FailAt(key, Cat("must be one of ", Join(allowed), "; got ", Quote(value)));
    return;
  }
  *out = value;
}

#define JOULE_YAML_NUMBER_GETTERS(T)                                           \
  void YamlMap::Required(std::string_view key, T* out, const Bounds& bounds) { \
    Guarded([&] { GetNumber(key, true, out, bounds); });                       \
  }                                                                            \
  void YamlMap::Optional(std::string_view key, T* out, const Bounds& bounds) { \
    Guarded([&] { GetNumber(key, false, out, bounds); });                      \
  }
JOULE_YAML_NUMBER_GETTERS(double)
JOULE_YAML_NUMBER_GETTERS(int32_t)
JOULE_YAML_NUMBER_GETTERS(uint32_t)
JOULE_YAML_NUMBER_GETTERS(int64_t)
JOULE_YAML_NUMBER_GETTERS(uint64_t)
#undef JOULE_YAML_NUMBER_GETTERS

void YamlMap::Required(std::string_view key, bool* out) {
  Guarded([&] { GetBool(key, true, out); });
}
void YamlMap::Optional(std::string_view key, bool* out) {
  Guarded([&] { GetBool(key, false, out); });
}
void YamlMap::Required(std::string_view key, std::string* out) {
  Guarded([&] { GetString(key, true, out); });
}
void YamlMap::Optional(std::string_view key, std::string* out) {
  Guarded([&] { GetString(key, false, out); });
}
void YamlMap::RequiredOneOf(std::string_view key, std::string* out,
                            absl::Span<const std::string_view> allowed) {
  Guarded([&] { GetOneOf(key, true, out, allowed); });
}
void YamlMap::OptionalOneOf(std::string_view key, std::string* out,
                            absl::Span<const std::string_view> allowed) {
  Guarded([&] { GetOneOf(key, false, out, allowed); });
}

// ---------------------------------------------------------------------------
// Nested mappings and sequences.

YamlMap YamlMap::GetMap(std::string_view key, bool required) {
  Entry entry;
  if (!Lookup(key, &entry)) {
    if (required) Missing(key);
    return YamlMap(state_, YAML::Node(), mark_, KeyPath(key));
  }
  const YAML::Mark mark =
      entry.value.IsNull() ? entry.key.Mark() : entry.value.Mark();
  return Child(entry.value, mark, KeyPath(key));
}

std::vector<YamlMap> YamlMap::GetMapList(std::string_view key, bool required) {
  std::vector<YamlMap> list;
  Entry entry;
  if (!Lookup(key, &entry)) {
    if (required) Missing(key);
    return list;
  }
  if (entry.value.IsNull()) return list;
  if (!entry.value.IsSequence()) {
    FailAtValue(entry, key,
                Cat("expected a sequence, got ", DescribeNode(entry.value)));
    return list;
  }
  const std::string path = KeyPath(key);
  const YAML::Node& sequence = entry.value;
  size_t i = 0;
  for (auto it = sequence.begin(); it != sequence.end() && ok(); ++it, ++i) {
    const YAML::Node element = *it;
    const std::string element_path = Cat(path, "[", i, "]");
    if (!element.IsMap()) {
      FailAtMark(element.IsNull() ? entry.value.Mark() : element.Mark(),
                 element_path,
                 Cat("expected a mapping, got ", DescribeNode(element)));
      break;
    }
    list.push_back(Child(element, element.Mark(), element_path));
  }
  return list;
}

YamlMap YamlMap::RequiredMap(std::string_view key) {
  YamlMap result(state_, YAML::Node(), mark_, KeyPath(key));
  Guarded([&] { result = GetMap(key, true); });
  return result;
}

YamlMap YamlMap::OptionalMap(std::string_view key) {
  YamlMap result(state_, YAML::Node(), mark_, KeyPath(key));
  Guarded([&] { result = GetMap(key, false); });
  return result;
}

std::vector<YamlMap> YamlMap::RequiredMapList(std::string_view key) {
  std::vector<YamlMap> result;
  Guarded([&] { result = GetMapList(key, true); });
  return result;
}

std::vector<YamlMap> YamlMap::OptionalMapList(std::string_view key) {
  std::vector<YamlMap> result;
  Guarded([&] { result = GetMapList(key, false); });
  return result;
}

std::vector<std::pair<std::string, YamlMap>> YamlMap::Entries() {
  std::vector<std::pair<std::string, YamlMap>> result;
  Guarded([&] {
    if (!ok() || !node_.IsMap()) return;
    for (auto it = node_.begin(); it != node_.end() && ok(); ++it) {
      const std::string name = it->first.Scalar();
      if (std::find(known_keys_.begin(), known_keys_.end(), name) ==
          known_keys_.end()) {
        known_keys_.push_back(name);
      }
      const YAML::Mark mark =
          it->second.IsNull() ? it->first.Mark() : it->second.Mark();
      result.emplace_back(name, Child(it->second, mark, KeyPath(name)));
    }
  });
  return result;
}

}  // namespace joule
