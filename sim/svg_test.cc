#include "sim/svg.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

TEST(SvgTest, NiceTicks) {
  const std::vector<double> fifths = NiceTicks(0, 1, 5);
  ASSERT_EQ(fifths.size(), 6u);
  for (size_t i = 0; i < fifths.size(); ++i) {
    EXPECT_NEAR(fifths[i], 0.2 * i, 1e-12);
  }
  EXPECT_EQ(NiceTicks(3, 97, 5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(NiceTicks(-1, 1, 4), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
  EXPECT_EQ(NiceTicks(1200, 2400, 5),
            (std::vector<double>{1000, 1500, 2000, 2500}));
}

TEST(SvgTest, XmlEscape) {
  EXPECT_EQ(XmlEscape("a<b & \"c\" > 'd'"),
            "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;");
}

SvgChart Chart() {
  SvgChart c;
  c.title = "P-states <cpu & npu>";
  c.x_label = "time (s)";
  c.y_label = "MHz";
  c.step = true;
  c.series = {{"cpu0", {0, 1, 2}, {1200, 2400, 1800}},
              {"npu0", {0, 1, 2}, {300, 1000, 1000}}};
  return c;
}

TEST(SvgTest, LineChartHasAxesSeriesAndLegend) {
  const std::string svg = RenderChart(Chart());
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr(">P-states &lt;cpu &amp; npu&gt;</text>"));
  EXPECT_THAT(svg, HasSubstr(">cpu0</text>"));
  EXPECT_THAT(svg, HasSubstr(">npu0</text>"));
  EXPECT_THAT(svg, HasSubstr(">2500</text>"));  // the top y tick
  size_t polylines = 0;
  for (size_t p = svg.find("<polyline"); p != std::string::npos;
       p = svg.find("<polyline", p + 1)) {
    ++polylines;
  }
  EXPECT_EQ(polylines, 2u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(RenderChart(Chart()), svg);  // deterministic
}

TEST(SvgTest, StepSeriesHoldTheirValue) {
  SvgChart c;
  c.series = {{"s", {0, 10}, {0, 10}}};
  c.step = false;
  const std::string line = RenderChart(c);
  c.step = true;
  const std::string step = RenderChart(c);
  // A step adds the corner point (10, 0) before (10, 10).
  auto points = [](const std::string& svg) {
    const size_t p = svg.find("points=\"") + 8;
    return svg.substr(p, svg.find('"', p) - p);
  };
  const std::string line_points = points(line);
  const std::string step_points = points(step);
  EXPECT_EQ(std::count(line_points.begin(), line_points.end(), ' '), 1);
  EXPECT_EQ(std::count(step_points.begin(), step_points.end(), ' '), 2);
}

TEST(SvgTest, LogAxisUsesPowersOfTen) {
  SvgChart c;
  c.log_x = true;
  c.y_min = 0;
  c.y_max = 1;
  c.series = {{"cdf", {0.5, 3, 40}, {0.1, 0.5, 1}}};
  const std::string svg = RenderChart(c);
  for (const char* t :
       {">0.1</text>", ">1</text>", ">10</text>", ">100</text>"}) {
    EXPECT_THAT(svg, HasSubstr(t));
  }
}

}  // namespace
}  // namespace joule
