// Power cap: a global budget on the devices' total power, split over them as
// P-state caps, after Linux's power_allocator thermal governor (IPA). Each
// round the governor measures the total (the devices' sensors), runs a PID on
// the error to get the budget to hand out, and allocates it:
//
//   PID (NextPowerBudget), with e = cap − total (W), dt the round's length:
//     I'      = I + e·dt, with |ki·I'| ≤ integral_max_fraction · cap
//     budget  = cap + kp·e + ki·I' + kd·(e − e_prev)/dt
//     clamped to [min_w, max_w] (what the devices draw at P-state 0 and at
//     their thermal caps); anti-windup: while the budget sits on a clamp and
//     e pushes it further out, I is not integrated (conditional
//     integration), so a long light load does not leave a windup that lets
//     the next burst through.
//
//   Power model (PredictedPowerW), at P-state p with utilisation u measured
//   at the current P-state's frequency f_cur (the governor passes the larger
//   of the window's mean and the last period's, so a burst is priced as it
//   comes, not 5 s later):
//     P(p) = P_static + P_dyn(p) · u_p,   u_p = min(1, u · f_cur / f_p)
//   (the same work at p; it saturates at 1 when p cannot hold the load).
//
//   Allocation (AllocatePower): every device starts at P-state 0, then
//     1. deadline floors first: devices whose floor (DvfsInputs::
//        deadline_floor, clamped to the thermal cap) is above 0, in
//        decreasing marginal performance per watt of reaching it, are raised
//        toward it one step at a time while the step fits the budget;
//     2. the rest by marginal performance per watt: repeatedly the step
//        p → p+1 of the device with the highest
//          m = (f_{p+1} − f_p)/f_top · max(u, kPowerMinLoad) / (P(p+1) − P(p))
//        (a free step, P(p+1) ≤ P(p), first) among steps that fit the
//        remaining budget and stay at or below the thermal cap;
//     3. what is left is split over the devices in proportion to their
//        unmet request P(thermal cap) − P(level), so each device's power
//        limit is P(level) plus its share.
//   A device's power cap is the highest P-state ≤ its thermal cap whose P(p)
//   fits its limit (PStateCapForPower; 0 if none does: P-state 0 is the
//   floor); its effective cap is min(thermal cap, power cap).
//
// Thread-safe: pure functions.
#ifndef JOULE_GOVERNOR_POWER_CAP_H_
#define JOULE_GOVERNOR_POWER_CAP_H_

#include <cstdint>
#include <vector>

#include "core/policy.h"

namespace joule {

// The PID's memory between rounds.
struct PowerPidState {
  double integral_w_s = 0;  // ∫e dt
  double last_error_w = 0;
  bool primed = false;  // last_error_w holds a real error
};

struct PowerBudget {
  double budget_w = 0;
  PowerPidState next;
};

// One PID round; see the formula at the top. `dt_s` ≤ 0 integrates nothing.
PowerBudget NextPowerBudget(const PowerPidState& s, double total_w, double dt_s,
                            double min_w, double max_w, const PowerTunables& t);

// What the allocation reads of one device.
struct PowerDevice {
  std::vector<uint64_t> freq_khz;       // per P-state, slowest first
  std::vector<double> dynamic_power_w;  // per P-state
  double static_power_w = 0;
  int current = 0;          // P-state it runs at
  int thermal_cap = 0;      // highest P-state thermal allows
  double utilization = 0;   // at `current`, 0..1
  int deadline_floor = -1;  // -1: no deadline work
};

inline constexpr double kPowerMinLoad = 0.01;

// P(p) above.
double PredictedPowerW(const PowerDevice& d, int p);
// The highest P-state ≤ thermal_cap with P(p) ≤ limit_w; 0 if none.
int PStateCapForPower(const PowerDevice& d, double limit_w);

struct PowerAllocation {
  std::vector<double> limit_w;  // per device
  std::vector<int> pstate_cap;  // per device, ≤ its thermal cap
};
PowerAllocation AllocatePower(const std::vector<PowerDevice>& devices,
                              double budget_w);

}  // namespace joule

#endif  // JOULE_GOVERNOR_POWER_CAP_H_
