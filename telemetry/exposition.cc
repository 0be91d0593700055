// Implementation of telemetry/exposition.h.
#include "telemetry/exposition.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>

namespace joule {
namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// `{a="x",b="y"}` from the family's label names and a child's values, with
// an optional extra label (le) last; "" when there are no labels at all.
std::string LabelSet(const std::vector<std::string>& names,
                     const LabelValues& values, std::string_view extra_name,
                     std::string_view extra_value) {
  if (names.empty() && extra_name.empty()) return "";
  // std::string appends, not absl::StrAppend: Debian's abseil has its own
  // string_view, which std::string_view does not convert to.
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out.append(names[i]).append("=\"");
    out.append(EscapeLabelValue(values[i])).append("\"");
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out.append(extra_name).append("=\"").append(extra_value).append("\"");
  }
  out += '}';
  return out;
}

void AppendSample(std::string* out, std::string_view name,
                  std::string_view labels, double value) {
  out->append(name).append(labels).append(" ");
  out->append(FormatSampleValue(value)).append("\n");
}

void AppendCount(std::string* out, std::string_view name,
                 std::string_view labels, uint64_t count) {
  out->append(name).append(labels).append(" ");
  out->append(std::to_string(count)).append("\n");
}

template <typename M>
void AppendScalarFamily(const Family<M>& family, std::string* out) {
  family.ForEach([&](const LabelValues& values, const M& child) {
    AppendSample(out, family.name(),
                 LabelSet(family.label_names(), values, "", ""), child.Value());
  });
}

void AppendHistogramFamily(const Family<Histogram>& family, std::string* out) {
  const std::string bucket = family.name() + "_bucket";
  const std::string sum = family.name() + "_sum";
  const std::string count = family.name() + "_count";
  family.ForEach([&](const LabelValues& values, const Histogram& child) {
    const Histogram::Snapshot s = child.Snap();
    const auto& names = family.label_names();
    for (size_t i = 0; i < s.bounds.size(); ++i) {
      AppendCount(out, bucket,
                  LabelSet(names, values, "le", FormatSampleValue(s.bounds[i])),
                  s.cumulative_counts[i]);
    }
    AppendCount(out, bucket, LabelSet(names, values, "le", "+Inf"), s.count);
    const std::string labels = LabelSet(names, values, "", "");
    AppendSample(out, sum, labels, s.sum);
    AppendCount(out, count, labels, s.count);
  });
}

}  // namespace

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < kMaxExactInteger) {
    if (v == 0 && std::signbit(v)) return "-0";
    return std::to_string(static_cast<int64_t>(v));
  }
  // Shortest round-trip digits; positional like Go's %g (what Prometheus'
  // own clients write, so le="0.0005" matches theirs) for exponents -4..14,
  // scientific ("1e-05", "1.5e+300") outside.
  char buf[64];
  std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  if (r.ec != std::errc()) return "NaN";  // cannot happen: 64 is plenty
  const std::string scientific(buf, r.ptr);
  const int exponent = std::atoi(scientific.c_str() + scientific.find('e') + 1);
  if (exponent < -4 || exponent > 14) return scientific;
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (r.ec != std::errc()) return scientific;
  return std::string(buf, r.ptr);
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ExposeText(const Registry& registry) {
  std::string out;
  for (const FamilyBase* f : registry.Families()) {
    out.append("# HELP ").append(f->name()).append(" ");
    out.append(EscapeHelp(f->help())).append("\n");
    out.append("# TYPE ").append(f->name()).append(" ");
    out.append(TypeName(f->type())).append("\n");
    switch (f->type()) {
      case MetricType::kCounter:
        AppendScalarFamily(static_cast<const Family<Counter>&>(*f), &out);
        break;
      case MetricType::kGauge:
        AppendScalarFamily(static_cast<const Family<Gauge>&>(*f), &out);
        break;
      case MetricType::kHistogram:
        AppendHistogramFamily(static_cast<const Family<Histogram>&>(*f), &out);
        break;
    }
  }
  return out;
}

}  // namespace joule
