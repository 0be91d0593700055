// WriteCalibratedProfile and CalibratedProfileText (calibrated_profile.h): a
// profile YAML edited in place, as text, so its comments and layout survive
// (yaml-cpp re-emitting the tree would drop every comment). yaml-cpp finds
// where each value to replace starts (Node::Mark); the scalar there is
// swapped for the measured number.
#include "devices/calibrated_profile.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "devices/profile_loader.h"
#include "yaml-cpp/yaml.h"

namespace joule {
namespace {

constexpr char kMeasured[] = "# measured (jouled --calibrate)";
constexpr char kAchieved[] =
    "# jouled --calibrate: the measured numbers are achieved, not peak";

struct ScalarEdit {
  int line = 0;  // 0-based, as yaml-cpp marks
  int column = 0;
  std::string value;
  const char* comment = kMeasured;  // replaces a trailing block comment
};

struct LineInsert {
  int after_line = 0;
  std::string text;
};

// Replaces the scalar starting at `column` of `line` with `value`; a block-
// style trailing comment is replaced by e.comment (it described the old
// number).
void ApplyEdit(const ScalarEdit& e, std::string* line) {
  size_t end = e.column;
  if (end < line->size() && ((*line)[end] == '"' || (*line)[end] == '\'')) {
    const size_t close = line->find((*line)[end], end + 1);
    end = close == std::string::npos ? line->size() : close + 1;
  } else {
    end = line->find_first_of(" \t,}]#", end);
    if (end == std::string::npos) end = line->size();
  }
  std::string rest = line->substr(end);
  const size_t first = rest.find_first_not_of(" \t");
  if (first == std::string::npos || rest[first] == '#') rest = "";
  *line = absl::StrCat(line->substr(0, e.column), e.value,
                       rest.empty() ? absl::StrCat("  ", e.comment) : rest);
}

std::string Number(double v) { return absl::StrFormat("%.6g", v); }

absl::Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::Status(absl::ErrnoToStatusCode(errno),
                        absl::StrCat(path, ": ", std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
      const int err = errno;
      std::remove(tmp.c_str());
      return absl::Status(absl::ErrnoToStatusCode(err),
                          absl::StrCat(tmp, ": ", std::strerror(err)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    return absl::Status(
        absl::ErrnoToStatusCode(err),
        absl::StrCat("rename to ", path, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

bool Close(double a, double b) {
  return std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

absl::StatusOr<std::string> CalibratedProfileText(const std::string& yaml,
                                                  const std::string& source,
                                                  const std::string& cpu_name,
                                                  const HostCalibration& cal,
                                                  const std::string& header) {
  if (!(cal.peak_fp32_ops_per_s > 0) || !(cal.mem_bw_bytes_per_s > 0) ||
      !std::isfinite(cal.peak_fp32_ops_per_s) ||
      !std::isfinite(cal.mem_bw_bytes_per_s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("calibration values must be positive: peak fp32 ",
                     cal.peak_fp32_ops_per_s, " ops/s, mem bw ",
                     cal.mem_bw_bytes_per_s, " B/s"));
  }
  if (absl::StatusOr<std::vector<DeviceSpec>> specs =
          ParseProfile(yaml, source);
      !specs.ok()) {
    return specs.status();
  }
  std::vector<ScalarEdit> edits;
  std::vector<LineInsert> inserts;
  try {
    const YAML::Node root = YAML::Load(yaml);
    YAML::Node device;
    bool found = false;
    for (const YAML::Node& d : root["devices"]) {
      if (d["name"] && d["name"].Scalar() == cpu_name) {
        device = d;
        found = true;
        break;
      }
    }
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat(source, ": no device named '", cpu_name, "'"));
    }
    auto where = [&](const YAML::Node& n) {
      return absl::StrCat(source, ":", n.Mark().line + 1, ":",
                          n.Mark().column + 1, ": ");
    };
    if (device["kind"].Scalar() != "cpu") {
      return absl::InvalidArgumentError(
          absl::StrCat(where(device), "device '", cpu_name, "' is kind ",
                       device["kind"].Scalar(), ", not cpu"));
    }
    if (device.Style() == YAML::EmitterStyle::Flow) {
      return absl::InvalidArgumentError(absl::StrCat(
          where(device), "device '", cpu_name,
          "' is written in flow style ({...}); write it as a block mapping "
          "to calibrate it"));
    }
    const YAML::Node fp32 = device["peak_ops_per_s"]["fp32"];
    const YAML::Node bw = device["mem_bw_bytes_per_s"];
    if (!fp32 || !fp32.IsScalar() || !bw || !bw.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(device), "device '", cpu_name,
                       "' needs peak_ops_per_s.fp32 and mem_bw_bytes_per_s"));
    }
    edits.push_back({fp32.Mark().line, fp32.Mark().column,
                     Number(cal.peak_fp32_ops_per_s)});
    edits.push_back(
        {bw.Mark().line, bw.Mark().column, Number(cal.mem_bw_bytes_per_s)});
    int bw_key_column = 0;
    for (auto it = device.begin(); it != device.end(); ++it) {
      if (it->first.Scalar() == "mem_bw_bytes_per_s") {
        bw_key_column = it->first.Mark().column;
      }
    }
    for (const char* key : {"mem_bw_efficiency", "compute_efficiency"}) {
      const YAML::Node eff = device[key];
      if (eff) {
        edits.push_back({eff.Mark().line, eff.Mark().column, "1.0", kAchieved});
      } else {
        inserts.push_back(
            {bw.Mark().line, absl::StrCat(std::string(bw_key_column, ' '), key,
                                          ": 1.0  ", kAchieved)});
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", e.what()));
  }

  std::vector<std::string> lines = absl::StrSplit(yaml, '\n');
  std::sort(edits.begin(), edits.end(), [](const auto& x, const auto& y) {
    return std::tie(x.line, x.column) > std::tie(y.line, y.column);
  });
  for (const ScalarEdit& e : edits) {
    if (e.line < 0 || e.line >= static_cast<int>(lines.size())) {
      return absl::InternalError(
          absl::StrCat(source, ": yaml-cpp marked line ", e.line + 1));
    }
    ApplyEdit(e, &lines[e.line]);
  }
  // Inserted after the same line: the later insert goes on top, so keep
  // them in their listed order by inserting in reverse.
  for (auto it = inserts.rbegin(); it != inserts.rend(); ++it) {
    lines.insert(lines.begin() + it->after_line + 1, it->text);
  }
  std::string out = absl::StrCat("# ", header, "\n");
  absl::StrAppend(&out, absl::StrJoin(lines, "\n"));

  // The edit must still be a valid profile with the new numbers.
  absl::StatusOr<std::vector<DeviceSpec>> back = ParseProfile(out, source);
  if (!back.ok()) {
    return absl::InternalError(absl::StrCat(
        "calibrated profile does not parse: ", back.status().message()));
  }
  for (const DeviceSpec& s : *back) {
    if (s.name != cpu_name) continue;
    if (!Close(s.peak_ops(Precision::kFp32), cal.peak_fp32_ops_per_s) ||
        !Close(s.mem_bw_bytes_per_s, cal.mem_bw_bytes_per_s) ||
        s.compute_efficiency != 1.0 || s.mem_bw_efficiency != 1.0) {
      return absl::InternalError(
          absl::StrCat(source,
                       ": the edited profile does not read back the measured "
                       "values for '",
                       cpu_name, "'"));
    }
  }
  return out;
}

absl::Status WriteCalibratedProfile(const std::string& profile_in,
                                    const std::string& cpu_name,
                                    const HostCalibration& cal,
                                    const std::string& profile_out) {
  std::string yaml;
  std::string source = profile_in;
  if (profile_in.empty()) {
    yaml = std::string(DefaultProfileYaml());
    source = "<embedded default profile>";
  } else if (absl::Status s = ReadFile(profile_in, &yaml); !s.ok()) {
    return s;
  }
  char host[256] = "unknown-host";
  if (gethostname(host, sizeof(host) - 1) != 0) {
    std::snprintf(host, sizeof(host), "unknown-host");
  }
  host[sizeof(host) - 1] = '\0';
  const std::string header = absl::StrCat(
      "Calibrated by jouled --calibrate on ", host, " at ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()),
      " (device ", cpu_name, "): ", cal.Summary());
  absl::StatusOr<std::string> out =
      CalibratedProfileText(yaml, source, cpu_name, cal, header);
  if (!out.ok()) return out.status();
  return WriteFileAtomically(profile_out, *out);
}

}  // namespace joule
