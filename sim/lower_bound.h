// Offline lower bound on energy: what no online scheduler and governor can
// beat on a trace, for the report's comparison table. Each job is taken
// alone (no queueing, no other job in its way) on its minimum-energy
// device, P-state and precision among those that meet its deadline:
//
//   E*(j)      = min over allowed d, p, prec with t_exec(j,d,p,prec) ≤ D_j
//                of (P_static,d + P_dyn,d(p)) · t_exec      (the cost model's
//                E)
//   E_dyn*(j)  = min over the same set of P_dyn,d(p) · t_exec
//                (the energy a job adds when static power is paid anyway)
//   floor      = Σ_d P_static,d · duration    (devices are never off)
//                when no device has idle states; with them, static power
//                while this placement keeps a device busy plus the
//                cheapest idle state over each gap (sim/idle_bound.h)
//
// A job no setting can finish in time alone is infeasible: every scheduler
// must miss or reject it, and it is left out of the sums.
//
// Capacity. Taken alone, jobs that arrive together all get their cheapest
// (slowest) setting, as if each had the SoC to itself. A device runs one
// job at a time, so E_dyn* is tightened, still a bound, by each device's
// capacity: cut time into windows of length L; a job that arrives in a
// window and whose deadline ends in it must run in it, so on each device
// the busy time of such jobs is at most L. The least dynamic energy under
// those constraints, with each job free to split over its settings (a
// relaxation: no schedule does better), is bounded below by its Lagrangian
// dual, for any prices λ_d ≥ 0 per device-second:
//   g(λ) = Σ_j min_s (E_dyn(j, s) + λ_d(s) · t(j, s)) − L · Σ_d λ_d
// (weak duality; λ = 0 gives the capacity-blind sum). Each window's λ is
// searched by projected subgradient steps, capped at the highest dynamic
// power of any P-state (so a window no schedule can serve is charged at
// most that for the work it cannot fit), and the best g kept; jobs whose
// deadline ends after their window add their capacity-blind E_dyn*. Every
// L in kCapacityWindowsS gives a bound; the largest is kept. E* (active) is
// left capacity-blind. So per feasible
// job, E*/n bounds the runs' charged ("active") energy per job, E_dyn*/n
// their dynamic energy per job, and (floor + Σ E_dyn*) / n their total
// sensor energy per job.
//
// Pure functions; thread-safe.
#ifndef JOULE_SIM_LOWER_BOUND_H_
#define JOULE_SIM_LOWER_BOUND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/types.h"
#include "devices/device_spec.h"
#include "sim/models.h"
#include "sim/workload.h"

namespace joule {

struct JobBound {
  bool feasible = false;
  // The E* setting.
  std::string device;
  int pstate = 0;
  Precision precision = Precision::kFp32;
  double exec_s = 0;
  double energy_j = 0;   // E*
  double dynamic_j = 0;  // E_dyn* (possibly at another setting)
};

// One job of `model` with relative deadline `deadline_ms` (0 = none).
JobBound MinEnergyPlacement(const ModelSpec& model, uint32_t batch,
                            double deadline_ms,
                            const std::vector<DeviceSpec>& devices);

struct LowerBound {
  uint64_t jobs = 0;
  uint64_t feasible = 0;
  double energy_j = 0;                  // Σ E*
  double dynamic_j = 0;                 // Σ E_dyn*, with capacity (above)
  double capacity_blind_dynamic_j = 0;  // Σ E_dyn*, each job alone
  double capacity_window_s = 0;  // the L that gave dynamic_j; 0: none helped
  double static_floor_j = 0;     // the floor above
  double duration_s = 0;

  double active_per_job_j() const { return feasible ? energy_j / feasible : 0; }
  double dynamic_per_job_j() const {
    return feasible ? dynamic_j / feasible : 0;
  }
  double total_per_job_j() const {
    return feasible ? (static_floor_j + dynamic_j) / feasible : 0;
  }
};

// Window lengths L tried for the capacity bound.
inline constexpr double kCapacityWindowsS[] = {0.25, 0.5, 1.0, 2.0};

// Σ E_dyn* over `arrivals` with each device's capacity in windows of
// `window_s` (above).
double CapacityDynamicBound(const std::vector<Arrival>& arrivals,
                            const std::vector<ModelSpec>& models,
                            const std::vector<DeviceSpec>& devices,
                            double window_s);

LowerBound ComputeLowerBound(const std::vector<Arrival>& arrivals,
                             const std::vector<ModelSpec>& models,
                             const std::vector<DeviceSpec>& devices,
                             Duration duration);

}  // namespace joule

#endif  // JOULE_SIM_LOWER_BOUND_H_
