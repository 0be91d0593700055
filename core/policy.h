// Policy: every operator tunable, one struct per component, mapped one to one
// onto the policy file (deploy/policy/default.yaml documents each key). Units
// are in the names; each field says why it exists.
//
// Plain values; the daemon swaps whole Policy objects under its own lock.
#ifndef JOULE_CORE_POLICY_H_
#define JOULE_CORE_POLICY_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace joule {

// How a device is chosen among the feasible ones (scheduler/placement.h has
// the formulas): kJoule by the cost model's latency/energy score; the rest
// are baselines joule-sim compares against: kRoundRobin takes turns,
// kFastest the least run time (backlog and energy ignored), kEft the
// earliest finish time (backlog included, energy ignored: HEFT / StarPU
// dmda).
enum class PlacementStrategy { kJoule = 0, kRoundRobin, kFastest, kEft };
inline constexpr int kNumPlacementStrategies = 4;
// The policy file's names (scheduler.placement), indexed by
// PlacementStrategy; the loader's "must be one of" lists them in this order.
inline constexpr std::array<std::string_view, kNumPlacementStrategies>
    kPlacementStrategyNames = {"joule", "round_robin", "fastest", "eft"};
// "joule", "round_robin", ...; "unknown" for a value outside the enum.
std::string_view PlacementStrategyName(PlacementStrategy s);
// nullopt for a name not in kPlacementStrategyNames.
std::optional<PlacementStrategy> ParsePlacementStrategy(std::string_view name);

// How the governor picks P-states (governor/dvfs.h has the formulas):
// kSlack (joule's default: the least-energy P-state at which queued jobs meet
// their deadlines and the window's load fits), kAdaptive (joule's earlier
// load-threshold policy), kPerformance (always the highest allowed P-state),
// kPowersave (always the lowest), or the Linux-like baselines kOndemand,
// kSchedutil, kConservative.
enum class GovernorPolicy {
  kAdaptive = 0,
  kPerformance,
  kPowersave,
  kOndemand,
  kSchedutil,
  kConservative,
  kSlack,
};
inline constexpr int kNumGovernorPolicies = 7;
// The policy file's names (governor.policy), indexed by GovernorPolicy; the
// loader's "must be one of" lists them in this order.
inline constexpr std::array<std::string_view, kNumGovernorPolicies>
    kGovernorPolicyNames = {"adaptive", "performance", "powersave",
                            "ondemand", "schedutil",   "conservative",
                            "slack"};
// "adaptive", "performance", ...; "unknown" for a value outside the enum.
std::string_view GovernorPolicyName(GovernorPolicy p);
// nullopt for a name not in kGovernorPolicyNames.
std::optional<GovernorPolicy> ParseGovernorPolicy(std::string_view name);

// Weights of the placement score (docs/ARCHITECTURE.md, "Cost model"): score =
// latency_weight_per_s * finish_s + energy_weight_per_j * energy_j. Lower wins.
struct ClassWeights {
  double latency_weight_per_s = 1.0;
  double energy_weight_per_j = 1.0;
};

// Frame skipping for one model (scheduler/frame_skip.h has the rule): a job
// of a stream whose change signal moved at most `threshold` since the frame
// whose result is held gets that result back instead of running.
struct FrameSkipModel {
  // Largest change, in [0, 1), that still reuses the held result: 0 reuses
  // it only for an identical frame. The change is a mean absolute
  // difference of thumbnails whose values lie in [0, 1], or 0 / 1 for equal
  // / different digests.
  double threshold = 0.02;
  // A held result older than this is not reused: a static scene still runs
  // the model this often, so a slow drift or a wrong skip does not last.
  uint32_t max_age_ms = 1000;
};

struct FrameSkipTunables {
  // Off: every job runs and nothing is held (the held results are dropped).
  bool enabled = true;
  // Streams (per model) whose last result is held; beyond it the least
  // recently used is forgotten. Bounds the memory a client's stream ids can
  // take (each holds one frame's signal and outputs).
  uint32_t max_streams = 1024;
  // Models that may skip; a model not listed never skips.
  std::map<std::string, FrameSkipModel> models;
};

