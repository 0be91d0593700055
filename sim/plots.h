// Plots: the SVG figures of a joule-sim report, drawn with sim/svg.h.
//   per run: frequency (MHz), temperature (°C), utilisation, queue depth,
//            power (W) and cumulative energy (J) over time, one line per
//            device;
//   across runs: the latency CDF of completed jobs, one line per run.
// Long series are reduced to at most kMaxPoints by averaging equal buckets
// of samples, so a one-hour run still gives a light file.
//
// Pure functions; thread-safe.
#ifndef JOULE_SIM_PLOTS_H_
#define JOULE_SIM_PLOTS_H_

#include <string>
#include <vector>

#include "sim/report.h"
#include "sim/simulator.h"

namespace joule {

inline constexpr size_t kMaxPoints = 800;

struct PlotFile {
  std::string name;  // "joule-adaptive-frequency.svg"
  std::string svg;
};

// "joule+adaptive" → "joule-adaptive": the label as a file-name prefix.
std::string FileStem(const std::string& label);

// The four time-series plots of one run.
std::vector<PlotFile> RunPlots(const RunResult& run);
// "latency_cdf.svg": every run's completed-job latency CDF (log x).
PlotFile LatencyCdfPlot(const std::vector<RunSummary>& runs);

}  // namespace joule

#endif  // JOULE_SIM_PLOTS_H_
