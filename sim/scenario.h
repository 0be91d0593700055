// Scenario: what joule-sim simulates, read from a YAML file with
// "FILE:LINE:COL: message" errors (core/yaml_util.h). Schema (units in the
// key names; sim/scenarios/rk3588_60pct.yaml is the worked example):
//
//   name: rk3588_60pct          # optional; default: the file's stem
//   duration_s: 600             # arrivals happen in [0, duration_s)
//   seed: 1                     # default seed; joule-sim --seed overrides
//   profile: ""                 # device profile YAML, relative to this file;
//                               # empty: the policy's (default: RK3588-class)
//   ambient_c: 45               # optional: every device's ambient (°C), over
//                               # the profile's (a hot enclosure)
//   target_utilization: 0.6     # 0: model rates as given; see workload.h
//   power_cap_w: 2.5            # optional: the box's cap on total power (W),
//                               # policy power.cap_w, over the policy's; it
//                               # binds every run, baselines included (the
//                               # cap is the platform's, not a policy's)
//   workload:
//     kind: poisson             # poisson | bursty | diurnal | single_stream
//                               # | server | offline
//     on_s: 2                   # bursty: mean ON phase
//     off_s: 3                  # bursty: mean OFF phase
//     period_s: 600             # diurnal: one day; 0 = duration_s
//     amplitude: 0.8            # diurnal: rate = mean·(1 − a·cos(2πt/P))
//   models:                     # at least one
//     - name: camera_detector   # a built-in model (sim/models.h) ...
//       rate_per_s: 30          # required
//       class: realtime         # optional overrides of the built-in record
//       deadline_ms: 33.3       # 0 = none
//       latency_bound_ms: 50    # server bound; 0 = deadline_ms
//       allowed_kinds: "npu,gpu"  # comma-separated; "" = any
//       batch: 1
//     - name: my_model          # ... or a custom one, given by `ops`:
//       ops: {fp32: 1e9, fp16: 1e9, int8: 1e9, int4: 0}
//       weight_bytes: 4e6       # at FP32; activation_bytes, input_bytes,
//       summary: "what it is"   # output_bytes likewise (default 0)
//     - name: camera_detector   # frames of one fixed camera (models.h,
//       rate_per_s: 30          # FrameProcess; not with single_stream):
//       frames: {change_probability: 0.1, noise: 0.005,
//                thumbnail_values: 64, threshold: 0.02, max_age_ms: 1000}
//
// Stateless functions; thread-safe.
#ifndef JOULE_SIM_SCENARIO_H_
#define JOULE_SIM_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/models.h"

namespace joule {

enum class WorkloadKind {
  kPoisson,       // independent Poisson arrivals per model
  kBursty,        // Poisson within shared ON phases, silence in OFF phases
  kDiurnal,       // Poisson with a day-like rising and falling rate
  kSingleStream,  // MLPerf SingleStream: the next query when one finishes
  kServer,        // MLPerf Server: Poisson, deadline = the latency bound
  kOffline,       // MLPerf Offline: every query at t = 0, no deadlines
};
std::string_view WorkloadKindName(WorkloadKind k);  // "single_stream", ...
std::optional<WorkloadKind> ParseWorkloadKind(std::string_view s);

struct WorkloadParams {
  WorkloadKind kind = WorkloadKind::kPoisson;
  double on_s = 1;         // bursty
  double off_s = 1;        // bursty
  double period_s = 0;     // diurnal; 0 = the scenario's duration
  double amplitude = 0.8;  // diurnal, [0, 1]
};

struct Scenario {
  std::string name;
  std::string source;  // the file it was read from, for messages
  double duration_s = 60;
  uint64_t seed = 1;
  std::string profile;  // resolved path; empty: the policy's profile
  std::optional<double> ambient_c;  // over the profile's; must be below trips
  double target_utilization = 0;
  double power_cap_w = 0;  // 0: the policy's power.cap_w
  WorkloadParams workload;
  std::vector<ModelSpec> models;
};

// `source` names the text in errors and anchors a relative profile path
// (its directory); the name defaults to its stem.
absl::StatusOr<Scenario> ParseScenario(std::string_view yaml,
                                       std::string_view source);
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path);

}  // namespace joule

#endif  // JOULE_SIM_SCENARIO_H_
