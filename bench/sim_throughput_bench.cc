// sim_throughput_bench: how many virtual jobs joule-sim simulates per second
// of wall time, on one thread, for one run of a scenario (default: the
// reference scenario, sim/scenarios/rk3588_60pct.yaml, seed 1, the default
// policy: joule placement + adaptive governor).
//
// Two figures, each the median (and the best) of --rounds timed rounds:
//   simulate  RunSimulation alone on a prepared SimRunConfig (devices,
//             scaled models, generated trace): the discrete-event loop, the
//             Scheduler, Governor and simulated devices.
//   scenario  RunScenario as joule-sim calls it (--threads 1, no --compare):
//             trace generation, the run, the summary, the report, plots and
//             CSV outputs; everything but reading the files and printing.
// jobs/s = submitted virtual jobs / wall seconds; cpu_s is the thread's CPU
// time over the same round (on a shared machine, wall time includes waiting
// for a core: compare the two). It also prints an FNV-1a
// hash of the scenario's comparison table, so two builds can be checked to
// simulate the same thing (the table must not change with speed work).
//
// A timed binary, not a test: bench/run.sh runs it (section 4).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "core/policy.h"
#include "core/policy_loader.h"
#include "devices/profile_loader.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "sim/workload.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Args {
  std::string scenario = JOULE_REFERENCE_SCENARIO;
  uint64_t seed = 1;
  int rounds = 5;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view flag, std::string* out) {
      if (arg.substr(0, flag.size()) != flag) return false;
      *out = std::string(arg.substr(flag.size()));
      return true;
    };
    std::string v;
    if (value("--scenario=", &v)) {
      a->scenario = v;
    } else if (value("--seed=", &v)) {
      if (!absl::SimpleAtoi(v, &a->seed)) return false;
    } else if (value("--rounds=", &v)) {
      if (!absl::SimpleAtoi(v, &a->rounds) || a->rounds < 1) return false;
    } else {
      return false;
    }
  }
  return true;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Timing {
  double median_s = 0;  // wall
  double best_s = 0;    // wall
  double median_cpu_s = 0;
};

template <typename F>
Timing Time(int rounds, F&& f) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < rounds; ++i) {
    const SteadyClock::time_point t0 = SteadyClock::now();
    const double c0 = ThreadCpuSeconds();
    f();
    cpu.push_back(ThreadCpuSeconds() - c0);
    wall.push_back(
        std::chrono::duration<double>(SteadyClock::now() - t0).count());
  }
  return {Median(wall), *std::min_element(wall.begin(), wall.end()),
          Median(cpu)};
}

void Print(const char* stage, size_t jobs, int rounds, const Timing& t) {
  std::printf(
      "%-9s jobs=%zu rounds=%d median_s=%.4f best_s=%.4f cpu_s=%.4f "
      "jobs_per_s_median=%.0f jobs_per_s_best=%.0f jobs_per_cpu_s=%.0f\n",
      stage, jobs, rounds, t.median_s, t.best_s, t.median_cpu_s,
      jobs / t.median_s, jobs / t.best_s, jobs / t.median_cpu_s);
}

int Main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: sim_throughput_bench [--scenario=FILE] [--seed=N] "
                 "[--rounds=N]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
#ifdef NDEBUG
  // As joule-sim does (cmd/mutex_mode.h).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  absl::StatusOr<Scenario> sc = LoadScenarioFile(args.scenario);
  absl::StatusOr<Policy> policy =
      ParsePolicy(DefaultPolicyYaml(), "default policy");
  if (!sc.ok() || !policy.ok()) {
    std::fprintf(
        stderr, "sim_throughput_bench: %s\n",
        std::string((sc.ok() ? policy.status() : sc.status()).message())
            .c_str());
    return 1;
  }
  if (!sc->profile.empty()) {
    std::fprintf(stderr,
                 "sim_throughput_bench: scenario profiles are not "
                 "supported here (the embedded profile only)\n");
    return 1;
  }

  // The single run RunScenario would make, prepared once.
  absl::StatusOr<std::vector<DeviceSpec>> devices =
      LoadDevicesForPolicy(*policy);
  if (!devices.ok()) return 1;
  SimRunConfig cfg;
  cfg.label = "bench";
  cfg.devices = *devices;
  cfg.policy = *policy;
  cfg.models = sc->models;
  if (sc->target_utilization > 0) {
    absl::StatusOr<std::vector<ModelSpec>> scaled =
        ScaleToUtilization(cfg.models, cfg.devices, sc->target_utilization);
    if (!scaled.ok()) return 1;
    cfg.models = *std::move(scaled);
  }
  cfg.duration = SecondsToDuration(sc->duration_s);
  cfg.trace = GenerateTrace(cfg.models, sc->workload, cfg.duration, args.seed);

  std::printf(
      "scenario %s, seed %" PRIu64 ", %s+%s, one thread\n",
      args.scenario.c_str(), args.seed,
      std::string(PlacementStrategyName(policy->scheduler.placement)).c_str(),
      std::string(GovernorPolicyName(policy->governor.policy)).c_str());
  size_t jobs = 0;
  const Timing sim = Time(args.rounds, [&] {
    RunResult r = RunSimulation(cfg);
    jobs = r.jobs.size();
  });
  Print("simulate", jobs, args.rounds, sim);

  SimOptions options;
  options.seed = args.seed;
  options.threads = 1;
  std::string table;
  const Timing whole = Time(args.rounds, [&] {
    absl::StatusOr<SimOutputs> out = RunScenario(*sc, *policy, options);
    if (out.ok()) table = out->comparison;
  });
  if (table.empty()) {
    std::fprintf(stderr, "sim_throughput_bench: RunScenario failed\n");
    return 1;
  }
  Print("scenario", jobs, args.rounds, whole);
  std::printf("comparison table fnv1a %016" PRIx64 "\n", Fnv1a(table));
  return 0;
}

}  // namespace
}  // namespace joule

int main(int argc, char** argv) { return joule::Main(argc, argv); }
