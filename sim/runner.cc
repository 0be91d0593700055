#include "sim/runner.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "devices/profile_loader.h"
#include "sim/frames.h"
#include "sim/lower_bound.h"
#include "sim/plots.h"
#include "sim/report.h"
#include "sim/simulator.h"
#include "sim/trace_csv.h"
#include "sim/workload.h"

namespace joule {
namespace {

// What one worker keeps of a run: the rest (job records) is dropped early.
struct RunOutput {
  RunSummary summary;
  std::vector<PlotFile> plots;
  std::string series_csv;
  std::vector<Arrival> issued;  // first run only
};

absl::StatusOr<std::vector<DeviceSpec>> ProfileDevices(const Scenario& sc,
                                                       const Policy& policy) {
  if (sc.profile.empty()) return LoadDevicesForPolicy(policy);
  absl::StatusOr<std::vector<DeviceSpec>> specs = LoadProfileFile(sc.profile);
  if (!specs.ok()) return specs.status();
  if (absl::Status s = ApplyDeviceOverrides(policy.device_overrides, &*specs);
      !s.ok()) {
    return s;
  }
  return specs;
}

// The scenario's devices: its profile's, at its ambient_c when it sets one.
absl::StatusOr<std::vector<DeviceSpec>> Devices(const Scenario& sc,
                                                const Policy& policy) {
  absl::StatusOr<std::vector<DeviceSpec>> specs = ProfileDevices(sc, policy);
  if (!specs.ok() || !sc.ambient_c) return specs;
  if (absl::Status s = ApplyAmbientOverride(*sc.ambient_c, &*specs); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(sc.source, ": ", s.message()));
  }
  return specs;
}

// "a, b, c": an enum's names, for messages.
template <size_t N>
std::string JoinNames(const std::array<std::string_view, N>& names) {
  return absl::StrJoin(names, ", ", [](std::string* out, std::string_view n) {
    out->append(n.data(), n.size());
  });
}

// *out = parse(name) for a --placement / --governor name (`what`); empty
// keeps *out, an unknown name is an InvalidArgument error listing `names`.
template <typename E, size_t N>
absl::Status ParseOption(const std::string& name, const char* what,
                         const std::array<std::string_view, N>& names,
                         std::optional<E> (*parse)(std::string_view), E* out) {
  if (name.empty()) return absl::OkStatus();
  const std::optional<E> value = parse(name);
  if (!value) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown ", what, " '", name, "' (one of ", JoinNames(names), ")"));
  }
  *out = *value;
  return absl::OkStatus();
}

// The options' placement and governor over the policy's.
absl::StatusOr<Combo> OptionsCombo(const SimOptions& options,
                                   const Policy& policy) {
  Combo c{policy.scheduler.placement, policy.governor.policy};
  if (absl::Status s =
          ParseOption(options.placement, "placement", kPlacementStrategyNames,
                      ParsePlacementStrategy, &c.placement);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ParseOption(options.governor, "governor", kGovernorPolicyNames,
                      ParseGovernorPolicy, &c.governor);
      !s.ok()) {
    return s;
  }
  return c;
}

// Runs `configs` on up to `threads` threads; outputs in config order.
std::vector<RunOutput> RunAll(const std::vector<SimRunConfig>& configs,
                              WorkloadKind kind, int threads,
                              std::atomic<size_t>* runs_done) {
  std::vector<RunOutput> out(configs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < configs.size(); i = next++) {
      RunResult r = RunSimulation(configs[i]);
      out[i].summary = Summarize(r, configs[i].models, kind);
      out[i].plots = RunPlots(r);
      out[i].series_csv = DeviceSeriesCsv(r);
      if (i == 0) out[i].issued = std::move(r.issued);
      if (runs_done != nullptr) ++*runs_done;
    }
  };
  const int n = std::max(1, std::min<int>(threads, configs.size()));
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return out;
}

}  // namespace

std::string Combo::Label() const {
  return absl::StrCat(std::string(PlacementStrategyName(placement)), "+",
                      std::string(GovernorPolicyName(governor)),
                      frame_skip ? "" : "-noskip");
}

std::string ProgressLine(size_t done, size_t total, double elapsed_s) {
  return absl::StrFormat("joule-sim: %d/%d runs done, %.1f s", done, total,
                         elapsed_s);
}

std::vector<Combo> CompareCombos() {
  using P = PlacementStrategy;
  using G = GovernorPolicy;
  return {{P::kJoule, G::kSlack},
          {P::kJoule, G::kAdaptive},
          {P::kRoundRobin, G::kPerformance},
          {P::kFastest, G::kPerformance},
          {P::kEft, G::kPerformance},
          {P::kJoule, G::kPerformance},
          {P::kEft, G::kSchedutil},
          {P::kJoule, G::kOndemand},
          {P::kJoule, G::kSchedutil},
          {P::kJoule, G::kConservative},
          {P::kJoule, G::kPowersave}};
}

