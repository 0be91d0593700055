// Cost model: the roofline time and energy of a job on a device at a P-state
// (docs/ARCHITECTURE.md, "Cost model"). Pure functions, no state, no I/O.
//
//   ops        = ops(prec) · batch
//   bytes      = weights·scale(prec) (0 when they fit the device's SRAM)
//              + activations·scale(prec)·batch
//   t_compute  = ops / (peak_ops[prec] · f_p/f_max · compute_efficiency)
//   t_memory   = bytes / (mem_bw · mem_bw_efficiency)
//   t_transfer = (input + output)·batch / link_bw   (0 for shared memory)
//   t_exec     = max(t_compute, t_memory) + dispatch_overhead + t_transfer
//   E          = (P_static + P_dyn(p) · util) · t_exec, util = 1 while busy
//
// Precisions: a job runs on a device at a precision both support. A cost the
// client gave offers the precisions it lists; a model's cost offers the
// model's own precision, and on a device whose profile converts models
// (DeviceSpec::converts_models_to) also those, with the model's ops
// (OpsAt below). Of the precisions a job can run at, the fastest wins.
//
// Thread-safe (pure).
#ifndef JOULE_SCHEDULER_COST_MODEL_H_
#define JOULE_SCHEDULER_COST_MODEL_H_

#include <cstdint>
#include <optional>

#include "core/types.h"
#include "devices/device_spec.h"

namespace joule {

struct Estimate {
  Precision precision = Precision::kFp32;
  int pstate = 0;
  double ops = 0;
  double bytes = 0;
  double compute_s = 0;
  double memory_s = 0;
  double transfer_s = 0;
  double exec_s = 0;
  bool memory_bound = false;  // memory_s > compute_s
  double energy_j = 0;
};

// The ops per batch item of `cost` at precision `p` on `spec`; nullopt when
// the job cannot run there at p (see "Precisions" above).
std::optional<double> OpsAt(const JobCost& cost, const DeviceSpec& spec,
                            Precision p);

// The estimate at one precision; nullopt if the job cannot run at it on the
// device (OpsAt). REQUIRES: 0 <= pstate <= spec.max_pstate(), batch >= 1.
std::optional<Estimate> EstimateAt(const JobCost& cost, uint32_t batch,
                                   const DeviceSpec& spec, int pstate,
                                   Precision precision);

// The fastest estimate over the precisions both support (ties: less energy);
// nullopt if they share none.
std::optional<Estimate> EstimateJob(const JobCost& cost, uint32_t batch,
                                    const DeviceSpec& spec, int pstate);

// `est` corrected by a calibration factor (scheduler/calibration.h):
//   exec_s' = factor · exec_s,  energy_j' = factor · energy_j
// (E = P·t at the same power). The components (compute_s, memory_s) stay
// analytic: they explain the prediction, the factor corrects its total.
inline void ApplyCalibration(double factor, Estimate* est) {
  est->exec_s *= factor;
  est->energy_j *= factor;
}

}  // namespace joule

#endif  // JOULE_SCHEDULER_COST_MODEL_H_
