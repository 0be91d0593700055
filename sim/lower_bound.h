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
// must miss or reject it, and it is left out of the sums. So per feasible
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
  double energy_j = 0;        // Σ E*
  double dynamic_j = 0;       // Σ E_dyn*
  double static_floor_j = 0;  // the floor above
  double duration_s = 0;

  double active_per_job_j() const { return feasible ? energy_j / feasible : 0; }
  double dynamic_per_job_j() const {
    return feasible ? dynamic_j / feasible : 0;
  }
  double total_per_job_j() const {
    return feasible ? (static_floor_j + dynamic_j) / feasible : 0;
  }
};

LowerBound ComputeLowerBound(const std::vector<Arrival>& arrivals,
                             const std::vector<ModelSpec>& models,
                             const std::vector<DeviceSpec>& devices,
                             Duration duration);

}  // namespace joule

#endif  // JOULE_SIM_LOWER_BOUND_H_