struct SchedulerTunables {
  // Indexed by PriorityClass. Realtime cares about time, batch about joules.
  std::array<ClassWeights, kNumPriorityClasses> class_weights = {
      ClassWeights{10.0, 1.0}, ClassWeights{1.0, 1.0}, ClassWeights{0.1, 1.0}};
  // Jobs waiting per device (running excluded); beyond it Submit gets
  // RESOURCE_EXHAUSTED, so overload is refused early instead of queued.
  uint32_t max_queue_per_device = 256;
  // Finished jobs kept for GetJob; older ones are forgotten first.
  uint32_t max_finished_jobs = 10000;
  // How a device is chosen among the feasible ones; parsed from its name
  // once, when the policy loads, so no job compares strings.
  PlacementStrategy placement = PlacementStrategy::kJoule;
  // Joule placement: a job with a deadline that finishes within this
  // fraction of it pays no latency cost, so it goes to the device where it
  // costs least energy; past it, finish time weighs with the class's latency
  // weight (scheduler/placement.h).
  double deadline_margin = 0.5;
  // Admission may raise a device's P-state at once so that the queue,
  // the new job included, meets every deadline (EDF over the queue). Set from
  // governor.policy: true for "slack", whose governor keeps that floor; the
  // other governors own their P-states alone (SchedulerTunablesFor).
  bool raise_pstate_for_deadlines = true;
  FrameSkipTunables frame_skip;
};

struct GovernorTunables {
  // How P-states are picked; parsed from its name once, when the policy
  // loads, so no governor tick compares strings.
  GovernorPolicy policy = GovernorPolicy::kSlack;
  // How often the governor samples and decides.
  uint32_t period_ms = 100;
  // Length of the sliding window that smooths utilisation.
  uint32_t window_ms = 5000;
  // Adaptive threshold is mean + k * stddev: a surge must stand out from the
  // window's own noise before the governor reacts (k ~ 1.5).
  double k = 1.5;
  // Utilisation (0..1) above which to step up, below which to step down.
  double up_threshold = 0.8;
  double down_threshold = 0.3;
  // A step that reverses the previous one needs the smoothed load to have
  // moved at least this much (0..1) since that step: stops oscillation.
  double change_filter = 0.15;
  // Minimum time between two P-state changes of one device.
  uint32_t min_interval_ms = 500;
  // Let idle devices enter their profile's idle states (devices/idle.h)
  // when the predicted gap pays for one; off, every device draws static
  // power whenever it is idle, as with a profile that lists none.
  bool idle_states = true;
  // The slowest wake-up (exit latency, µs) a device may sleep into; 0 = any.
  // A deadline-bound deployment caps it below its tightest slack.
  uint32_t idle_max_exit_latency_us = 0;
};

struct ThermalTunables {
  // A trip is left only when the temperature falls this far below it.
  int32_t hysteresis_mc = 5000;
  // While above the passive trip the P-state cap drops one step per interval;
  // once cool again it rises one step per interval.
  uint32_t step_interval_ms = 1000;
  // Thermal-aware placement (governor/thermal.h NextHot): a device within
  // this far of its passive trip takes new work only when no cooler device
  // can, so heat moves away before throttling binds ...
  int32_t hot_margin_mc = 5000;
  // ... and that flag changes at most once per this interval (a move costs
  // the jobs that follow a colder, slower or costlier device; flapping
  // would pay it again and again).
  uint32_t hot_interval_ms = 30000;
};

// A global power cap over every device together (governor/power_cap.h): a
// PID on the error cap − measured total power sets the budget handed out
// each round, split over the devices as P-state caps.
struct PowerTunables {
  // The cap on the devices' total power (W), a property of the box (its
  // supply or enclosure); 0: no cap.
  double cap_w = 0;
  // How far above the cap a 1 s mean of the total may go before it counts
  // as a breach (joule-sim's report, the operator's alert), in percent.
  double tolerance_pct = 5;
  // PID gains on e = cap − total (W): budget = cap + kp·e + ki·∫e dt +
  // kd·de/dt. kp answers one round's error at once, ki removes the steady
  // error the power model leaves (idle states, memory-bound work), kd damps.
  // Small gains: the total the PID sees lags the caps it sets by two rounds
  // (a reading covers the previous period), so a large kp oscillates.
  double kp = 0.1;
  double ki_per_s = 0.5;
  double kd_s = 0;
  // Anti-windup: |ki·∫e dt| stays within this fraction of the cap.
  double integral_max_fraction = 0.5;
};

