// Report: the numbers joule-sim prints for each run and the comparison
// across runs, as Markdown (for people) and CSV (for scripts). Every figure
// is defined here once:
//
//   jobs          submitted jobs (rejected included)
//   done %        completed / jobs
//   E/job J       total device energy over the run, from the simulated
//                 sensors (idle and static power included) / completed jobs
//   active J      Σ charged energy of the jobs that ran, (P_static +
//                 P_dyn(p)) · t_exec / completed jobs
//   dyn J         Σ P_dyn(p) · t_exec of the jobs that ran / completed jobs:
//                 the part of the energy the jobs themselves add
//   power W       total energy / run time
//   p50/p95/p99   submission-to-completion latency of completed jobs,
//                 nearest rank: the ⌈q·n⌉-th smallest
//   miss %        jobs that ended DEADLINE_EXCEEDED (accepted, then late or
//                 dropped unstarted) / jobs
//   rej %         jobs refused at admission / jobs
//   Tmax °C       hottest sensor reading of any device
//   throttled s   Σ over devices of the time spent with a thermal cap
//   DVFS          Σ over devices of P-state changes
//   share %       of the jobs that ran, the fraction per device
//   power cap     only with one (policy power.cap_w, scenario power_cap_w):
//                 max 1 s W, the highest mean total power (Σ devices) over
//                 any 1 s window of consecutive ticks; above %, the share of
//                 those windows whose mean exceeds cap · (1 + tolerance);
//                 held when that share is 0
//   idle states   per device (each run's device table): the time spent in
//                 each of the profile's idle states, and the wake delay,
//                 Σ time jobs waited for a sleeping device to wake
//   skip %        jobs completed without running, their stream's held
//                 result reused (frame skipping) / jobs; shown only when
//                 some run skipped. Skipped jobs count as completed (E/job
//                 spreads the energy over them too) with latency ~0
//
// Pure functions of their inputs (no clock, no environment), so two runs
// with the same seed give byte-identical reports. Thread-safe.
#ifndef JOULE_SIM_REPORT_H_
#define JOULE_SIM_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "devices/device_spec.h"
#include "sim/lower_bound.h"
#include "sim/models.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "sim/workload.h"

namespace joule {

struct DeviceStats {
  std::string name;
  uint64_t jobs_ran = 0;
  double share_pct = 0;
  double energy_j = 0;
  double mean_power_w = 0;
  double mean_utilization = 0;
  double max_temp_c = 0;
  double throttled_s = 0;
  uint64_t transitions = 0;
  // (state name, seconds in it), in the profile's order; empty: none.
  std::vector<std::pair<std::string, double>> idle_state_s;
  double wake_delay_s = 0;
};

struct ModelStats {
  std::string name;
  uint64_t jobs = 0, completed = 0, missed = 0, rejected = 0, skipped = 0;
  double p50_ms = 0, p99_ms = 0;
  double bound_ms = 0;  // the model's deadline / server bound; 0 = none
};

struct RunSummary {
  std::string label;
  double duration_s = 0, end_s = 0;
  bool drained = true;
  uint64_t jobs = 0, completed = 0, missed = 0, rejected = 0, other = 0;
  uint64_t skipped = 0;  // of completed
  double skip_pct = 0;
  double energy_j = 0;
  double energy_per_job_j = 0, active_per_job_j = 0, dynamic_per_job_j = 0;
  double mean_power_w = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  double done_pct = 0, miss_pct = 0, rejected_pct = 0;
  double max_temp_c = 0, throttled_s = 0;
  uint64_t transitions = 0;
  double power_cap_w = 0, power_tolerance_pct = 0;  // 0: no cap
  double max_1s_power_w = 0;  // highest 1 s window mean of the total
  double above_cap_pct = 0;   // windows above cap · (1 + tolerance)
  std::vector<DeviceStats> devices;
  std::vector<ModelStats> models;
  std::vector<double> latencies_ms;  // completed jobs, ascending
};

RunSummary Summarize(const RunResult& run, const std::vector<ModelSpec>& models,
                     WorkloadKind kind);

// Nearest rank: sorted[⌈q·n⌉ − 1], q in (0, 1]; 0 for an empty vector.
double Percentile(const std::vector<double>& sorted, double q);

// What the report says about its inputs.
struct ReportContext {
  std::string scenario;
  uint64_t seed = 0;
  std::string workload;      // "poisson", ...
  std::string trace_source;  // "generated" or the trace path
  double duration_s = 0;
  double target_utilization = 0;  // 0: as given
  double offered_load = 0;        // ρ of the (scaled) mix
  std::string profile;            // "embedded RK3588-class" or a path
  std::vector<std::string> devices;
  std::vector<ModelSpec> models;  // scaled rates
  std::vector<ModelLoad> loads;
};

// The comparison table (every run, then the lower bound).
std::string ComparisonMarkdown(const std::vector<RunSummary>& runs,
                               const LowerBound& bound);
// The goals the default policy (runs[0], the policy joule-sim was given) is
// held to against the other runs (the baselines) and the bound:
//   energy:    its E/job ≤ that of every baseline that loses (misses +
//              rejects) no more jobs than it does;
//   losses:    it loses no more jobs than fastest+performance;
//   bound:     its E/job ≤ (1 + bound_tolerance) · the bound's total E/job;
//   trips:     every device stays below its passive trip + 2 °C.
struct GoalCheck {
  bool energy = false, losses = false, bound = false, trips = false;
  double bound_ratio = 0;  // E/job over the bound's
  std::string detail;      // one line per failed goal
  bool all() const { return energy && losses && bound && trips; }
};
inline constexpr double kBoundTolerance = 0.05;
GoalCheck CheckGoals(const std::vector<RunSummary>& runs,
                     const LowerBound& bound,
                     const std::vector<DeviceSpec>& devices);
// "Goals of <label>: energy ✓, losses ✓, ..." with the failures' details.
std::string GoalMarkdown(const std::vector<RunSummary>& runs,
                         const GoalCheck& g);
// The whole report: inputs, the comparison, then each run in detail.
std::string MarkdownReport(const ReportContext& ctx,
                           const std::vector<RunSummary>& runs,
                           const LowerBound& bound);
// The power cap's table, one row per run; empty without a cap.
std::string PowerCapMarkdown(const std::vector<RunSummary>& runs);
// One row per run and one for the bound, the comparison's columns.
std::string SummaryCsv(const std::vector<RunSummary>& runs,
                       const LowerBound& bound);
// Every device sample of a run: t_s,device,pstate,freq_mhz,temp_c,...
std::string DeviceSeriesCsv(const RunResult& run);

}  // namespace joule

#endif  // JOULE_SIM_REPORT_H_
