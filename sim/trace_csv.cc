#include "sim/trace_csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace joule {
namespace {

std::string Str(std::string_view s) { return std::string(s); }

absl::Status LineError(std::string_view source, int line,
                       const std::string& msg) {
  return absl::InvalidArgumentError(
      absl::StrCat(Str(source), ":", line, ": ", msg));
}

}  // namespace

namespace {

// Appends FormatTimeS(t). Digits by hand: a trace has a row per arrival,
// and StrFormat's parsing of the format cost more than the rest of the row.
void AppendTimeS(Duration t, std::string* out) {
  const long long ns = t.count();
  if (ns < 0) {  // not in a trace; kept as printf writes it
    absl::StrAppendFormat(out, "%lld.%09lld", ns / 1000000000LL,
                          ns % 1000000000LL);
    return;
  }
  char buf[32];
  char* end = std::to_chars(buf, buf + 20, ns / 1000000000LL).ptr;
  *end++ = '.';
  long long frac = ns % 1000000000LL;
  for (int i = 8; i >= 0; --i) {
    end[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out->append(buf, end + 9);
}

}  // namespace

std::string FormatTimeS(Duration t) {
  std::string s;
  AppendTimeS(t, &s);
  return s;
}

bool ParseTimeS(std::string_view s, Duration* out) {
  // Exact path: digits[.digits] with at most 9 decimals.
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!whole.empty() && whole.size() <= 10 && digits(whole) &&
      frac.size() <= 9 && digits(frac)) {
    long long ns = 0;
    for (char c : whole) ns = ns * 10 + (c - '0');
    long long f = 0;
    for (size_t i = 0; i < 9; ++i) {
      f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
    }
    *out = Duration(ns * 1000000000LL + f);
    return true;
  }
  double v;
  if (!absl::SimpleAtod(absl::string_view(s.data(), s.size()), &v) ||
      !std::isfinite(v) || v < 0 || v > 1e9) {
    return false;
  }
  *out = SecondsToDuration(v);
  return true;
}

std::string ShortestDouble(double v) {
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string TraceToCsv(const std::vector<Arrival>& arrivals,
                       const std::vector<ModelSpec>& models) {
  std::string out = absl::StrCat(kTraceCsvHeader, "\n");
  out.reserve(out.size() + arrivals.size() * 48);  // a typical row's length
  char buf[64];
  for (const Arrival& a : arrivals) {
    AppendTimeS(a.time, &out);
    const std::string_view cls = PriorityClassName(a.priority_class);
    out.append(",").append(models[a.model].name).append(",");
    out.append(cls.data(), cls.size()).append(",");
    out.append(buf, std::to_chars(buf, buf + sizeof(buf), a.deadline_ms).ptr);
    out.append(",");
    out.append(buf, std::to_chars(buf, buf + sizeof(buf), a.batch).ptr);
    out.append("\n");
  }
  return out;
}

absl::StatusOr<std::vector<Arrival>> TraceFromCsv(
    std::string_view csv, std::string_view source,
    const std::vector<ModelSpec>& models) {
  std::vector<Arrival> out;
  bool header = false;
  int line_no = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(csv.data(), csv.size()), '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      if (line != kTraceCsvHeader) {
        return LineError(source, line_no,
                         absl::StrCat("expected the header '", kTraceCsvHeader,
                                      "', got '", line, "'"));
      }
      header = true;
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, ',');
    if (f.size() != 5) {
      return LineError(source, line_no,
                       absl::StrCat("expected 5 fields, got ", f.size()));
    }
    Arrival a;
    if (!ParseTimeS(std::string_view(f[0].data(), f[0].size()), &a.time)) {
      return LineError(
          source, line_no,
          absl::StrCat("time_s: not a time in seconds: '", f[0], "'"));
    }
    a.model = -1;
    for (size_t i = 0; i < models.size(); ++i) {
      if (models[i].name == f[1]) a.model = static_cast<int>(i);
    }
    if (a.model < 0) {
      return LineError(
          source, line_no,
          absl::StrCat("model: '", f[1], "' is not a model of the scenario"));
    }
    std::optional<PriorityClass> c =
        ParsePriorityClass(std::string_view(f[2].data(), f[2].size()));
    if (!c) {
      return LineError(source, line_no,
                       absl::StrCat("class: '", f[2],
                                    "' is not realtime, interactive or batch"));
    }
    a.priority_class = *c;
    if (!absl::SimpleAtod(f[3], &a.deadline_ms) ||
        !std::isfinite(a.deadline_ms) || a.deadline_ms < 0) {
      return LineError(
          source, line_no,
          absl::StrCat("deadline_ms: expected a number >= 0, got '", f[3],
                       "'"));
    }
    if (!absl::SimpleAtoi(f[4], &a.batch) || a.batch < 1) {
      return LineError(
          source, line_no,
          absl::StrCat("batch: expected an integer >= 1, got '", f[4], "'"));
    }
    out.push_back(a);
  }
  if (!header) return LineError(source, line_no, "empty trace: no header");
  std::stable_sort(
      out.begin(), out.end(),
      [](const Arrival& a, const Arrival& b) { return a.time < b.time; });
  return out;
}

absl::Status WriteTraceFile(const std::string& path,
                            const std::vector<Arrival>& arrivals,
                            const std::vector<ModelSpec>& models) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << TraceToCsv(arrivals, models);
  f.close();
  if (!f)
    return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Arrival>> ReadTraceFile(
    const std::string& path, const std::vector<ModelSpec>& models) {
  // Not ReadTextFile: an hour-long trace is larger than its 16 MiB cap.
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  const std::string text((std::istreambuf_iterator<char>(f)),
                         std::istreambuf_iterator<char>());
  return TraceFromCsv(text, path, models);
}

}  // namespace joule
