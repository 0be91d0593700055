// Workloads: the job arrivals joule-sim submits, generated from a scenario's
// model mix with SimRng (bit-for-bit repeatable for a seed), and the
// definition of "load" that target_utilization scales the mix to.
//
// Load. For model m with mean rate λ_m (jobs/s), let t_min(m) be the cost
// model's run time of one job on the best device m may use, at that
// device's top P-state and best precision (no queueing). The offered load is
//   ρ = Σ_m λ_m · t_min(m)
// the fraction of time one ideal device, as fast on every model as the SoC's
// best device for that model at full clock, would be busy. ρ = 0.6 is "60%
// load". Since different models' best devices differ, the real devices each
// see less (and joule trades speed for energy, so more), but ρ < 1 is
// always feasible in this sense. ScaleToUtilization multiplies every λ_m by
// one factor so that ρ hits the target: the mix keeps its proportions.
//
// Arrival processes ([0, duration), per model an independent SimRng stream
// seeded by DeriveSeed(seed, hash(model name))):
//   poisson        gaps ~ Exp(λ_m)
//   bursty         one shared ON/OFF phase process (phase lengths ~ Exp with
//                  means on_s, off_s; starts ON); during ON each model is
//                  Poisson at λ_m · (on_s + off_s) / on_s, silent during OFF,
//                  so the mean rate stays λ_m
//   diurnal        λ_m(t) = λ_m · (1 − a · cos(2π t / P)): night at t = 0,
//                  noon at P/2, mean λ_m over a period; by thinning (Lewis &
//                  Shedler 1979): candidates at λ_m(1 + a), kept with
//                  probability λ_m(t) / (λ_m(1 + a))
//   server         poisson, every deadline = the model's latency bound
//   offline        round(λ_m · duration) queries of each model, all at t = 0,
//                  interleaved in proportion (query k of n_m sorts at
//                  (k + ½)/n_m), no deadlines
//   single_stream  closed loop: one query outstanding; the simulator issues
//                  the next (model drawn by λ_m weight, no deadline) when
//                  the previous reaches its terminal state
// Other kinds use each model's own deadline.
//
// Stateless functions (and a generator object used by one thread).
#ifndef JOULE_SIM_WORKLOAD_H_
#define JOULE_SIM_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "devices/device_spec.h"
#include "sim/models.h"
#include "sim/rng.h"
#include "sim/scenario.h"

namespace joule {

// One job submission.
struct Arrival {
  Duration time{0};  // since the start of the run
  int model = 0;     // index into the scenario's models
  PriorityClass priority_class = PriorityClass::kInteractive;
  double deadline_ms = 0;  // relative to `time`; 0 = none
  uint32_t batch = 1;
  // Frames (ModelSpec::frames; sim/frames.h): which scene the frame shows
  // and its number in the model's stream; scene 0: no change signal.
  uint64_t scene = 0;
  uint32_t frame = 0;
};

struct Trace {
  std::vector<Arrival> arrivals;  // by time; ties in model order
  bool closed_loop = false;       // single_stream: see above
  uint64_t closed_loop_seed = 0;
};

struct ModelLoad {
  std::string best_device;  // where t_min is reached
  double t_min_s = 0;
  double load = 0;  // λ · t_min
};

// t_min and λ·t_min per model, in model order. InvalidArgument naming the
// model if no device may run it.
absl::StatusOr<std::vector<ModelLoad>> ModelLoads(
    const std::vector<ModelSpec>& models,
    const std::vector<DeviceSpec>& devices);
// ρ = Σ λ_m · t_min(m).
absl::StatusOr<double> OfferedLoad(const std::vector<ModelSpec>& models,
                                   const std::vector<DeviceSpec>& devices);
// The models with every rate multiplied by target / ρ.
absl::StatusOr<std::vector<ModelSpec>> ScaleToUtilization(
    std::vector<ModelSpec> models, const std::vector<DeviceSpec>& devices,
    double target);

// Each process for one scenario; see the top of this file.
Trace GenerateTrace(const std::vector<ModelSpec>& models,
                    const WorkloadParams& params, Duration duration,
                    uint64_t seed);

// The single_stream query sequence: model drawn by rate weight.
class SingleStreamSource {
 public:
  SingleStreamSource(const std::vector<ModelSpec>& models, uint64_t seed);
  // The next query, issued at `now`.
  Arrival Next(Duration now);

 private:
  const std::vector<ModelSpec>& models_;
  std::vector<double> weights_;
  SimRng rng_;
};

// Nanoseconds nearest to `s` seconds.
Duration SecondsToDuration(double s);

}  // namespace joule

#endif  // JOULE_SIM_WORKLOAD_H_
