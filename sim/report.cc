// Summaries and CSV; the Markdown is in report_markdown.cc.
#include "sim/report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace {

double Pct(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * static_cast<double>(part) / whole : 0;
}

double PerJob(double total, uint64_t n) { return n ? total / n : 0; }

std::string G(double v) { return absl::StrFormat("%.6g", v); }

// The 1 s window figures of RunSummary, over the ticks' total power.
void PowerCapStats(const RunResult& run, RunSummary* s) {
  s->power_cap_w = run.power_cap_w;
  s->power_tolerance_pct = run.power_tolerance_pct;
  if (run.devices.empty()) return;
  size_t ticks = run.devices[0].samples.size();
  for (const DeviceRun& d : run.devices) {
    ticks = std::min(ticks, d.samples.size());
  }
  if (ticks == 0) return;
  std::vector<double> total(ticks, 0);
  for (const DeviceRun& d : run.devices) {
    for (size_t k = 0; k < ticks; ++k) total[k] += d.samples[k].power_w;
  }
  // Ticks are evenly spaced; the first tick's time is one period.
  const double period_s =
      std::max(ToSeconds(run.devices[0].samples[0].t), 1e-9);
  const size_t w = std::clamp<size_t>(
      static_cast<size_t>(std::llround(1.0 / period_s)), 1, ticks);
  const double limit = run.power_cap_w * (1 + run.power_tolerance_pct / 100);
  double sum = 0;
  size_t windows = 0, above = 0;
  for (size_t k = 0; k < ticks; ++k) {
    sum += total[k];
    if (k >= w) sum -= total[k - w];
    if (k + 1 < w) continue;
    const double mean = sum / static_cast<double>(w);
    s->max_1s_power_w = std::max(s->max_1s_power_w, mean);
    ++windows;
    if (run.power_cap_w > 0 && mean > limit) ++above;
  }
  s->above_cap_pct = Pct(above, windows);
}

}  // namespace

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const size_t i = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

RunSummary Summarize(const RunResult& run, const std::vector<ModelSpec>& models,
                     WorkloadKind kind) {
  RunSummary s;
  s.label = run.label;
  s.duration_s = ToSeconds(run.duration);
  s.end_s = ToSeconds(run.end);
  s.drained = run.drained;
  s.devices.resize(run.devices.size());
  s.models.resize(models.size());
  std::vector<std::vector<double>> model_latencies(models.size());
  double active = 0, dynamic = 0;
  uint64_t ran = 0;
  for (const JobRecord& j : run.jobs) {
    ModelStats& m = s.models[j.model];
    ++s.jobs;
    ++m.jobs;
    switch (j.state) {
      case JobState::kCompleted:
        ++s.completed;
        ++m.completed;
        if (j.skipped) {
          ++s.skipped;
          ++m.skipped;
        }
        s.latencies_ms.push_back(j.latency_s() * 1e3);
        model_latencies[j.model].push_back(j.latency_s() * 1e3);
        break;
      case JobState::kDeadlineExceeded:
        ++s.missed;
        ++m.missed;
        break;
      case JobState::kRejected:
        ++s.rejected;
        ++m.rejected;
        break;
      default:
        ++s.other;
        break;
    }
    if (j.ran()) {
      ++ran;
      ++s.devices[j.device].jobs_ran;
      active += j.energy_j;
      dynamic += j.dynamic_j;
    }
  }
  std::sort(s.latencies_ms.begin(), s.latencies_ms.end());
  s.p50_ms = Percentile(s.latencies_ms, 0.50);
  s.p95_ms = Percentile(s.latencies_ms, 0.95);
  s.p99_ms = Percentile(s.latencies_ms, 0.99);
  s.done_pct = Pct(s.completed, s.jobs);
  s.miss_pct = Pct(s.missed, s.jobs);
  s.rejected_pct = Pct(s.rejected, s.jobs);
  s.skip_pct = Pct(s.skipped, s.jobs);

  for (size_t i = 0; i < models.size(); ++i) {
    std::vector<double>& l = model_latencies[i];
    std::sort(l.begin(), l.end());
    ModelStats& m = s.models[i];
    m.name = models[i].name;
    m.p50_ms = Percentile(l, 0.50);
    m.p99_ms = Percentile(l, 0.99);
    m.bound_ms =
        kind == WorkloadKind::kServer ? models[i].server_bound_ms()
        : kind == WorkloadKind::kOffline || kind == WorkloadKind::kSingleStream
            ? 0
            : models[i].deadline_ms;
  }

  for (size_t i = 0; i < run.devices.size(); ++i) {
    const DeviceRun& d = run.devices[i];
    DeviceStats& ds = s.devices[i];
    ds.name = d.spec.name;
    ds.share_pct = Pct(ds.jobs_ran, ran);
    ds.energy_j = d.energy_j;
    ds.mean_power_w = s.end_s > 0 ? d.energy_j / s.end_s : 0;
    double util = 0;
    for (const DeviceSample& x : d.samples) util += x.utilization;
    ds.mean_utilization = d.samples.empty() ? 0 : util / d.samples.size();
    ds.max_temp_c = d.max_temp_mc / 1000.0;
    ds.throttled_s = ToSeconds(d.throttled);
    ds.transitions = d.transitions;
    for (size_t k = 0; k < d.spec.idle_states.size(); ++k) {
      const double t =
          k < d.idle.in_state.size() ? ToSeconds(d.idle.in_state[k]) : 0.0;
      ds.idle_state_s.emplace_back(d.spec.idle_states[k].name, t);
    }
    ds.wake_delay_s = ToSeconds(d.idle.wake_delay);
    s.energy_j += d.energy_j;
    s.max_temp_c = std::max(s.max_temp_c, ds.max_temp_c);
    s.throttled_s += ds.throttled_s;
    s.transitions += d.transitions;
  }
  PowerCapStats(run, &s);
  s.energy_per_job_j = PerJob(s.energy_j, s.completed);
  s.active_per_job_j = PerJob(active, s.completed);
  s.dynamic_per_job_j = PerJob(dynamic, s.completed);
  s.mean_power_w = s.end_s > 0 ? s.energy_j / s.end_s : 0;
  return s;
}

