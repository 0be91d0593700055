// DVFS decision: which P-state a device should run at next, as one pure
// function of the load statistics, the device's P-state bookkeeping and the
// governor tunables. No I/O, no clock reads: a table of cases tests it
// (governor/dvfs_test.cc).
//
// Policies (GovernorTunables::policy):
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
//   Every policy first enforces the thermal cap:
//       current > cap → next = cap at once ("thermal_cap"), ignoring the rate
//       limit and the change filter: thermal wins.
//   Any other policy name is treated as "adaptive" (the policy loader rejects
//   unknown names; IsKnownDvfsPolicy tells it which are known).
//
// Thread-safe: pure functions.
#ifndef JOULE_GOVERNOR_DVFS_H_
#define JOULE_GOVERNOR_DVFS_H_

#include <string_view>

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
  // Time since this device's last P-state change; Duration::max() if never.
  Duration since_last_change = Duration::max();
  // μ when that change was made, and which way it went (kNone: no change yet,
  // or the last change was forced by thermal and says nothing about load).
  double mean_at_last_change = 0;
  StepDirection last_direction = StepDirection::kNone;
};

struct DvfsDecision {
  int pstate = 0;  // next P-state; equal to current when holding
  DvfsReason reason = DvfsReason::kHold;
  // Which way `pstate` moves from current (kNone when holding).
  StepDirection direction = StepDirection::kNone;
};

// True for "adaptive", "performance" and "powersave".
bool IsKnownDvfsPolicy(std::string_view policy);

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
