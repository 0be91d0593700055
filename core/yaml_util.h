// Strict YAML reading with precise errors, shared by the policy loader
// (core/policy_loader.h) and the device profile loader
// (devices/profile_loader.h) so both stay short and declarative.
//
// Every error is absl::InvalidArgumentError("SOURCE:LINE:COL: message") with
// 1-based line and column (yaml-cpp's marks are 0-based). No yaml-cpp
// exception escapes this file's functions.
//
// Errors are sticky, as in LevelDB's background error: every YamlMap read
// from one document shares that document's status, the first error wins,
// and once it is set every getter leaves its output untouched. A loader
// reads every key and checks status() once:
//
//   YamlMap root = YamlMap::Parse(text, "policy.yaml");
//   YamlMap gov = root.OptionalMap("governor");
//   gov.Optional("period_ms", &g.period_ms, Bounds::Between(1, 60000));
//   gov.CheckNoUnknownKeys();  // keys no getter asked about are errors
//   root.CheckNoUnknownKeys();
//   if (!root.ok()) return root.status();
//
// Not thread-safe: the YamlMaps of one document (and the yaml-cpp nodes they
// share) must be used from one thread at a time. Distinct documents may be
// read on distinct threads.
#ifndef JOULE_CORE_YAML_UTIL_H_
#define JOULE_CORE_YAML_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "yaml-cpp/yaml.h"

namespace joule {

// InvalidArgumentError("SOURCE:LINE:COL: message"); `mark` is yaml-cpp's
// 0-based mark. A null mark gives "SOURCE: message".
absl::Status YamlErrorAt(std::string_view source, const YAML::Mark& mark,
                         std::string_view message);

// Parses exactly one YAML document. Empty text (or only comments) gives a
// Null node. Syntax errors and a second document are errors at their
// position.
absl::StatusOr<YAML::Node> ParseYamlDocument(std::string_view yaml,
                                             std::string_view source);

// Reads a whole (small) text file. Errors name the path and the errno text;
// anything but a regular file (a FIFO, a device such as /dev/zero, a
// directory, a socket) is INVALID_ARGUMENT at once, without blocking or
// reading it, and so is a file over kMaxTextFileBytes.
inline constexpr size_t kMaxTextFileBytes = 16 << 20;
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// Allowed range of a number. Integers are also held to their C++ type's
// range.
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;

  static constexpr Bounds Any() { return Bounds{}; }
  static constexpr Bounds AtLeast(double lo) { return {lo}; }
  static constexpr Bounds Positive() { return {0, Any().max, true}; }
  static constexpr Bounds Between(double lo, double hi) { return {lo, hi}; }
  static constexpr Bounds Fraction() { return {0, 1}; }                // [0, 1]
  static constexpr Bounds PositiveFraction() { return {0, 1, true}; }  // (0, 1]

  bool Contains(double v) const;
  // ">= 0", "> 0", "in [1, 60000]", "in (0, 1]", "any value".
  std::string Describe() const;
};

// One YAML mapping of a document, with the document's sticky status.
class YamlMap {
 public:
  // The top-level mapping of `yaml`. An empty document is an empty mapping;
  // a syntax error or a non-mapping top level becomes the status.
  static YamlMap Parse(std::string_view yaml, std::string_view source);

  YamlMap(const YamlMap&) = default;
  // Rebinds the handle: yaml-cpp's Node::operator= would write through it
  // into the document instead.
  YamlMap& operator=(const YamlMap& other);

  bool ok() const { return state_->status.ok(); }
  const absl::Status& status() const { return state_->status; }
  const std::string& source() const { return state_->source; }
  // Names this mapping in messages: "" (top level), "governor",
  // "devices[1].pstates[0]".
  const std::string& path() const { return path_; }
  bool Has(std::string_view key) const;
  // "LINE:COL" (1-based) of `key`'s value, or of this mapping when absent;
  // for messages that point at a second place ("first defined at 3:5").
  std::string PositionOf(std::string_view key) const;

  // Typed scalars. Required() records an error when the key is missing
  // (reported at this mapping's position); Optional() leaves *out untouched
  // then. Wrong types ("expected a number, got 'abc'") and out-of-range
  // values are reported at the value. Numbers must be plain YAML numbers:
  // "5" in quotes is a string. Booleans are true/false.
  void Required(std::string_view key, double* out,
                const Bounds& bounds = Bounds::Any());
  void Required(std::string_view key, int32_t* out,
                const Bounds& bounds = Bounds::Any());
  void Required(std::string_view key, uint32_t* out,
                const Bounds& bounds = Bounds::Any());
  void Required(std::string_view key, int64_t* out,
                const Bounds& bounds = Bounds::Any());
  void Required(std::string_view key, uint64_t* out,
                const Bounds& bounds = Bounds::Any());
  void Required(std::string_view key, bool* out);
  void Required(std::string_view key, std::string* out);