absl::StatusOr<SimOutputs> RunScenario(const Scenario& sc, const Policy& policy,
                                       const SimOptions& options) {
  absl::StatusOr<std::vector<DeviceSpec>> devices = Devices(sc, policy);
  if (!devices.ok()) return devices.status();
  std::vector<ModelSpec> models = sc.models;
  if (sc.target_utilization > 0) {
    absl::StatusOr<std::vector<ModelSpec>> scaled =
        ScaleToUtilization(models, *devices, sc.target_utilization);
    if (!scaled.ok()) return scaled.status();
    models = *std::move(scaled);
  }
  absl::StatusOr<std::vector<ModelLoad>> loads = ModelLoads(models, *devices);
  if (!loads.ok()) return loads.status();

  const uint64_t seed = options.seed.value_or(sc.seed);
  const Duration duration = SecondsToDuration(sc.duration_s);
  Trace trace;
  if (!options.trace_path.empty()) {
    absl::StatusOr<std::vector<Arrival>> a =
        ReadTraceFile(options.trace_path, models);
    if (!a.ok()) return a.status();
    trace.arrivals = *std::move(a);
  } else {
    trace = GenerateTrace(models, sc.workload, duration, seed);
  }
  AssignFrames(models, seed, &trace.arrivals);
  bool frames = false;
  for (const ModelSpec& m : models) frames = frames || m.frames.has_value();

  // The cap is the box's: every run, baselines included, is held to it.
  PowerTunables power = policy.power;
  if (sc.power_cap_w > 0) power.cap_w = sc.power_cap_w;
  std::vector<Combo> combos = CompareCombos();
  if (!options.compare) {
    absl::StatusOr<Combo> c = OptionsCombo(options, policy);
    if (!c.ok()) return c.status();
    combos = {*c};
  } else if (frames) {
    combos.push_back(
        Combo{PlacementStrategy::kJoule, GovernorPolicy::kSlack, false});
  }
  std::vector<SimRunConfig> configs;
  for (const Combo& c : combos) {
    SimRunConfig cfg;
    cfg.label = c.Label();
    cfg.devices = *devices;
    cfg.policy = policy;
    cfg.policy.scheduler.placement = c.placement;
    cfg.policy.governor.policy = c.governor;
    for (const ModelSpec& m : models) {
      if (!m.frames) continue;
      cfg.policy.scheduler.frame_skip.models[m.name] =
          FrameSkipModel{m.frames->threshold, m.frames->max_age_ms};
    }
    if (!c.frame_skip) cfg.policy.scheduler.frame_skip.enabled = false;
    cfg.policy.power = power;
    cfg.models = models;
    cfg.trace = trace;
    cfg.duration = duration;
    configs.push_back(std::move(cfg));
  }
  const int threads =
      options.threads > 0
          ? options.threads
          : static_cast<int>(std::thread::hardware_concurrency());
  if (options.runs_total != nullptr) *options.runs_total = configs.size();
  std::vector<RunOutput> runs =
      RunAll(configs, sc.workload.kind, threads, options.runs_done);

  // Closed-loop arrivals depend on the run: bound (and save) the first's.
  const std::vector<Arrival>& arrivals =
      trace.closed_loop ? runs[0].issued : trace.arrivals;
  // Frames no skipping could spare are bounded as usual; the rest count as
  // done at no energy, so the bound's per-job figures divide by every job
  // as the runs' do.
  const std::vector<Arrival> must_run =
      frames ? FramesThatMustRun(arrivals) : std::vector<Arrival>{};
  LowerBound bound = ComputeLowerBound(frames ? must_run : arrivals, models,
                                       *devices, duration);
  if (frames) {
    const uint64_t spared = arrivals.size() - must_run.size();
    bound.jobs += spared;
    bound.feasible += spared;
  }

  ReportContext ctx;
  ctx.scenario = sc.name;
  ctx.seed = seed;
  ctx.workload = std::string(WorkloadKindName(sc.workload.kind));
  ctx.trace_source = options.trace_path.empty()
                         ? "generated trace"
                         : absl::StrCat("trace ", options.trace_path);
  ctx.duration_s = sc.duration_s;
  ctx.target_utilization = sc.target_utilization;
  for (const ModelLoad& l : *loads) ctx.offered_load += l.load;
  ctx.profile = !sc.profile.empty() ? sc.profile
                : !policy.device_profile.empty()
                    ? policy.device_profile
                    : "the embedded RK3588-class profile";
  for (const DeviceSpec& d : *devices) ctx.devices.push_back(d.name);
  ctx.models = models;
  ctx.loads = *loads;

  std::vector<RunSummary> summaries;
  for (const RunOutput& r : runs) summaries.push_back(r.summary);
  SimOutputs out;
  out.markdown = MarkdownReport(ctx, summaries, bound);
  out.goals = CheckGoals(summaries, bound, *devices);
  const std::string goals = GoalMarkdown(summaries, out.goals);
  out.comparison = ComparisonMarkdown(summaries, bound);
  if (!goals.empty()) {
    absl::StrAppend(&out.comparison, "\n", goals);
    absl::StrAppend(&out.markdown, "\n## Goals\n\n", goals);
  }
  if (const std::string cap = PowerCapMarkdown(summaries); !cap.empty()) {
    absl::StrAppend(&out.comparison, "\n", cap);
    absl::StrAppend(&out.markdown, "\n## Power cap\n\n", cap);
  }
  out.trace_csv = TraceToCsv(arrivals, models);
  out.files.emplace_back("report.md", out.markdown);
  out.files.emplace_back("summary.csv", SummaryCsv(summaries, bound));
  out.files.emplace_back("latency_cdf.svg", LatencyCdfPlot(summaries).svg);
  for (const RunOutput& r : runs) {
    out.files.emplace_back(
        absl::StrCat(FileStem(r.summary.label), "-devices.csv"), r.series_csv);
    for (const PlotFile& p : r.plots) out.files.emplace_back(p.name, p.svg);
  }
  return out;
}

absl::Status WriteOutputs(const SimOutputs& outputs, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create '", dir, "': ", ec.message()));
  }
  for (const auto& [name, content] : outputs.files) {
    const std::string path = absl::StrCat(dir, "/", name);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
    f.close();
    if (!f)
      return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  }
  return absl::OkStatus();
}

}  // namespace joule
