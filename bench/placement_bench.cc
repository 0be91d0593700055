// placement_bench: how long a placement decision takes, as percentiles.
//
// Google Benchmark reports means; a scheduler's tail matters, so every
// benchmark here times each call on its own (steady_clock around one call)
// and reports p50/p99 per call as counters. The timer's own cost is measured
// in the same run (BM_TimerOverhead) and subtracted in the summary printed at
// the end; BM_EstimateJobBatch100 (100 calls per sample) cross-checks that
// subtraction on the cheapest operation.
//
// What is measured:
//   BM_EstimateJob          the cost model alone, one device: the comparison
//                           point, so the summary gives placement/estimate.
//   BM_Place/N              Place() over N candidates (pure function).
//   BM_SubmitDryRun/N/Q     Scheduler::Submit(dry_run) over N simulated
//                           devices with Q jobs already queued (filled via
//                           Submit on a ManualClock that never advances), so
//                           the lock, candidate collection and the queue
//                           state are included.
// N devices are the default RK3588 profile's cpu0/gpu0/npu0 replicated with
// distinct names.
//
// Single-threaded benchmark binary; not a test.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/clock.h"
#include "core/policy.h"
#include "devices/profile_loader.h"
#include "executors/simulated_device.h"
#include "scheduler/cost_model.h"
#include "scheduler/placement.h"
#include "scheduler/scheduler.h"
#include "telemetry/metrics.h"

namespace joule {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Percentiles {
  double p50_ns = 0;
  double p99_ns = 0;
  double mean_ns = 0;
  size_t samples = 0;
};

// Results by benchmark name; the last (final) run of each wins.
std::map<std::string, Percentiles>& Results() {
  static auto* results = new std::map<std::string, Percentiles>();
  return *results;
}

Percentiles Summarise(std::vector<double>* ns) {
  Percentiles p;
  if (ns->empty()) return p;
  std::sort(ns->begin(), ns->end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(ns->size() - 1));
    return (*ns)[i];
  };
  p.p50_ns = at(0.50);
  p.p99_ns = at(0.99);
  double sum = 0;
  for (double v : *ns) sum += v;
  p.mean_ns = sum / static_cast<double>(ns->size());
  p.samples = ns->size();
  return p;
}

// Runs `fn` `calls_per_sample` times per benchmark iteration, timing each
// iteration, and records per-call p50/p99 under `key`.
template <typename Fn>
void RunTimed(benchmark::State& state, const std::string& key,
              int calls_per_sample, Fn&& fn) {
  std::vector<double> ns;
  ns.reserve(static_cast<size_t>(
      std::min<benchmark::IterationCount>(state.max_iterations, 1 << 24)));
  for (auto _ : state) {
    const SteadyClock::time_point t0 = SteadyClock::now();
    for (int i = 0; i < calls_per_sample; ++i) fn();
    const SteadyClock::time_point t1 = SteadyClock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() /
                 calls_per_sample);
  }
  Percentiles p = Summarise(&ns);
  state.counters["p50_ns"] = p.p50_ns;
  state.counters["p99_ns"] = p.p99_ns;
  Results()[key] = p;
}

// The default profile's devices, replicated to `n` with distinct names.
std::vector<DeviceSpec> Specs(int n) {
  static const std::vector<DeviceSpec>* base = [] {
    absl::StatusOr<std::vector<DeviceSpec>> s =
        ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
    if (!s.ok() || s->empty()) {
      std::fprintf(stderr, "default profile: %s\n",
                   std::string(s.status().message()).c_str());
      std::abort();
    }
    return new std::vector<DeviceSpec>(*std::move(s));
  }();
  std::vector<DeviceSpec> out;
  for (int i = 0; i < n; ++i) {
    DeviceSpec spec = (*base)[i % base->size()];
    spec.name += "_r" + std::to_string(i);
    out.push_back(std::move(spec));
  }
  return out;
}

// A MobileNetV2-class job: 0.6 GOP per inference at FP32, FP16 or INT8,
// 14 MB of FP32 weights, so the cost model weighs three precisions and the
// NPU's SRAM check on every device.
JobCost BenchCost() {
  JobCost c;
  c.ops_by_precision[static_cast<int>(Precision::kFp32)] = 0.6e9;
  c.ops_by_precision[static_cast<int>(Precision::kFp16)] = 0.6e9;
  c.ops_by_precision[static_cast<int>(Precision::kInt8)] = 0.6e9;
  c.weight_bytes = 14e6;
  c.activation_bytes = 20e6;
  c.input_bytes = 602112;  // 224x224x3 FP32
  c.output_bytes = 4000;
  return c;
}

SchedulerTunables BenchTunables() {
  SchedulerTunables t;
  t.max_queue_per_device = 1u << 20;  // the fill never hits RESOURCE_EXHAUSTED
  return t;
}

void BM_TimerOverhead(benchmark::State& state) {
  RunTimed(state, "timer", 1, [] { benchmark::ClobberMemory(); });
}
BENCHMARK(BM_TimerOverhead);

void BM_EstimateJob(benchmark::State& state) {
  const DeviceSpec spec = Specs(1)[0];  // cpu0: FP32, FP16 and INT8
  const JobCost cost = BenchCost();
  RunTimed(state, "estimate", 1, [&] {
    benchmark::DoNotOptimize(EstimateJob(cost, 1, spec, spec.max_pstate()));
  });
}
BENCHMARK(BM_EstimateJob);

void BM_EstimateJobBatch100(benchmark::State& state) {
  const DeviceSpec spec = Specs(1)[0];
  const JobCost cost = BenchCost();
  RunTimed(state, "estimate_batch100", 100, [&] {
    benchmark::DoNotOptimize(EstimateJob(cost, 1, spec, spec.max_pstate()));
  });
}
BENCHMARK(BM_EstimateJobBatch100);

