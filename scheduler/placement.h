// Placement: choose the device for a job from the cost model's estimates
// (docs/ARCHITECTURE.md, "Cost model"): finish = backlog + t_exec; score =
// w_latency · finish + w_energy · E with weights from the job's class and
// preference; a device that would miss the deadline is infeasible. One pure
// function.
//
// Strategies (SchedulerTunables::placement, a PlacementStrategy from
// core/policy.h; the policy file's names in quotes). Every strategy sees the
// same feasibility rules (Infeasible below: admission belongs to the scheduler,
// not to the strategy); they differ only in how they rank feasible devices,
// by a key stored in CandidateResult::score, lower wins:
//   "joule"        score = w_latency · finish_s + w_energy · E_j
//   "fastest"      score = exec_s                 (backlog, energy ignored)
//   "eft"          score = finish_s = backlog_s + exec_s   (energy ignored;
//                  HEFT's earliest finish time, StarPU's "dmda" without its
//                  data-transfer and energy terms)
//   "round_robin"  score = (i − cursor) mod n     (i: the candidate's index,
//                  n: the number of candidates, cursor: the caller's
//                  rotation, so the first feasible device at or after the
//                  cursor wins, cyclically)
// Equal scores fall back to the lower finish_s, then the earlier candidate.
// A value outside the enum ranks as "joule" (no name parses to one: the
// policy loader rejects unknown names).
//
// Thread-safe (pure).
#ifndef JOULE_SCHEDULER_PLACEMENT_H_
#define JOULE_SCHEDULER_PLACEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/policy.h"
#include "core/types.h"
#include "devices/device_spec.h"
#include "scheduler/cost_model.h"

namespace joule {

// What placement needs to know about a job.
struct PlacementRequest {
  JobCost cost;
  uint32_t batch = 1;
  PriorityClass priority_class = PriorityClass::kInteractive;
  Preference preference = Preference::kBalanced;
  // Seconds from now; nullopt = no deadline.
  std::optional<double> deadline_s;
  // Empty = every kind allowed.
  std::vector<DeviceKind> allowed_kinds;
  // False: Placement::explanation stays empty when a device is chosen (a
  // rejection is always explained: its status carries the text). For callers
  // that place many jobs and show no explanation, such as the simulator;
  // formatting it costs more than the placement itself.
  bool explain = true;
};

// What placement needs to know about a device right now.
struct PlacementCandidate {
  const DeviceSpec* spec = nullptr;
  int pstate = 0;
  double backlog_s = 0;     // predicted time until its queue drains
  bool critical = false;    // above the critical trip: nothing is dispatched
  bool queue_full = false;  // no room for another job
  // Measured/predicted run time learnt for this model on this device and
  // P-state (scheduler/calibration.h); 1 until enough samples arrive.
  // Scales the estimate's time and energy (E = P·t).
  double exec_scale = 1.0;
  // False when the device's executor cannot run the job's model.
  bool supports_model = true;
};

// Why a device cannot take the job, in the order they are checked.
enum class Infeasible {
  kNone,
  kKindNotAllowed,
  kModelUnsupported,
  kNoCommonPrecision,
  kCritical,
  kMissesDeadline,
  kQueueFull,
};

struct CandidateResult {
  std::string device;
  DeviceKind kind = DeviceKind::kCpu;
  std::optional<Estimate> estimate;  // absent if no common precision
  double backlog_s = 0;
  double finish_s = 0;  // backlog_s + exec_s
  double score = 0;     // the strategy's ranking key (see the top)
  Infeasible infeasible = Infeasible::kNone;
  std::string reason;  // human-readable; empty when feasible
};

struct Placement {
  // Index into the candidates, or -1 when none is feasible.
  int chosen = -1;
  std::vector<CandidateResult> candidates;  // same order as the input
  // Why the winner won (or why nothing could), one line; empty when a device
  // was chosen for a request with explain = false.
  std::string explanation;
};

// Effective weights for a class and preference: BALANCED uses the class's
// weights, LATENCY scores by finish time alone and ENERGY by joules alone
// (the other term kept only as a 1e-6 tie-break).
ClassWeights EffectiveWeights(const SchedulerTunables& t, PriorityClass c,
                              Preference p);

// `round_robin_cursor` is the round-robin strategy's rotation (the caller
// keeps it, e.g. one past the last device chosen, so Place stays pure);
// other strategies ignore it.
Placement Place(const PlacementRequest& req,
                const std::vector<PlacementCandidate>& candidates,
                const SchedulerTunables& tunables,
                uint64_t round_robin_cursor = 0);

}  // namespace joule

#endif  // JOULE_SCHEDULER_PLACEMENT_H_
