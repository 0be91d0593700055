// Runner: what joule-sim does between parsing flags and printing. It turns
// a scenario, a policy and the options into runs (one, or every baseline
// combination with --compare, all on the same trace and devices), runs them
// on worker threads (each run is independent and deterministic, so the
// result does not depend on the number of threads), and renders the
// outputs: report.md, summary.csv, per-run device series CSV, SVG plots,
// and the trace.
//
// Frames (ModelSpec::frames, sim/frames.h): every generated or replayed
// arrival of such a model gets its scene and frame, each run's policy gets
// the model's scheduler.frame_skip entry (threshold, max_age_ms) from the
// scenario, and the lower bound runs only the frames no skipping could
// spare (FramesThatMustRun), counting the others done at no energy.
//
// Device profile precedence: the scenario's `profile`, else the policy's
// devices.profile, else the embedded RK3588-class profile; the policy's
// device overrides apply to each.
//
// Thread-safe: no shared state between calls.
#ifndef JOULE_SIM_RUNNER_H_
#define JOULE_SIM_RUNNER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/policy.h"
#include "sim/report.h"
#include "sim/scenario.h"

namespace joule {

struct Combo {
  PlacementStrategy placement = PlacementStrategy::kJoule;
  GovernorPolicy governor = GovernorPolicy::kAdaptive;
  // Off: scheduler.frame_skip.enabled false for the run.
  bool frame_skip = true;
  std::string Label() const;  // "joule+adaptive", "joule+adaptive-noskip"
};

// The --compare set: joule's default (joule+adaptive) first, then baselines
// that vary one axis at a time against it: placement under a fixed
// performance governor (round_robin, fastest, eft, joule), governors under
// joule placement (ondemand, schedutil, conservative, powersave), and
// eft+schedutil (the strongest non-joule pairing of the two axes).
// RunScenario adds joule+adaptive with frame skipping off when a model of
// the scenario has frames.
std::vector<Combo> CompareCombos();

struct SimOptions {
  std::optional<uint64_t> seed;  // unset: the scenario's
  // Names as the policy file spells them (--placement, --governor), parsed
  // once by RunScenario, which refuses unknown ones; ignored with compare.
  std::string placement;  // empty: the policy's
  std::string governor;   // empty: the policy's
  bool compare = false;
  std::string trace_path;  // replay this CSV instead of generating
  int threads = 0;         // 0: the hardware's
  // When set, incremented as each run ends (from the worker that ran it),
  // so a caller can show progress; RunScenario stores the number of runs
  // in *runs_total first.
  std::atomic<size_t>* runs_done = nullptr;
  std::atomic<size_t>* runs_total = nullptr;
};

// "joule-sim: 3/10 runs done, 12.3 s": a progress line for stderr.
std::string ProgressLine(size_t done, size_t total, double elapsed_s);

struct SimOutputs {
  std::string markdown;    // the whole report
  std::string comparison;  // its comparison table, then the goals
  GoalCheck goals;         // of the first run against the others (--compare)
  std::string trace_csv;   // the trace of the first run
  // Files for --out: name → content (report.md, summary.csv, *.svg, ...).
  std::vector<std::pair<std::string, std::string>> files;
};

absl::StatusOr<SimOutputs> RunScenario(const Scenario& scenario,
                                       const Policy& policy,
                                       const SimOptions& options);

// Creates `dir` (and parents) and writes every file into it.
absl::Status WriteOutputs(const SimOutputs& outputs, const std::string& dir);

}  // namespace joule

#endif  // JOULE_SIM_RUNNER_H_