void BM_Place(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<DeviceSpec> specs = Specs(n);
  std::vector<PlacementCandidate> candidates;
  for (int i = 0; i < n; ++i) {
    PlacementCandidate c;
    c.spec = &specs[i];
    c.pstate = specs[i].max_pstate();
    c.backlog_s = 1e-3 * (i % 7);  // uneven backlogs, as under load
    candidates.push_back(c);
  }
  PlacementRequest req;
  req.cost = BenchCost();
  const SchedulerTunables tunables = BenchTunables();
  RunTimed(state, "place/" + std::to_string(n), 1,
           [&] { benchmark::DoNotOptimize(Place(req, candidates, tunables)); });
}
BENCHMARK(BM_Place)->Arg(3)->Arg(16)->Arg(64);

// A Scheduler on a ManualClock over `n` simulated devices with `queued` jobs
// admitted. Time never advances, so each device runs its first job forever
// and the rest stay queued.
class SchedulerFixture {
 public:
  SchedulerFixture(int n, int queued) : specs_(Specs(n)) {
    std::vector<Device*> raw;
    for (const DeviceSpec& spec : specs_) {
      devices_.push_back(MakeSimulatedDevice(spec, &clock_));
      raw.push_back(devices_.back().get());
    }
    scheduler_ =
        std::make_unique<Scheduler>(&clock_, raw, BenchTunables(), &registry_);
    JobSpec fill;
    fill.cost = BenchCost();
    for (int i = 0; i < queued; ++i) {
      absl::StatusOr<JobInfo> info = scheduler_->Submit(fill, nullptr);
      if (!info.ok()) {
        std::fprintf(stderr, "fill job %d: %s\n", i,
                     std::string(info.status().message()).c_str());
        std::abort();
      }
    }
  }
  Scheduler& scheduler() { return *scheduler_; }
  size_t TotalQueued() const {
    size_t total = 0;
    for (const Scheduler::DeviceLoad& l : scheduler_->Loads()) {
      total += l.queued;
    }
    return total;
  }

 private:
  ManualClock clock_;  // declared first: destroyed last
  Registry registry_;
  std::vector<DeviceSpec> specs_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<Scheduler> scheduler_;
};

// One fixture at a time (the 64-device, 10k-job one holds ~100 MB of
// placement records); Google Benchmark calls a benchmark several times while
// it sizes the iteration count, so the fixture is kept between those calls.
SchedulerFixture& FixtureFor(int n, int queued) {
  static std::pair<int, int> key{-1, -1};
  static std::unique_ptr<SchedulerFixture> fixture;
  if (key != std::make_pair(n, queued)) {
    fixture.reset();
    fixture = std::make_unique<SchedulerFixture>(n, queued);
    key = {n, queued};
  }
  return *fixture;
}

void BM_SubmitDryRun(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int queued = static_cast<int>(state.range(1));
  SchedulerFixture& f = FixtureFor(n, queued);
  JobSpec spec;
  spec.cost = BenchCost();
  spec.dry_run = true;
  RunTimed(
      state, "submit/" + std::to_string(n) + "/" + std::to_string(queued), 1,
      [&] { benchmark::DoNotOptimize(f.scheduler().Submit(spec, nullptr)); });
  // Running jobs (one per device) are not queued.
  state.counters["queued"] = static_cast<double>(f.TotalQueued());
}
BENCHMARK(BM_SubmitDryRun)
    ->ArgsProduct({{3, 16, 64}, {0, 1000, 10000}})
    ->ArgNames({"devices", "queued"});

// The summary: per-call p50/p99 net of the timer's own p50, and each
// figure's p50 over the cost-model estimate's (same run).
void PrintSummary() {
  const std::map<std::string, Percentiles>& r = Results();
  auto get = [&](const std::string& k) {
    auto it = r.find(k);
    return it == r.end() ? Percentiles{} : it->second;
  };
  const double timer = get("timer").p50_ns;
  const double est = std::max(get("estimate").p50_ns - timer, 1e-9);
  std::printf(
      "\nSUMMARY placement latency per call, ns (timer p50 %.1f ns "
      "subtracted; raw p50 in the table above)\n",
      timer);
  std::printf("%-34s %10s %10s %14s\n", "what", "p50_ns", "p99_ns",
              "p50/estimate");
  auto row = [&](const std::string& label, const std::string& key) {
    if (r.find(key) == r.end()) return;
    const Percentiles p = get(key);
    std::printf("%-34s %10.1f %10.1f %14.1f\n", label.c_str(), p.p50_ns - timer,
                p.p99_ns - timer, (p.p50_ns - timer) / est);
  };
  row("EstimateJob (cpu0, 1 device)", "estimate");
  if (r.count("estimate_batch100")) {
    std::printf(
        "%-34s %10.1f %10.1f %14s\n", "EstimateJob, mean of 100 (check)",
        get("estimate_batch100").p50_ns, get("estimate_batch100").p99_ns, "-");
  }
  for (int n : {3, 16, 64}) {
    row("Place, " + std::to_string(n) + " devices",
        "place/" + std::to_string(n));
  }
  for (int n : {3, 16, 64}) {
    for (int q : {0, 1000, 10000}) {
      row("Submit dry_run, " + std::to_string(n) + " dev, " +
              std::to_string(q) + " queued",
          "submit/" + std::to_string(n) + "/" + std::to_string(q));
    }
  }
}

}  // namespace
}  // namespace joule

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  joule::PrintSummary();
  return 0;
}
