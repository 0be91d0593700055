// ReadOnnxFile and ParseInputShapes (onnx_analysis.h): getting a model and
// its input shapes from the outside world.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "models/onnx_analysis.h"

namespace joule {
namespace {

absl::Status Invalid(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadOnnxFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open '", path, "'"));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::ErrnoToStatus(err, absl::StrCat("cannot stat '", path, "'"));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Invalid(absl::StrCat("'", path, "' is not a regular file"));
  }
  if (st.st_size > kMaxOnnxModelBytes) {
    ::close(fd);
    return Invalid(absl::StrCat("'", path, "' is ", st.st_size,
                                " bytes; at most ", kMaxOnnxModelBytes,
                                " are accepted"));
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    const ssize_t r = ::read(fd, data.data() + got, data.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int err = errno;
      ::close(fd);
      return absl::ErrnoToStatus(err, absl::StrCat("cannot read '", path, "'"));
    }
    if (r == 0) break;  // shrank while reading
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  data.resize(got);
  return data;
}

absl::Status ParseInputShapes(absl::string_view spec, InputShapes* shapes) {
  for (absl::string_view entry :
       absl::StrSplit(spec, ';', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    const size_t eq = entry.find('=');
    if (eq == absl::string_view::npos || eq == 0) {
      return Invalid(
          absl::StrCat("input shape '", entry, "': expected NAME=D1,D2,..."));
    }
    const std::string name(absl::StripAsciiWhitespace(entry.substr(0, eq)));
    std::vector<int64_t> dims;
    for (absl::string_view d : absl::StrSplit(entry.substr(eq + 1), ',')) {
      int64_t v = 0;
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(d), &v) || v <= 0) {
        return Invalid(absl::StrCat("input shape '", entry, "': dim '", d,
                                    "' is not a whole number > 0"));
      }
      dims.push_back(v);
    }
    if (!shapes->emplace(name, std::move(dims)).second) {
      return Invalid(absl::StrCat("input shape for '", name, "' given twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace joule
