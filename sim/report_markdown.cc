// The Markdown half of sim/report.h.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/report.h"

namespace joule {
namespace {

std::string Str(std::string_view s) { return std::string(s); }

std::string F2(double v) { return absl::StrFormat("%.2f", v); }
std::string F1(double v) { return absl::StrFormat("%.1f", v); }
std::string F3(double v) { return absl::StrFormat("%.3f", v); }
std::string F5(double v) { return absl::StrFormat("%.5f", v); }

std::string Row(const std::vector<std::string>& cells) {
  return absl::StrCat("| ", absl::StrJoin(cells, " | "), " |\n");
}

std::string Rule(size_t n) {
  std::vector<std::string> cells(n, "---");
  return Row(cells);
}

std::string ShareCell(const RunSummary& r) {
  std::vector<std::string> parts;
  for (const DeviceStats& d : r.devices) parts.push_back(F1(d.share_pct));
  return absl::StrJoin(parts, " / ");
}

// "wfi 1.2, cpu_off 40.1", or "-" for a device without idle states.
std::string IdleCell(const DeviceStats& d) {
  if (d.idle_state_s.empty()) return "-";
  std::vector<std::string> parts;
  for (const auto& [name, s] : d.idle_state_s) {
    parts.push_back(absl::StrCat(name, " ", F1(s)));
  }
  return absl::StrJoin(parts, ", ");
}

std::string DeviceRunTable(const RunSummary& r) {
  std::string out =
      Row({"device", "share %", "energy J", "mean W", "mean util", "Tmax °C",
           "throttled s", "DVFS", "idle states s", "wake delay s"});
  out += Rule(10);
  for (const DeviceStats& d : r.devices) {
    out += Row({d.name, F1(d.share_pct), F2(d.energy_j), F3(d.mean_power_w),
                F3(d.mean_utilization), F1(d.max_temp_c), F1(d.throttled_s),
                absl::StrCat(d.transitions), IdleCell(d),
                d.idle_state_s.empty() ? "-" : F2(d.wake_delay_s)});
  }
  return out;
}

std::string ModelRunTable(const RunSummary& r) {
  std::string out = Row({"model", "jobs", "done", "missed", "rejected",
                         "p50 ms", "p99 ms", "bound ms", "p99 within"});
  out += Rule(9);
  // Frame skipping: how many of "done" reused a held result (a line per
  // model that skipped, below the table).
  std::string skipped;
  for (const ModelStats& m : r.models) {
    if (m.skipped == 0) continue;
    absl::StrAppend(&skipped, "\n", m.name, ": ", m.skipped, " of ",
                    m.completed,
                    " done were skipped (the held result of an "
                    "unchanged frame).\n");
  }
  for (const ModelStats& m : r.models) {
    const std::string within = m.bound_ms <= 0 ? "-"
                               : m.completed == 0
                                   ? "no"
                                   : (m.p99_ms <= m.bound_ms ? "yes" : "no");
    out += Row({m.name, absl::StrCat(m.jobs), absl::StrCat(m.completed),
                absl::StrCat(m.missed), absl::StrCat(m.rejected), F2(m.p50_ms),
                F2(m.p99_ms), m.bound_ms > 0 ? F1(m.bound_ms) : "-", within});
  }
  return out + skipped;
}

}  // namespace

std::string PowerCapMarkdown(const std::vector<RunSummary>& runs) {
  if (runs.empty() || runs[0].power_cap_w <= 0) return "";
  const RunSummary& r0 = runs[0];
  std::string out = absl::StrFormat(
      "Power cap %s W on the devices' total, every run (a property of the "
      "box), tolerance %s%%: a 1 s mean above %s W is a breach.\n\n",
      F3(r0.power_cap_w), F1(r0.power_tolerance_pct),
      F3(r0.power_cap_w * (1 + r0.power_tolerance_pct / 100)));
  out += Row({"run", "power W", "max 1 s W", "above %", "held"});
  out += Rule(5);
  for (const RunSummary& r : runs) {
    out += Row({r.label, F3(r.mean_power_w), F3(r.max_1s_power_w),
                F2(r.above_cap_pct), r.above_cap_pct > 0 ? "no" : "yes"});
  }
  return out;
}

std::string ComparisonMarkdown(const std::vector<RunSummary>& runs,
                               const LowerBound& bound) {
  std::string devices = "share %";
  if (!runs.empty()) {
    std::vector<std::string> names;
    for (const DeviceStats& d : runs[0].devices) names.push_back(d.name);
    devices = absl::StrCat("share % (", absl::StrJoin(names, "/"), ")");
  }
  // "skip %" (after "done %") only when some run skipped frames, so tables
  // of scenarios without frames read as before.
  bool skips = false;
  for (const RunSummary& r : runs) skips = skips || r.skipped > 0;
  auto with_skip = [skips](std::vector<std::string> cells, std::string skip) {
    if (skips) cells.insert(cells.begin() + 3, std::move(skip));
    return cells;
  };
  std::string out =
      Row(with_skip({"run", "jobs", "done %", "E/job J", "active J", "dyn J",
                     "power W", "p50 ms", "p95 ms", "p99 ms", "miss %", "rej %",
                     "Tmax °C", "throttled s", "DVFS", devices},
                    "skip %"));
  out += Rule(skips ? 17 : 16);
  for (const RunSummary& r : runs) {
    out += Row(with_skip(
        {r.drained ? r.label : absl::StrCat(r.label, " (not drained)"),
         absl::StrCat(r.jobs), F2(r.done_pct), F5(r.energy_per_job_j),
         F5(r.active_per_job_j), F5(r.dynamic_per_job_j), F3(r.mean_power_w),
         F2(r.p50_ms), F2(r.p95_ms), F2(r.p99_ms), F2(r.miss_pct),
         F2(r.rejected_pct), F1(r.max_temp_c), F1(r.throttled_s),
         absl::StrCat(r.transitions), ShareCell(r)},
        F2(r.skip_pct)));
  }
  const double feasible_pct =
      bound.jobs ? 100.0 * bound.feasible / bound.jobs : 0;
  const double power =
      bound.duration_s > 0
          ? (bound.static_floor_j + bound.dynamic_j) / bound.duration_s
          : 0;
  out += Row(with_skip(
      {"lower bound (offline)", absl::StrCat(bound.jobs), F2(feasible_pct),
       F5(bound.total_per_job_j()), F5(bound.active_per_job_j()),
       F5(bound.dynamic_per_job_j()), F3(power), "-", "-", "-",
       F2(100.0 - feasible_pct), "-", "-", "-", "-", "-"},
      "-"));
  return out;
}

GoalCheck CheckGoals(const std::vector<RunSummary>& runs,
                     const LowerBound& bound,
                     const std::vector<DeviceSpec>& devices) {
  GoalCheck g;
  if (runs.empty()) return g;
  const RunSummary& me = runs[0];
  const auto lost = [](const RunSummary& r) { return r.missed + r.rejected; };
  g.energy = true;
  g.losses = true;
  for (size_t i = 1; i < runs.size(); ++i) {
    const RunSummary& b = runs[i];
    if (lost(b) <= lost(me) && b.energy_per_job_j < me.energy_per_job_j) {
      g.energy = false;
      absl::StrAppend(&g.detail, "energy: ", b.label, " uses ",
                      F5(b.energy_per_job_j), " J/job losing ", lost(b),
                      " jobs (", me.label, ": ", F5(me.energy_per_job_j), ", ",
                      lost(me), ")\n");
    }
    if (b.label == "fastest+performance" && lost(b) < lost(me)) {
      g.losses = false;
      absl::StrAppend(&g.detail, "losses: ", lost(me), " > ", b.label, "'s ",
                      lost(b), "\n");
    }
  }
  const double lb = bound.total_per_job_j();
  g.bound_ratio = lb > 0 ? me.energy_per_job_j / lb : 0;
  g.bound = lb > 0 && g.bound_ratio <= 1 + kBoundTolerance;
  if (!g.bound) {
    absl::StrAppend(&g.detail, "bound: ", F5(me.energy_per_job_j), " J/job is ",
                    F2(100 * (g.bound_ratio - 1)), "% above the bound ", F5(lb),
                    "\n");
  }
  g.trips = true;
  for (const DeviceStats& d : me.devices) {
    for (const DeviceSpec& spec : devices) {
      if (spec.name != d.name) continue;
      const double limit = spec.trip_passive_mc / 1000.0 + 2;
      if (d.max_temp_c >= limit) {
        g.trips = false;
        absl::StrAppend(&g.detail, "trips: ", d.name, " reached ",
                        F1(d.max_temp_c), " °C (limit ", F1(limit), ")\n");
      }
    }
  }
  return g;
}

std::string GoalMarkdown(const std::vector<RunSummary>& runs,
                         const GoalCheck& g) {
  if (runs.size() < 2) return "";
  const auto mark = [](bool ok) { return ok ? "yes" : "NO"; };
  std::string out = absl::StrCat(
      "Goals of ", runs[0].label,
      ": least energy among baselines losing no "
      "more jobs: ",
      mark(g.energy),
      "; loses no more than "
      "fastest+performance: ",
      mark(g.losses), "; within ", F2(100 * kBoundTolerance),
      "% of the bound: ", mark(g.bound), " (", F2(100 * (g.bound_ratio - 1)),
      "% above); below passive trip + 2 °C: ", mark(g.trips), "\n");
  if (!g.detail.empty()) absl::StrAppend(&out, "\n", g.detail);
  return out;
}

std::string MarkdownReport(const ReportContext& ctx,
                           const std::vector<RunSummary>& runs,
                           const LowerBound& bound) {
  std::string out =
      absl::StrCat("# joule-sim: ", ctx.scenario, " (seed ", ctx.seed, ")\n\n");
  absl::StrAppend(
      &out, "Workload **", ctx.workload, "** (", ctx.trace_source, "), ",
      F1(ctx.duration_s),
      " s of arrivals; devices: ", absl::StrJoin(ctx.devices, ", "), " from ",
      ctx.profile, ".\n\n", "Offered load ρ = ", F3(ctx.offered_load),
      ctx.target_utilization > 0 ? absl::StrCat(" (scaled to the target ",
                                                F2(ctx.target_utilization), ")")
                                 : std::string(" (rates as given)"),
      ": Σ over models of rate · t_min, t_min being the cost model's run "
      "time on the model's best device at its top P-state, no queueing "
      "(sim/workload.h).\n\n## Models\n\n");
  out += Row({"model", "class", "deadline ms", "kinds", "rate /s", "t_min ms",
              "best device", "load", "what"});
  out += Rule(9);
  for (size_t i = 0; i < ctx.models.size(); ++i) {
    const ModelSpec& m = ctx.models[i];
    const ModelLoad l = i < ctx.loads.size() ? ctx.loads[i] : ModelLoad{};
    out += Row({m.name, Str(PriorityClassName(m.priority_class)),
                m.deadline_ms > 0 ? F1(m.deadline_ms) : "-",
                KindListName(m.allowed_kinds), F2(m.rate_per_s),
                F3(l.t_min_s * 1e3), l.best_device, F3(l.load), m.summary});
  }
  absl::StrAppend(
      &out, "\n## Comparison\n\n", ComparisonMarkdown(runs, bound),
      "\nE/job: all device energy from the simulated sensors (idle and "
      "static power included) per completed job; active and dyn: the jobs' "
      "own charged and dynamic energy per completed job. The lower bound "
      "runs each job alone on its minimum-energy device, P-state and "
      "precision that meets its deadline (sim/lower_bound.h); its E/job "
      "adds the static floor Σ P_static · duration (with idle states: "
      "static power while that placement is busy, the cheapest idle state "
      "over each gap, sim/idle_bound.h), its miss % counts jobs "
      "no device can finish in time. Definitions: sim/report.h.\n");
  for (const RunSummary& r : runs) {
    absl::StrAppend(&out, "\n## ", r.label, "\n\n", r.jobs,
                    " jobs; the run ended at ", F1(r.end_s), " s",
                    r.drained ? "" : " (NOT drained: the rest were cancelled)",
                    "; ", r.completed, " completed, ", r.missed, " missed, ",
                    r.rejected, " rejected",
                    r.other ? absl::StrCat(", ", r.other, " other") : "", "; ",
                    F1(r.energy_j), " J in all.\n\n", DeviceRunTable(r), "\n",
                    ModelRunTable(r));
  }
  return out;
}

}  // namespace joule
