// Svg: the project's small SVG writer. It draws line charts (time series,
// CDFs): axes with "nice" ticks (1, 2, 5 · 10^k steps, or powers of ten on a
// log axis), a light grid, one polyline per series and a legend. No
// dependencies; numbers are printed with fixed formats, so the same input
// gives byte-identical SVG.
//
// Pure functions; thread-safe.
#ifndef JOULE_SIM_SVG_H_
#define JOULE_SIM_SVG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace joule {

struct SvgSeries {
  std::string name;
  std::vector<double> x, y;  // same length; x ascending
};

struct SvgChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<SvgSeries> series;
  bool step = false;   // hold each y until the next x (P-states, depths)
  bool log_x = false;  // base-10 x axis; points with x <= 0 are dropped
  // Axis ranges; unset: the data's, widened to whole ticks.
  std::optional<double> y_min, y_max;
  int width = 900;
  int height = 360;
};

std::string RenderChart(const SvgChart& chart);

// &, <, >, " and ' as entities.
std::string XmlEscape(std::string_view s);

// Ticks covering [lo, hi] at a 1/2/5·10^k step giving about `target` of
// them; the first is ≤ lo and the last ≥ hi. REQUIRES: lo < hi.
std::vector<double> NiceTicks(double lo, double hi, int target);

}  // namespace joule

#endif  // JOULE_SIM_SVG_H_
