// What yaml_util.cc (the document reader: parsing, keys, errors) and
// yaml_getters.cc (YamlMap's typed getters) share: message helpers and
// YamlMap::Guarded. Internal to core/; loaders include yaml_util.h.
//
// Thread-safe (pure functions); Guarded is as thread-safe as its YamlMap.
#ifndef JOULE_CORE_YAML_INTERNAL_H_
#define JOULE_CORE_YAML_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "core/yaml_util.h"
#include "yaml-cpp/yaml.h"

namespace joule {
namespace yaml_internal {

// Debian's Abseil is built with its own absl::string_view, which does not
// convert from std::string_view; Cat() is absl::StrCat() taking both.
inline absl::string_view Arg(std::string_view v) {
  return {v.data(), v.size()};
}
template <typename T>
const T& Arg(const T& v) {
  return v;
}
template <typename... Ts>
std::string Cat(const Ts&... args) {
  return absl::StrCat(Arg(args)...);
}

// `text` in single quotes for a message; past 40 characters it is cut and
// ends "...'".
std::string Quote(std::string_view text);

// Quoted scalars ("5", '5') and !!str ones are strings, never numbers or
// booleans.
bool IsString(const YAML::Node& node);

// What a node is, for "expected X, got Y" messages.
std::string DescribeNode(const YAML::Node& node);

}  // namespace yaml_internal

template <typename F>
void YamlMap::Guarded(F&& read) {
  try {
    read();
  } catch (const YAML::Exception& e) {
    FailAtMark(e.mark, path_, e.msg);
  }
}

}  // namespace joule

#endif  // JOULE_CORE_YAML_INTERNAL_H_