// ONNX Runtime's graph optimisation levels (onnxruntime.ai "Graph
// optimizations"): kDisable none; kBasic constant folding and redundant node
// elimination; kExtended also fusions such as GELU, layer norm, attention;
// kAll also layout optimisations (ORT's default).
enum class GraphOptimization { kDisable = 0, kBasic, kExtended, kAll };
inline constexpr int kNumGraphOptimizations = 4;
// The policy file's names (executors.onnxruntime.graph_optimization).
inline constexpr std::array<std::string_view, kNumGraphOptimizations>
    kGraphOptimizationNames = {"disable", "basic", "extended", "all"};
std::string_view GraphOptimizationName(GraphOptimization g);
std::optional<GraphOptimization> ParseGraphOptimization(std::string_view name);

// The ONNX Runtime executor (executors.onnxruntime): which library runs
// models and how its sessions are set up. Read at start; a reload that
// changes it is refused (sessions are created at registration).
struct OnnxRuntimePolicy {
  // The shared library (libonnxruntime.so.1) to load, e.g. a board's own
  // build with CUDA, TensorRT or OpenVINO. Empty: the one the build fetched
  // (scripts/fetch-onnxruntime.sh). jouled --onnxruntime-library overrides
  // it.
  std::string library;
  // Threads of each session's intra-op pool, counting the thread that runs
  // the job; 0: ORT's default (one per physical core).
  uint32_t intra_op_threads = 0;
  // Whether the pools' threads spin (busy-wait) for more work before they
  // sleep, ORT's session.intra_op.allow_spinning / inter_op: spinning saves
  // the wake-up of each parallel section, at the price of a core burnt
  // between runs and taken from the daemon's other threads.
  bool allow_spinning = true;
  GraphOptimization graph_optimization = GraphOptimization::kAll;
};
bool operator==(const OnnxRuntimePolicy& a, const OnnxRuntimePolicy& b);
inline bool operator!=(const OnnxRuntimePolicy& a, const OnnxRuntimePolicy& b) {
  return !(a == b);
}

// Per-device overrides of the profile, keyed by device name.
struct DeviceOverride {
  int32_t trip_passive_mc = 0;   // 0: keep the profile's
  int32_t trip_critical_mc = 0;  // 0: keep the profile's
};

// A model registered when the daemon starts (models.preload).
struct ModelPreload {
  // What jobs call it: letters, digits, '.', '_', '-', ':'.
  std::string name;
  // The ONNX file, relative to model_dir (or absolute inside it).
  std::string path;
  // "NAME=D1,D2,...;NAME2=..." fixing inputs' dynamic dimensions, as
  // `joulectl register --input-shape`; empty: the model's own shapes with a
  // dynamic first (batch) dimension of 1.
  std::string input_shapes;
};

struct ModelsPolicy {
  // The only directory models registered by path may come from (after
  // resolving symlinks), so a client cannot make the daemon read arbitrary
  // files. Empty: registering by path is refused; by bytes still works.
  // Read at start.
  std::string model_dir;
  // Registered at start, each analysed once; a bad entry stops the start.
  std::vector<ModelPreload> preload;
};

struct Policy {
  SchedulerTunables scheduler;
  GovernorTunables governor;
  ThermalTunables thermal;
  PowerTunables power;
  // Device profile YAML; empty means the embedded default profile. Changing
  // it needs a restart, so a reload that changes it is refused.
  std::string device_profile;
  std::map<std::string, DeviceOverride> device_overrides;
  ModelsPolicy models;
  OnnxRuntimePolicy onnxruntime;
};

// What the scheduler runs with under `p`: p.scheduler, with
// raise_pstate_for_deadlines set when the governor is "slack".
SchedulerTunables SchedulerTunablesFor(const Policy& p);

}  // namespace joule

#endif  // JOULE_CORE_POLICY_H_
