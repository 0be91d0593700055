// joule-sim: the discrete-event simulator. Parses flags, loads the scenario
// and policy, runs (sim/runner.h), and prints or writes the report.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/strings/numbers.h"
#include "cmd/flags.h"
#include "cmd/mutex_mode.h"
#include "core/policy.h"
#include "core/policy_loader.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "spdlog/spdlog.h"

namespace {

int Fail(const std::string& msg, int code = 1) {
  std::cerr << "joule-sim: " << msg << "\n";
  return code;
}

// "a, b or c": an enum's policy-file names, for a flag's help.
template <size_t N>
std::string OneOf(const std::array<std::string_view, N>& names) {
  std::string s;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) s += i + 1 < N ? ", " : " or ";
    s += names[i];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  joule::SkipMutexDeadlockDetectionInRelease();
  joule::Flags flags;
  flags.Add("scenario", "",
            "scenario YAML (required), e.g. "
            "sim/scenarios/rk3588_60pct.yaml");
  flags.Add("seed", "", "random seed (default: the scenario's)");
  flags.Add("policy", "", "policy YAML (default: the embedded policy)");
  flags.Add("placement", "",
            OneOf(joule::kPlacementStrategyNames) + " (default: the policy's)");
  flags.Add("governor", "",
            OneOf(joule::kGovernorPolicyNames) + " (default: the policy's)");
  flags.AddBool("compare", "run every baseline combination on the same trace");
  flags.Add("out", "",
            "write report.md, summary.csv, CSV series and SVG "
            "plots into this directory (default: print the "
            "report)");
  flags.Add("write-trace", "", "save the workload trace as CSV");
  flags.Add("trace", "", "replay this trace CSV instead of generating one");
  flags.Add("threads", "0", "parallel runs (0: one per core)");
  flags.AddBool("help", "print this help");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    return Fail(std::string(s.message()), 2);
  }
  if (flags.Bool("help") || !flags.IsSet("scenario")) {
    (flags.Bool("help") ? std::cout : std::cerr)
        << "Usage: joule-sim --scenario FILE [--seed N] [--policy FILE] "
           "[--placement NAME] [--governor NAME] [--compare] [--out DIR] "
           "[--write-trace FILE] [--trace FILE]\n\nSimulates joule's "
           "scheduler and governor on virtual devices and reports energy, "
           "latency, deadline misses and throttling.\n\nFlags:\n"
        << flags.Help();
    return flags.Bool("help") ? 0 : 2;
  }
  spdlog::set_level(spdlog::level::warn);

  joule::SimOptions options;
  if (flags.IsSet("seed")) {
    uint64_t seed;
    if (!absl::SimpleAtoi(flags.Get("seed"), &seed)) {
      return Fail("--seed: not a non-negative integer", 2);
    }
    options.seed = seed;
  }
  if (!absl::SimpleAtoi(flags.Get("threads"), &options.threads) ||
      options.threads < 0) {
    return Fail("--threads: not a non-negative integer", 2);
  }
  options.placement = flags.Get("placement");
  options.governor = flags.Get("governor");
  options.compare = flags.Bool("compare");
  options.trace_path = flags.Get("trace");

  absl::StatusOr<joule::Scenario> scenario =
      joule::LoadScenarioFile(flags.Get("scenario"));
  if (!scenario.ok()) return Fail(std::string(scenario.status().message()));
  absl::StatusOr<joule::Policy> policy =
      flags.Get("policy").empty()
          ? joule::ParsePolicy(joule::DefaultPolicyYaml(), "default policy")
          : joule::LoadPolicyFile(flags.Get("policy"));
  if (!policy.ok()) return Fail(std::string(policy.status().message()));

  // Progress on stderr (never stdout) for runs that take a while: a line
  // after 2 s of wall time, then every 3 s, until the runs are done.
  std::atomic<size_t> runs_done{0}, runs_total{0};
  options.runs_done = &runs_done;
  options.runs_total = &runs_total;
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread progress([&] {
    const auto start = std::chrono::steady_clock::now();
    auto wait = std::chrono::seconds(2);
    std::unique_lock<std::mutex> l(mu);
    while (!cv.wait_for(l, wait, [&] { return finished; })) {
      const double elapsed_s = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - start)
                                   .count();
      std::cerr << joule::ProgressLine(runs_done, runs_total, elapsed_s)
                << std::endl;
      wait = std::chrono::seconds(3);
    }
  });
  absl::StatusOr<joule::SimOutputs> out =
      joule::RunScenario(*scenario, *policy, options);
  {
    std::lock_guard<std::mutex> l(mu);
    finished = true;
  }
  cv.notify_all();
  progress.join();
  if (!out.ok()) return Fail(std::string(out.status().message()));
  if (!flags.Get("write-trace").empty()) {
    std::ofstream f(flags.Get("write-trace"), std::ios::binary);
    f << out->trace_csv;
    if (!f.flush()) return Fail("cannot write " + flags.Get("write-trace"));
  }
  if (flags.Get("out").empty()) {
    std::cout << out->markdown;
    return 0;
  }
  if (absl::Status s = joule::WriteOutputs(*out, flags.Get("out")); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  std::cout << out->comparison << "\nWrote " << out->files.size()
            << " files to " << flags.Get("out") << " (report.md, summary.csv, "
            << "latency_cdf.svg, per-run series and plots).\n";
  return 0;
}