std::string SummaryCsv(const std::vector<RunSummary>& runs,
                       const LowerBound& bound) {
  std::string out =
      "run,jobs,completed,missed,rejected,done_pct,energy_per_job_j,"
      "active_per_job_j,dynamic_per_job_j,mean_power_w,p50_ms,p95_ms,p99_ms,"
      "miss_pct,rejected_pct,max_temp_c,throttled_s,dvfs_transitions,"
      "run_end_s,skipped,share\n";
  for (const RunSummary& r : runs) {
    std::vector<std::string> share;
    for (const DeviceStats& d : r.devices) {
      share.push_back(absl::StrCat(d.name, "=", G(d.share_pct)));
    }
    absl::StrAppend(&out, r.label, ",", r.jobs, ",", r.completed, ",", r.missed,
                    ",", r.rejected, ",", G(r.done_pct), ",",
                    G(r.energy_per_job_j), ",", G(r.active_per_job_j), ",",
                    G(r.dynamic_per_job_j), ",", G(r.mean_power_w), ",",
                    G(r.p50_ms), ",", G(r.p95_ms), ",", G(r.p99_ms), ",",
                    G(r.miss_pct), ",", G(r.rejected_pct), ",", G(r.max_temp_c),
                    ",", G(r.throttled_s), ",", r.transitions, ",", G(r.end_s),
                    ",", r.skipped, ",", absl::StrJoin(share, ";"), "\n");
  }
  absl::StrAppend(&out, "lower_bound,", bound.jobs, ",", bound.feasible, ",,,",
                  G(Pct(bound.feasible, bound.jobs)), ",",
                  G(bound.total_per_job_j()), ",", G(bound.active_per_job_j()),
                  ",", G(bound.dynamic_per_job_j()), ",,,,,,,,,,",
                  G(bound.duration_s), ",,\n");
  return out;
}

std::string DeviceSeriesCsv(const RunResult& run) {
  std::string out =
      "t_s,device,pstate,freq_mhz,temp_c,utilization,power_w,queued,"
      "throttled,critical\n";
  for (const DeviceRun& d : run.devices) {
    for (const DeviceSample& x : d.samples) {
      absl::StrAppend(&out, G(ToSeconds(x.t)), ",", d.spec.name, ",", x.pstate,
                      ",", G(d.spec.pstates[x.pstate].freq_khz / 1e3), ",",
                      G(x.temp_mc / 1e3), ",", G(x.utilization), ",",
                      G(x.power_w), ",", x.queued, ",", x.throttled ? 1 : 0,
                      ",", x.critical ? 1 : 0, "\n");
    }
  }
  return out;
}

}  // namespace joule
