// The offline lower bound's floor with idle states (sim/lower_bound.h uses
// it when any device's profile lists idle states; without any it keeps
// Σ_d P_static,d · duration, which this reduces to).
//
// What it assumes. The bound's own placement: each feasible job alone on
// its E* device and setting (MinEnergyPlacement), starting at its arrival
// and running its exec_s there, no queueing; jobs that overlap on one
// device simply overlap (their union is the busy time). Per device d, with
// B_d the union of its jobs' intervals clipped to [0, duration] and the
// gaps g the rest of [0, duration] (before the first job, between jobs,
// after the last):
//
//   floor       = Σ_d ( P_static,d · |B_d| + Σ_gaps IdleGapJ(d, g) )
//   IdleGapJ(g) = min( P_static · g,
//                      min over states s with g ≥ entry_s + exit_s of
//                        P_static · (entry_s + exit_s)
//                        + P_s · (g − entry_s − exit_s) + E_tr,s )
//
// i.e. a clairvoyant device that knows every gap, sleeps through it in the
// cheapest state whose transitions fit, and is awake again when the next job
// arrives (the transitions draw static power, as the simulated device's
// do). Static power is drawn while busy; the jobs' dynamic energy is the
// bound's Σ E_dyn*, apart.
//
// It is a bound for that placement, not for every schedule: a scheduler
// that gathers work into fewer, longer bursts (or onto fewer devices) makes
// longer gaps than arrival-time starts do and can draw less.
//
// Pure functions; thread-safe.
#ifndef JOULE_SIM_IDLE_BOUND_H_
#define JOULE_SIM_IDLE_BOUND_H_

#include <utility>
#include <vector>

#include "core/clock.h"
#include "devices/device_spec.h"
#include "sim/models.h"
#include "sim/workload.h"

namespace joule {

// The least energy device `d` draws over an idle gap of `gap_s` seconds.
double IdleGapJ(const DeviceSpec& d, double gap_s);

// Static power over the union of `busy` (start_s, end_s) intervals within
// [0, duration_s] plus IdleGapJ over the gaps between them.
double DeviceFloorJ(const DeviceSpec& d,
                    std::vector<std::pair<double, double>> busy,
                    double duration_s);

// Σ_d DeviceFloorJ over the bound's placement of `arrivals`.
double IdleAwareFloorJ(const std::vector<Arrival>& arrivals,
                       const std::vector<ModelSpec>& models,
                       const std::vector<DeviceSpec>& devices,
                       Duration duration);

}  // namespace joule

#endif  // JOULE_SIM_IDLE_BOUND_H_
