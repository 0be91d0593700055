#include "sim/plots.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "sim/svg.h"

namespace joule {
namespace {

// Bucket means of (x, y) down to at most kMaxPoints points.
SvgSeries Reduce(std::string name, const std::vector<double>& x,
                 const std::vector<double>& y) {
  SvgSeries s;
  s.name = std::move(name);
  const size_t n = x.size();
  const size_t per = (n + kMaxPoints - 1) / kMaxPoints;
  if (per <= 1) {
    s.x = x;
    s.y = y;
    return s;
  }
  for (size_t i = 0; i < n; i += per) {
    const size_t end = std::min(n, i + per);
    double sx = 0, sy = 0;
    for (size_t k = i; k < end; ++k) {
      sx += x[k];
      sy += y[k];
    }
    s.x.push_back(sx / (end - i));
    s.y.push_back(sy / (end - i));
  }
  return s;
}

PlotFile TimePlot(
    const RunResult& run, const std::string& what, const std::string& y_label,
    bool step,
    const std::function<double(const DeviceRun&, const DeviceSample&)>& value) {
  SvgChart c;
  c.title = absl::StrCat(run.label, ": ", what);
  c.x_label = "time (s)";
  c.y_label = y_label;
  c.step = step;
  for (const DeviceRun& d : run.devices) {
    std::vector<double> x, y;
    x.reserve(d.samples.size());
    y.reserve(d.samples.size());
    for (const DeviceSample& s : d.samples) {
      x.push_back(ToSeconds(s.t));
      y.push_back(value(d, s));
    }
    c.series.push_back(Reduce(d.spec.name, x, y));
  }
  std::string file = what;
  std::replace(file.begin(), file.end(), ' ', '_');
  return PlotFile{absl::StrCat(FileStem(run.label), "-", file, ".svg"),
                  RenderChart(c)};
}

}  // namespace

std::string FileStem(const std::string& label) {
  std::string s = label;
  for (char& ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
    if (!ok) ch = '-';
  }
  return s;
}

std::vector<PlotFile> RunPlots(const RunResult& run) {
  std::vector<PlotFile> out;
  out.push_back(TimePlot(run, "frequency", "MHz", true,
                         [](const DeviceRun& d, const DeviceSample& s) {
                           return d.spec.pstates[s.pstate].freq_khz / 1e3;
                         }));
  out.push_back(TimePlot(
      run, "temperature", "°C", false,
      [](const DeviceRun&, const DeviceSample& s) { return s.temp_mc / 1e3; }));
  out.push_back(TimePlot(
      run, "utilization", "busy fraction", false,
      [](const DeviceRun&, const DeviceSample& s) { return s.utilization; }));
  out.push_back(TimePlot(run, "queue depth", "jobs waiting", true,
                         [](const DeviceRun&, const DeviceSample& s) {
                           return static_cast<double>(s.queued);
                         }));
  out.push_back(TimePlot(
      run, "power", "W (mean over each tick)", false,
      [](const DeviceRun&, const DeviceSample& s) { return s.power_w; }));
  // Cumulative: Σ mean power · tick length, per device (the sensor's energy
  // at each tick).
  const DeviceRun* device = nullptr;
  double energy_j = 0;
  Duration last{0};
  out.push_back(TimePlot(run, "energy", "J since the start", false,
                         [&](const DeviceRun& d, const DeviceSample& s) {
                           if (&d != device) {
                             device = &d;
                             energy_j = 0;
                             last = Duration{0};
                           }
                           energy_j += s.power_w * ToSeconds(s.t - last);
                           last = s.t;
                           return energy_j;
                         }));
  return out;
}

PlotFile LatencyCdfPlot(const std::vector<RunSummary>& runs) {
  SvgChart c;
  c.title = "Latency CDF of completed jobs";
  c.x_label = "latency (ms, log scale)";
  c.y_label = "fraction of jobs";
  c.log_x = true;
  c.y_min = 0;
  c.y_max = 1;
  for (const RunSummary& r : runs) {
    SvgSeries s;
    s.name = r.label;
    const std::vector<double>& l = r.latencies_ms;
    const size_t n = l.size();
    // kMaxPoints quantiles (all points when fewer): x = latency, y = rank/n.
    const size_t points = std::min(n, kMaxPoints);
    for (size_t k = 1; k <= points; ++k) {
      const size_t i = (k * n + points - 1) / points - 1;
      s.x.push_back(l[i]);
      s.y.push_back(static_cast<double>(i + 1) / n);
    }
    c.series.push_back(std::move(s));
  }
  return PlotFile{"latency_cdf.svg", RenderChart(c)};
}

}  // namespace joule
