#include "platform/linux/sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/scoped_fd.h"

namespace joule {
namespace {

constexpr size_t kMaxFileBytes = 1 << 20;

// Quotes (at most 40 bytes of) what a file held, for an error message.
std::string Quote(absl::string_view text) {
  const size_t kMax = 40;
  std::string out = absl::StrCat(
      "\"", absl::CHexEscape(text.substr(0, std::min(text.size(), kMax))),
      "\"");
  if (text.size() > kMax) absl::StrAppend(&out, "...");
  return out;
}

absl::Status ParseError(const std::string& path, absl::string_view what,
                        absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", what, ", got ", Quote(text)));
}

}  // namespace

std::string HostPath(const std::string& root, absl::string_view relative) {
  std::string base = root.empty() ? "/" : root;
  if (base.back() != '/') base.push_back('/');
  while (!relative.empty() && relative.front() == '/')
    relative.remove_prefix(1);
  return absl::StrCat(base, relative);
}

absl::StatusOr<std::string> ReadSysfsFile(const std::string& path) {
  ScopedFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("read ", path));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxFileBytes) {
      return absl::OutOfRangeError(
          absl::StrCat(path, ": longer than ", kMaxFileBytes, " bytes"));
    }
  }
  return out;
}

absl::StatusOr<std::string> ReadSysfsTrimmed(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSysfsFile(path);
  if (!text.ok()) return text.status();
  absl::string_view trimmed = absl::StripAsciiWhitespace(*text);
  if (trimmed.empty()) return ParseError(path, "a value", *text);
  return std::string(trimmed);
}

absl::StatusOr<uint64_t> ParseSysfsUint64(absl::string_view text,
                                          const std::string& path) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  if (digits.empty()) return ParseError(path, "an unsigned integer", text);
  uint64_t value = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : digits) {
    if (c < '0' || c > '9')
      return ParseError(path, "an unsigned integer", text);
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (value > (kMax - d) / 10) {
      return ParseError(path, "an unsigned 64-bit integer", text);
    }
    value = value * 10 + d;
  }
  return value;
}

absl::StatusOr<int64_t> ParseSysfsInt64(absl::string_view text,
                                        const std::string& path) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  const bool negative = !t.empty() && t.front() == '-';
  if (negative) t.remove_prefix(1);
  if (t.empty() || t.front() < '0' || t.front() > '9') {
    return ParseError(path, "an integer", text);
  }
  absl::StatusOr<uint64_t> magnitude = ParseSysfsUint64(t, path);
  if (!magnitude.ok()) return ParseError(path, "an integer", text);
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) +
      (negative ? 1 : 0);
  if (*magnitude > limit) return ParseError(path, "a 64-bit integer", text);
  if (negative) {
    return *magnitude == limit ? std::numeric_limits<int64_t>::min()
                               : -static_cast<int64_t>(*magnitude);
  }
  return static_cast<int64_t>(*magnitude);
}

absl::StatusOr<uint64_t> ReadSysfsUint64(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSysfsFile(path);
  if (!text.ok()) return text.status();
  return ParseSysfsUint64(*text, path);
}

absl::StatusOr<int64_t> ReadSysfsInt64(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSysfsFile(path);
  if (!text.ok()) return text.status();
  return ParseSysfsInt64(*text, path);
}

absl::Status WriteSysfsFile(const std::string& path, absl::string_view value) {
  ScopedFd fd(open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (fd.get() < 0)
    return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  ssize_t n;
  do {
    n = write(fd.get(), value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("write ", Quote(value), " to ", path));
  }
  if (static_cast<size_t>(n) != value.size()) {
    return absl::DataLossError(absl::StrCat(
        "write ", Quote(value), " to ", path, ": only ", n, " bytes taken"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListSysfsDirectory(
    const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return absl::ErrnoToStatus(errno, path);
  std::vector<std::string> names;
  while (const dirent* e = readdir(dir)) {
    absl::string_view name(e->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool SysfsPathExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool SysfsIsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

int SysfsIndexAfter(absl::string_view name, absl::string_view prefix) {
  if (!absl::ConsumePrefix(&name, prefix) || name.empty()) return -1;
  if (!std::all_of(name.begin(), name.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  int n = -1;
  return absl::SimpleAtoi(name, &n) ? n : -1;
}

absl::StatusOr<std::vector<int>> ParseCpuList(absl::string_view text,
                                              const std::string& path) {
  std::vector<int> cpus;
  constexpr uint64_t kMaxCpu = 1 << 16;
  for (absl::string_view item :
       absl::StrSplit(text, absl::ByAnyChar(", \n\t"), absl::SkipEmpty())) {
    std::vector<absl::string_view> ends = absl::StrSplit(item, '-');
    if (ends.size() > 2) return ParseError(path, "a CPU list", text);
    absl::StatusOr<uint64_t> first = ParseSysfsUint64(ends[0], path);
    absl::StatusOr<uint64_t> last =
        ends.size() == 2 ? ParseSysfsUint64(ends[1], path) : first;
    if (!first.ok() || !last.ok() || *first > *last || *last > kMaxCpu) {
      return ParseError(path, "a CPU list", text);
    }
    for (uint64_t c = *first; c <= *last; ++c)
      cpus.push_back(static_cast<int>(c));
  }
  if (cpus.empty()) return ParseError(path, "a CPU list", text);
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

}  // namespace joule