  void Optional(std::string_view key, double* out,
                const Bounds& bounds = Bounds::Any());
  void Optional(std::string_view key, int32_t* out,
                const Bounds& bounds = Bounds::Any());
  void Optional(std::string_view key, uint32_t* out,
                const Bounds& bounds = Bounds::Any());
  void Optional(std::string_view key, int64_t* out,
                const Bounds& bounds = Bounds::Any());
  void Optional(std::string_view key, uint64_t* out,
                const Bounds& bounds = Bounds::Any());
  void Optional(std::string_view key, bool* out);
  void Optional(std::string_view key, std::string* out);

  // A string that must be one of `allowed` (the error lists them).
  void RequiredOneOf(std::string_view key, std::string* out,
                     absl::Span<const std::string_view> allowed);
  void OptionalOneOf(std::string_view key, std::string* out,
                     absl::Span<const std::string_view> allowed);

  // Nested mappings. An absent optional mapping (or `key:` with nothing
  // after it) is empty and reports errors at this mapping's position.
  YamlMap RequiredMap(std::string_view key);
  YamlMap OptionalMap(std::string_view key);
  // A sequence whose every element is a mapping, named "key[i]". An absent
  // optional sequence is empty.
  std::vector<YamlMap> RequiredMapList(std::string_view key);
  std::vector<YamlMap> OptionalMapList(std::string_view key);
  // For mappings whose keys the user chooses (device names): every value
  // must be a mapping, named "path.name". Marks every key as known.
  std::vector<std::pair<std::string, YamlMap>> Entries();

  // Records an error found by the loader itself (a cross-field rule):
  // Fail() at this mapping, FailAt() at `key`'s value (at this mapping when
  // the key is absent). Messages are prefixed "path: " / "path.key: ".
  void Fail(std::string_view message) const;
  void FailAt(std::string_view key, std::string_view message) const;

  // Records an error at the first key (in document order) that no getter
  // asked about, listing the keys that were asked about. Call it after
  // reading every key of this mapping.
  void CheckNoUnknownKeys() const;

 private:
  struct DocState {
    std::string source;
    absl::Status status;
  };
  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };

  YamlMap(std::shared_ptr<DocState> state, YAML::Node node, YAML::Mark mark,
          std::string path);
  // A mapping for `node`, or an empty one (with an error recorded) when
  // `node` is neither a mapping nor Null.
  YamlMap Child(const YAML::Node& node, const YAML::Mark& fallback_mark,
                std::string path) const;
  // First entry for `key`; false when absent.
  bool Find(std::string_view key, Entry* entry) const;
  // Find() that also records `key` as known; false once an error is set.
  bool Lookup(std::string_view key, Entry* entry);
  // Records errors for non-string and duplicate keys.
  void CheckKeysAreUniqueStrings() const;
  std::string KeyPath(std::string_view key) const;
  void FailAtMark(const YAML::Mark& mark, std::string_view where,
                  std::string_view message) const;
  void FailAtValue(const Entry& entry, std::string_view key,
                   std::string_view message) const;
  void Missing(std::string_view key) const;
  // Runs `read` and turns a yaml-cpp exception into an error.
  template <typename F>
  void Guarded(F&& read);

  template <typename T>
  void GetNumber(std::string_view key, bool required, T* out,
                 const Bounds& bounds);
  void GetBool(std::string_view key, bool required, bool* out);
  void GetString(std::string_view key, bool required, std::string* out);
  void GetOneOf(std::string_view key, bool required, std::string* out,
                absl::Span<const std::string_view> allowed);
  YamlMap GetMap(std::string_view key, bool required);
  std::vector<YamlMap> GetMapList(std::string_view key, bool required);

  std::shared_ptr<DocState> state_;
  YAML::Node node_;  // a mapping, or Null for an empty one
  YAML::Mark mark_;  // where errors about the mapping itself point
  std::string path_;
  std::vector<std::string> known_keys_;  // in the order they were asked for
};

}  // namespace joule

#endif  // JOULE_CORE_YAML_UTIL_H_
