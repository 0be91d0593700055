// The document reader behind yaml_util.h: parsing one document, reading a
// text file, YamlMap's structure (key lookup, duplicate and non-string keys,
// unknown keys with a "did you mean") and its sticky errors. The typed
// getters built on it are yaml_getters.cc.
#include "core/yaml_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/scoped_fd.h"
#include "core/yaml_internal.h"

namespace joule {
namespace yaml_internal {

// Longest value text quoted back in a message.
constexpr size_t kMaxQuotedChars = 40;

std::string Quote(std::string_view text) {
  if (text.size() > kMaxQuotedChars) {
    return Cat("'", text.substr(0, kMaxQuotedChars), "...'");
  }
  return Cat("'", text, "'");
}

bool IsString(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return IsString(node) ? Cat(Quote(node.Scalar()), " (a quoted string)")
                            : Quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing (null)";
}

}  // namespace yaml_internal

namespace {

using yaml_internal::Cat;
using yaml_internal::DescribeNode;
using yaml_internal::Quote;

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Position(const YAML::Mark& mark) {
  return Cat(mark.line + 1, ":", mark.column + 1);
}

}  // namespace

absl::Status YamlErrorAt(std::string_view source, const YAML::Mark& mark,
                         std::string_view message) {
  if (mark.is_null()) {
    return absl::InvalidArgumentError(Cat(source, ": ", message));
  }
  return absl::InvalidArgumentError(
      Cat(source, ":", Position(mark), ": ", message));
}

absl::StatusOr<YAML::Node> ParseYamlDocument(std::string_view yaml,
                                             std::string_view source) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(yaml));
    if (docs.empty()) return YAML::Node();
    if (docs.size() > 1) {
      return YamlErrorAt(
          source, docs[1].Mark(),
          Cat("expected one YAML document, found ", docs.size()));
    }
    return docs[0];
  } catch (const YAML::Exception& e) {
    return YamlErrorAt(source, e.mark, e.msg);
  }
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO nobody writes returns at once instead of
  // waiting for a writer; it is then refused as not a regular file.
  ScopedFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    return absl::ErrnoToStatus(errno, Cat("cannot open '", path, "'"));
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    return absl::ErrnoToStatus(errno, Cat("cannot stat '", path, "'"));
  }
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    return absl::InvalidArgumentError(
        Cat("'", path, "' is not a regular file (", what, ")"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxTextFileBytes) {
    return absl::InvalidArgumentError(
        Cat("'", path, "' is larger than ", kMaxTextFileBytes, " bytes"));
  }
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::ErrnoToStatus(errno, Cat("cannot read '", path, "'"));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxTextFileBytes) {  // grew while being read
      return absl::InvalidArgumentError(
          Cat("'", path, "' is larger than ", kMaxTextFileBytes, " bytes"));
    }
  }
  return text;
}

// ---------------------------------------------------------------------------
// YamlMap: construction and structure.

YamlMap::YamlMap(std::shared_ptr<DocState> state, YAML::Node node,
                 YAML::Mark mark, std::string path)
    : state_(std::move(state)),
      node_(std::move(node)),
      mark_(mark),
      path_(std::move(path)) {}

YamlMap& YamlMap::operator=(const YamlMap& other) {
  state_ = other.state_;
  node_.reset(other.node_);
  mark_ = other.mark_;
  path_ = other.path_;
  known_keys_ = other.known_keys_;
  return *this;
}

YamlMap YamlMap::Parse(std::string_view yaml, std::string_view source) {
  auto state = std::make_shared<DocState>();
  state->source = std::string(source);
  YamlMap placeholder(state, YAML::Node(), YAML::Mark(), "");
  absl::StatusOr<YAML::Node> root = ParseYamlDocument(yaml, source);
  if (!root.ok()) {
    state->status = root.status();
    return placeholder;
  }
  YamlMap result = placeholder;
  placeholder.Guarded([&] {
    result = placeholder.Child(
        *root, root->IsNull() ? YAML::Mark() : root->Mark(), "");
  });
  return result;
}

