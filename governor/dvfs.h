// DVFS decision: which P-state a device should run at next, as one pure
// function of the load statistics, the device's P-state bookkeeping and the
// governor tunables. No I/O, no clock reads: a table of cases tests it
// (governor/dvfs_test.cc).
//
// Policies (GovernorTunables::policy, a GovernorPolicy from core/policy.h;
// the policy file's names in quotes):
//   "slack" (the default): the least-energy P-state that meets the device's
//   deadlines and holds its load. With μ, σ, k as for "adaptive" below,
//   f_p the frequency of P-state p and f_cur the current one's:
//     load(p)  = max(μ / up, μ + k·σ/√n) · f_cur / f_p   (the window's work
//                at p: its mean with up_threshold's headroom, and the upper
//                k-sigma bound of that mean over the window's n samples, so
//                a short or noisy window asks for more; single samples are
//                0 or 1 for long jobs, so their own peaks say nothing about
//                the load; work scales as 1/f, which over-estimates
//                memory-bound work, the safe side)
//     p_load   = the lowest p ≤ cap with load(p) ≤ 1 (the cap if none)
//     p_dl     = min(deadline_floor, cap): the lowest P-state at which every
//                queued and running job meets its deadline, by EDF over the
//                device's queue (the scheduler computes it from the cost
//                model, DvfsInputs::deadline_floor); -1 when no job waits
//     floor    = max(p_load, p_dl)
//     e(p)     = u_p · (P_dyn(p) + P_static − P_idle),  u_p = μ · f_cur/f_p
//                (the power above idle that p adds; race-to-idle wins when
//                the device idles below its static power, slow-and-steady
//                when it does not)
//     target   = argmin e(p) over floor ≤ p ≤ cap, where energies within
//                kSlackEnergyTie of each other count as equal and the faster
//                P-state wins (the same joules buy more slack: P-states at
//                one voltage cost the same per unit of compute), and μ is
//                taken as at least kSlackMinLoad (an idle window still
//                ranks P-states by what its next job will cost)
//   Which rule applies when:
//     target > current and p_dl > current → target at once ("deadline"):
//       no rate limit, no change filter; the move is not recorded as a load
//       step, so the change filter never holds the way back down. The
//       scheduler also raises a device at admission, when a new job needs
//       it (SchedulerTunables::raise_pstate_for_deadlines), so a burst is
//       answered by the job that brings it, not a tick later.
//     otherwise target ≠ current is a load decision ("load_up",
//       "load_down"), smoothed as adaptive's steps are: held by the minimum
//       interval ("rate_limited") and by the change filter on a reversal
//       ("change_filtered"); it moves straight to the target, not one step.
//     target = current → hold ("hold").
//   "performance": next = cap                     (straight there, no limits)
//   "powersave":   next = 0                       (straight there, no limits)
//   "adaptive":    joule's own, one step at a time:
//     μ, σ = mean and population stddev of the utilisation window,
//     x    = the latest utilisation sample (already in the window),
//     k, up, down = GovernorTunables::k, up_threshold, down_threshold.
//       sustained_load: μ > up                          → want up
//       surge:          x > max(μ + k·σ, up)            → want up
//         (a sample that stands out from the window's own noise; a sample
//          inside μ + k·σ is noise and changes nothing)
//       idle:           μ + k·σ < down                  → want down
//         (even the window's peaks are low)
//     Up wins when both hold (a lone surge in an idle window). Then:
//       at the cap wanting up, or at 0 wanting down     → hold ("at_cap",
//                                                          "at_bottom")
//       !MinIntervalElapsed(since_last_change)          → hold ("rate_limited")
//       !PassesChangeFilter(direction)                  → hold
//                                                         ("change_filtered")
//       otherwise next = current ± 1.
//   Linux-like baselines, for joule-sim comparisons. Each reads only the
//   latest sample x (as the kernel governors read the last sampling period;
//   no window, no rate limit, no change filter: those are adaptive's), with
//   f_p the frequency of P-state p (DvfsInputs::freq_khz), f_min = f_0,
//   f_max = f_top, PStateAtLeast(f) = the lowest P-state whose frequency is
//   ≥ f (CPUFREQ_RELATION_L) and PStateClosest(f) = the P-state whose
//   frequency is nearest f, the higher on a tie (CPUFREQ_RELATION_C), both
//   never above the cap:
//     "ondemand" (drivers/cpufreq/cpufreq_ondemand.c, od_update):
//       x > up                → next = cap                  ("ondemand_max")
//       otherwise             → next = PStateClosest(f_min + x·(f_max − f_min))
//                                                     ("ondemand_proportional")
//       so it jumps straight up under load and falls in proportion to it.
//     "schedutil" (kernel/sched/cpufreq_schedutil.c, get_next_freq):
//       util = x · f_cur / f_max (the busy fraction at f_cur as a share of
//              the capacity at f_max: the kernel's frequency-invariant util)
//       next = PStateAtLeast(1.25 · f_max · util)            ("schedutil")
//       (= 1.25 · f_cur · x: 25% headroom over the work actually done.)
//     "conservative" (drivers/cpufreq/cpufreq_conservative.c, cs_dbs_update,
//     with one P-state as its freq_step):
//       x > up   → current + 1 ("conservative_up"; at the cap: "at_cap")
//       x < down → current − 1 ("conservative_down"; at 0: "at_bottom")
//       otherwise hold ("hold")
//   Every policy first enforces the thermal cap:
//       current > cap → next = cap at once ("thermal_cap"), ignoring the rate
//       limit and the change filter: thermal wins.
//   A value outside the enum is treated as "adaptive" (no name parses to one:
//   the policy loader rejects unknown names).
//
// Thread-safe: pure functions.
#ifndef JOULE_GOVERNOR_DVFS_H_
#define JOULE_GOVERNOR_DVFS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/policy.h"

