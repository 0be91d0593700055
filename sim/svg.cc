#include "sim/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace joule {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                    "#bcbd22", "#17becf"};
constexpr int kLeft = 70, kRight = 220, kTop = 36, kBottom = 48;

std::string Num(double v) {
  if (std::fabs(v) < 1e-12) return "0";
  return absl::StrFormat("%g", v);
}

// Maps data to pixels on one axis.
struct Axis {
  double lo, hi;  // data range (log10 of it on a log axis)
  double px0, px1;
  bool log;
  double operator()(double v) const {
    const double d = log ? std::log10(v) : v;
    return px0 + (d - lo) / (hi - lo) * (px1 - px0);
  }
};

}  // namespace

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> NiceTicks(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (int i = 0; i < 1000; ++i) {  // a bound against NaN ranges
    const double t = first + i * step;
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    if (t >= hi - step * 1e-9) break;
  }
  return ticks;
}

std::string RenderChart(const SvgChart& c) {
  const bool log = c.log_x;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const SvgSeries& s : c.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (log && s.x[i] <= 0) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  }
  if (!(x_lo <= x_hi)) x_lo = log ? 1 : 0, x_hi = log ? 10 : 1;
  if (!(y_lo <= y_hi)) y_lo = 0, y_hi = 1;
  if (c.y_min) y_lo = *c.y_min;
  if (c.y_max) y_hi = *c.y_max;
  if (y_hi <= y_lo) y_hi = y_lo + 1;

  std::vector<double> x_ticks, y_ticks = NiceTicks(y_lo, y_hi, 5);
  if (log) {
    const int a = static_cast<int>(std::floor(std::log10(x_lo)));
    int b = static_cast<int>(std::ceil(std::log10(x_hi)));
    if (b <= a) b = a + 1;
    for (int k = a; k <= b; ++k) x_ticks.push_back(std::pow(10.0, k));
  } else {
    if (x_hi <= x_lo) x_hi = x_lo + 1;
    x_ticks = NiceTicks(x_lo, x_hi, 8);
  }
  if (!c.y_min) y_lo = y_ticks.front();
  if (!c.y_max) y_hi = y_ticks.back();
  const int w = c.width, h = c.height;
  const Axis xa{log ? std::log10(x_ticks.front()) : x_ticks.front(),
                log ? std::log10(x_ticks.back()) : x_ticks.back(),
                static_cast<double>(kLeft), static_cast<double>(w - kRight),
                log};
  const Axis ya{y_lo, y_hi, static_cast<double>(h - kBottom),
                static_cast<double>(kTop), false};

  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n",
      w, h, w, h, kLeft, XmlEscape(c.title));
  for (double t : x_ticks) {
    const double x = xa(t);
    absl::StrAppend(
        &out,
        absl::StrFormat(
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
            "stroke=\"#e5e5e5\"/>"
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            x, kTop, x, h - kBottom, x, h - kBottom + 16, Num(t)));
  }
  for (double t : y_ticks) {
    if (t < y_lo - 1e-9 || t > y_hi + 1e-9) continue;
    const double y = ya(t);
    absl::StrAppend(
        &out, absl::StrFormat(
                  "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                  "stroke=\"#e5e5e5\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  kLeft, y, w - kRight, y, kLeft - 6, y + 4, Num(t)));
  }
  absl::StrAppend(
      &out,
      absl::StrFormat(
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
          "stroke=\"#333\"/>\n"
          "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
          "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" "
          "transform=\"rotate(-90 16 %d)\">%s</text>\n",
          kLeft, kTop, w - kLeft - kRight, h - kTop - kBottom,
          (kLeft + w - kRight) / 2, h - 10, XmlEscape(c.x_label),
          (kTop + h - kBottom) / 2, (kTop + h - kBottom) / 2,
          XmlEscape(c.y_label)));

  for (size_t i = 0; i < c.series.size(); ++i) {
    const SvgSeries& s = c.series[i];
    const char* color = kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
    std::string pts;
    double prev_y = 0;
    bool first = true;
    for (size_t k = 0; k < s.x.size(); ++k) {
      if (log && s.x[k] <= 0) continue;
      const double y = std::clamp(s.y[k], y_lo, y_hi);
      if (c.step && !first) {
        absl::StrAppend(&pts,
                        absl::StrFormat("%.1f,%.1f ", xa(s.x[k]), ya(prev_y)));
      }
      absl::StrAppend(&pts, absl::StrFormat("%.1f,%.1f ", xa(s.x[k]), ya(y)));
      prev_y = y;
      first = false;
    }
    if (!pts.empty()) pts.pop_back();
    absl::StrAppend(
        &out, absl::StrFormat(
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                  "points=\"%s\"/>\n"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                  "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                  color, pts, w - kRight + 12,
                  kTop + 8 + 18 * static_cast<int>(i), w - kRight + 32,
                  kTop + 8 + 18 * static_cast<int>(i), color, w - kRight + 38,
                  kTop + 12 + 18 * static_cast<int>(i), XmlEscape(s.name)));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace joule