YamlMap YamlMap::Child(const YAML::Node& node, const YAML::Mark& mark,
                       std::string path) const {
  if (node.IsMap()) {
    YamlMap child(state_, node, mark, std::move(path));
    child.CheckKeysAreUniqueStrings();
    return child;
  }
  if (!node.IsNull() && node.IsDefined()) {
    FailAtMark(
        mark, path,
        Cat("expected a mapping", path.empty() ? " at the top level" : "",
            ", got ", DescribeNode(node)));
  }
  return YamlMap(state_, YAML::Node(), mark, std::move(path));
}

void YamlMap::CheckKeysAreUniqueStrings() const {
  std::vector<std::pair<std::string, YAML::Mark>> seen;
  for (auto it = node_.begin(); it != node_.end() && ok(); ++it) {
    const YAML::Node key = it->first;  // copied: it->first lives in a temporary
    if (!key.IsScalar()) {
      FailAtMark(key.Mark(), path_,
                 Cat("keys must be strings, got ", DescribeNode(key)));
      return;
    }
    for (const auto& [name, mark] : seen) {
      if (name == key.Scalar()) {
        FailAtMark(key.Mark(), path_,
                   Cat("duplicate key ", Quote(name), " (first at ",
                       Position(mark), ")"));
        return;
      }
    }
    seen.emplace_back(key.Scalar(), key.Mark());
  }
}

bool YamlMap::Find(std::string_view key, Entry* entry) const {
  if (!node_.IsMap()) return false;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      entry->key.reset(it->first);  // reset(): see operator= above
      entry->value.reset(it->second);
      return true;
    }
  }
  return false;
}

bool YamlMap::Lookup(std::string_view key, Entry* entry) {
  if (std::find(known_keys_.begin(), known_keys_.end(), key) ==
      known_keys_.end()) {
    known_keys_.emplace_back(key);
  }
  return ok() && Find(key, entry);
}

bool YamlMap::Has(std::string_view key) const {
  Entry entry;
  return Find(key, &entry);
}

std::string YamlMap::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : Cat(path_, ".", key);
}

std::string YamlMap::PositionOf(std::string_view key) const {
  Entry entry;
  if (!Find(key, &entry)) return Position(mark_);
  // A null value's mark points past it, at the next token; the key's does
  // not.
  return Position(entry.value.IsNull() ? entry.key.Mark() : entry.value.Mark());
}

// ---------------------------------------------------------------------------
// Errors.

void YamlMap::FailAtMark(const YAML::Mark& mark, std::string_view where,
                         std::string_view message) const {
  if (!ok()) return;
  state_->status = YamlErrorAt(
      state_->source, mark,
      where.empty() ? std::string(message) : Cat(where, ": ", message));
}

void YamlMap::FailAtValue(const Entry& entry, std::string_view key,
                          std::string_view message) const {
  const YAML::Mark mark =
      entry.value.IsNull() ? entry.key.Mark() : entry.value.Mark();
  FailAtMark(mark, KeyPath(key), message);
}

void YamlMap::Fail(std::string_view message) const {
  FailAtMark(mark_, path_, message);
}

void YamlMap::FailAt(std::string_view key, std::string_view message) const {
  Entry entry;
  if (Find(key, &entry)) {
    FailAtValue(entry, key, message);
  } else {
    FailAtMark(mark_, KeyPath(key), message);
  }
}

void YamlMap::Missing(std::string_view key) const {
  FailAtMark(mark_, path_, Cat("missing required key ", Quote(key)));
}

void YamlMap::CheckNoUnknownKeys() const {
  if (!ok() || !node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(known_keys_.begin(), known_keys_.end(), key) !=
        known_keys_.end()) {
      continue;
    }
    std::string message =
        Cat("unknown key ", Quote(key),
            path_.empty() ? " at the top level" : " in " + Quote(path_));
    if (known_keys_.empty()) {
      absl::StrAppend(&message, " (this mapping takes no keys)");
    } else {
      const auto closest =
          std::min_element(known_keys_.begin(), known_keys_.end(),
                           [&](const std::string& a, const std::string& b) {
                             return EditDistance(key, a) < EditDistance(key, b);
                           });
      if (EditDistance(key, *closest) <= 2) {
        absl::StrAppend(&message, "; did you mean ", Quote(*closest), "?");
      }
      absl::StrAppend(&message, " (allowed: ", absl::StrJoin(known_keys_, ", "),
                      ")");
    }
    FailAtMark(it->first.Mark(), "", message);
    return;
  }
}

}  // namespace joule