namespace joule {

enum class StepDirection { kNone = 0, kUp, kDown };
std::string_view StepDirectionName(StepDirection d);  // "none", "up", "down"

enum class DvfsReason {
  kHold,            // adaptive: load inside the thresholds
  kSustainedLoad,   // adaptive up: μ > up_threshold
  kSurge,           // adaptive up: x > max(μ + k·σ, up_threshold)
  kIdle,            // adaptive down: μ + k·σ < down_threshold
  kAtCap,           // wants up, already at the (thermal) cap
  kAtBottom,        // wants down, already at P-state 0
  kRateLimited,     // wants a step, min_interval_ms not yet elapsed
  kChangeFiltered,  // wants to reverse, load moved less than change_filter
  kThermalCap,      // above the cap: forced down to it
  kPerformance,     // performance policy: to the cap
  kPowersave,       // powersave policy: to 0
  kOndemandMax,     // ondemand: x > up_threshold, to the cap
  kOndemandProportional,  // ondemand: to f_min + x·(f_max − f_min)
  kSchedutil,             // schedutil: to 1.25 · f_max · util
  kConservativeUp,        // conservative: x > up_threshold, one step up
  kConservativeDown,      // conservative: x < down_threshold, one step down
  kDeadline,              // slack: the queue's deadlines need a higher P-state
  kLoadUp,                // slack: the window's load needs a higher P-state
  kLoadDown,              // slack: a lower P-state holds the load for less
};
// Short snake_case name for logs and labels: "surge", "rate_limited", ...
std::string_view DvfsReasonName(DvfsReason r);

struct DvfsInputs {
  double mean = 0;    // μ of the utilisation window, 0..1
  double stddev = 0;  // σ of the utilisation window (population)
  double latest = 0;  // x, the newest utilisation sample, 0..1
  int current = 0;    // P-state the device runs at now
  int cap = 0;        // highest P-state thermal allows
  int num_pstates = 1;
  // Frequency of each P-state, slowest first (num_pstates entries). Empty:
  // the frequency-based baselines assume evenly spaced ones,
  // f_p = (p + 1) / num_pstates of f_max.
  std::vector<uint64_t> freq_khz;
  // Time since this device's last P-state change; Duration::max() if never.
  Duration since_last_change = Duration::max();
  // μ when that change was made, and which way it went (kNone: no change yet,
  // or the last change was forced by thermal and says nothing about load).
  double mean_at_last_change = 0;
  StepDirection last_direction = StepDirection::kNone;
  // "slack" only. The lowest P-state at which the device's queued and
  // running jobs all meet their deadlines (EDF over its queue); -1 when
  // none has a deadline, num_pstates when even the top P-state misses one.
  int deadline_floor = -1;
  // Samples in the utilisation window (n above); 0 counts as 1.
  size_t window_samples = 1;
  // Power model, per P-state as freq_khz (empty: energy ties, so the lowest
  // P-state that holds the load and the deadlines wins).
  std::vector<double> dynamic_power_w;
  double static_power_w = 0;
  // What the device draws while idle: static power unless it idles in a
  // lower-power state.
  double idle_power_w = 0;
};

inline constexpr double kSlackEnergyTie = 0.005;
inline constexpr double kSlackMinLoad = 0.01;

struct DvfsDecision {
  int pstate = 0;  // next P-state; equal to current when holding
  DvfsReason reason = DvfsReason::kHold;
  // Which way `pstate` moves from current (kNone when holding).
  StepDirection direction = StepDirection::kNone;
};

// The lowest P-state whose frequency is at least `target_khz`, clamped to
// [0, cap] (the cap when none is fast enough). CPUFREQ_RELATION_L.
int PStateAtLeast(const DvfsInputs& in, double target_khz, int cap);
// The P-state whose frequency is nearest `target_khz` (the higher on a tie),
// clamped to [0, cap]. CPUFREQ_RELATION_C.
int PStateClosest(const DvfsInputs& in, double target_khz, int cap);

// Rate limit: a device changes P-state at most once per min_interval_ms.
//   since_last_change ≥ min_interval_ms
bool MinIntervalElapsed(Duration since_last_change, const GovernorTunables& t);

// Change filter: a step that reverses the previous change needs the smoothed
// load to have moved since it; a same-direction step (or the first) passes.
//   proposed ≠ reverse(last_direction) or |μ − μ_at_last_change| ≥
//   change_filter
bool PassesChangeFilter(StepDirection proposed, const DvfsInputs& in,
                        const GovernorTunables& t);

// The decision; see the formulas at the top of this file.
DvfsDecision NextPState(const DvfsInputs& in, const GovernorTunables& t);

}  // namespace joule

#endif  // JOULE_GOVERNOR_DVFS_H_
