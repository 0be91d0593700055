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
//   "joule"        score = w_latency · late_s + w_energy · E_marginal, where
//                  late_s = finish_s for a job without a deadline, and
//                  max(0, finish_s − deadline_margin · deadline_s) for one
//                  with (latency weighs through the slack: a job that meets
//                  its deadline with margin goes where it costs least), and
//                  E_marginal is the energy the job adds to the device
//                  (below, "Joule's energy and EDF")
//   "fastest"      score = exec_s                 (backlog, energy ignored)
//   "eft"          score = finish_s = backlog_s + exec_s   (energy ignored;
//                  HEFT's earliest finish time, StarPU's "dmda" without its
//                  data-transfer and energy terms)
//   "round_robin"  score = (i − cursor) mod n     (i: the candidate's index,
//                  n: the number of candidates, cursor: the caller's
//                  rotation, so the first feasible device at or after the
//                  cursor wins, cyclically)
// Equal scores fall back to the lower finish_s, then the earlier candidate.
// A device marked hot loses to every feasible one that is not (thermal-aware
// placement: new work moves away from a device nearing its trip; the jobs
// queued there stay, so a move costs nothing already admitted).
//
// Joule's energy and EDF. "joule" checks a deadline by EDF over the device's
// queue (EdfFeasible below): the job is inserted where the scheduler's queue
// order puts it (class, then deadline), and it is feasible at P-state q when
// it and every queued job that would meet its deadline without it still do.
// q runs from the device's P-state up to PlacementCandidate::max_pstate (the
// scheduler lets admission raise the P-state for the slack governor), and
// the lowest feasible q is the job's. Then
//   E_marginal = E_j(q) − P_idle · t(q)               (the job's own energy
//                above what the idle device draws anyway)
//              + Σ_queued [P_dyn(q) · t_k(q) − P_dyn(p) · t_k(p)]
//                                                      (raising the P-state
//                from p to q costs the queued jobs' extra energy too)
//              + E_wake                               (waking a sleeping
//                device; its exit latency delays the job, in EDF too)
// with P_idle what the device would draw instead (the idle state's power
// when it sleeps).
// The other strategies keep the simpler check finish_s ≤ deadline_s at the
// device's P-state.
// A value outside the enum ranks as "joule" (no name parses to one: the
// policy loader rejects unknown names).
//
// Thread-safe (pure).
#ifndef JOULE_SCHEDULER_PLACEMENT_H_
#define JOULE_SCHEDULER_PLACEMENT_H_

#include <cstdint>
#include <limits>
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

// A job already waiting on a device, as EDF over its queue sees it.
struct QueuedJob {
  PriorityClass priority_class = PriorityClass::kInteractive;
  // Seconds from now; infinity when it has none.
  double deadline_s = std::numeric_limits<double>::infinity();
  // Its predicted run time at each P-state of the device, slowest first
  // (the device's number of P-states).
  const double* exec_s = nullptr;
};

// EDF over a device's queue: `queue` (in dispatch order) runs after
// `running_left_s`; `extra`, when given, is inserted before the first queued
// job it precedes by (class, deadline). True when, at P-state q, `extra`
// and every queued job that meets its deadline at P-state `ref` without
// `extra` meet theirs (a job lost anyway does not make the queue
// infeasible). *extra_finish_s, when given, gets extra's finish time at q.
bool EdfFeasible(double running_left_s, const std::vector<QueuedJob>& queue,
                 const QueuedJob* extra, int q, int ref,
                 double* extra_finish_s = nullptr);

// The lowest P-state in [0, cap] at which EDF over the queue meets every
// deadline it meets at `cap` (-1 when no queued job has a deadline): the
// slack governor's deadline floor (governor/dvfs.h).
int EdfFloor(double running_left_s, const std::vector<QueuedJob>& queue,
             int cap);

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
  // "joule" only. The running job's time left (part of backlog_s) and the
  // queued jobs in dispatch order, for EDF; nullptr: the queue is empty.
  double running_left_s = 0;
  const std::vector<QueuedJob>* queue = nullptr;
  // The highest P-state admission may raise the device to; below `pstate`
  // (the default): no raising.
  int max_pstate = -1;
  // What the device draws idle (its static power unless it idles lower);
  // below 0: static power.
  double idle_power_w = -1;
  // "joule": waking the device from the idle state it sleeps in
  // (devices/idle.h WakeCost): the job starts wake_latency_s later and adds
  // wake_energy_j. 0 when it is awake.
  double wake_latency_s = 0;
  double wake_energy_j = 0;
  // Near its passive trip (DeviceState::hot): it wins only when no feasible
  // device that is not hot remains. The scheduler sets it for "joule".
  bool hot = false;
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
  // "joule": the energy the job adds (E_marginal above); others: energy_j.
  double marginal_j = 0;
  // The estimate's P-state is above the device's: admission raises it.
  bool raises_pstate = false;
  bool hot = false;  // PlacementCandidate::hot
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
