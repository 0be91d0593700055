#include "scheduler/cost_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace joule {

std::optional<double> OpsAt(const JobCost& cost, const DeviceSpec& spec,
                            Precision p) {
  if (!spec.Supports(p)) return std::nullopt;
  if (cost.Supports(p)) return cost.ops(p);
  if (cost.model_precision && spec.ConvertsModelsTo(p)) {
    return cost.ops(*cost.model_precision);
  }
  return std::nullopt;
}

std::optional<Estimate> EstimateAt(const JobCost& cost, uint32_t batch,
                                   const DeviceSpec& spec, int pstate,
                                   Precision precision) {
  if (pstate < 0 || pstate > spec.max_pstate() || batch < 1) {
    // A broken caller invariant: the scheduler validates both first.
    std::fprintf(stderr, "EstimateAt(%s): P-state %d of %d, batch %u\n",
                 spec.name.c_str(), pstate, spec.max_pstate() + 1, batch);
    std::abort();
  }
  const std::optional<double> ops = OpsAt(cost, spec, precision);
  if (!ops) return std::nullopt;
  const double scale = PrecisionByteScale(precision);

  Estimate e;
  e.precision = precision;
  e.pstate = pstate;
  e.ops = *ops * batch;

  // Weights are read once per batch, and not at all from DRAM when they fit
  // the device's SRAM.
  double weight_bytes = cost.weight_bytes * scale;
  if (spec.sram_bytes > 0 && weight_bytes <= spec.sram_bytes) weight_bytes = 0;
  e.bytes = weight_bytes + cost.activation_bytes * scale * batch;

  // f_p / f_max: compute scales with clock, memory bandwidth does not.
  const double freq_ratio = static_cast<double>(spec.pstates[pstate].freq_khz) /
                            static_cast<double>(spec.pstates.back().freq_khz);
  e.compute_s =
      e.ops / (spec.peak_ops(precision) * freq_ratio * spec.compute_efficiency);
  e.memory_s =
      e.bytes > 0 ? e.bytes / (spec.mem_bw_bytes_per_s * spec.mem_bw_efficiency)
                  : 0;
  // Inputs and outputs cross the link as sent (not scaled by precision).
  e.transfer_s = spec.link_bw_bytes_per_s > 0
                     ? (cost.input_bytes + cost.output_bytes) * batch /
                           spec.link_bw_bytes_per_s
                     : 0;
  e.exec_s = std::max(e.compute_s, e.memory_s) + spec.dispatch_overhead_s +
             e.transfer_s;
  e.memory_bound = e.memory_s > e.compute_s;
  // util = 1 while the job runs.
  e.energy_j =
      (spec.static_power_w + spec.pstates[pstate].dynamic_power_w) * e.exec_s;
  return e;
}

std::optional<Estimate> EstimateJob(const JobCost& cost, uint32_t batch,
                                    const DeviceSpec& spec, int pstate) {
  std::optional<Estimate> best;
  for (Precision p : kAllPrecisions) {
    std::optional<Estimate> e = EstimateAt(cost, batch, spec, pstate, p);
    if (!e) continue;
    if (!best || e->exec_s < best->exec_s ||
        (e->exec_s == best->exec_s && e->energy_j < best->energy_j)) {
      best = e;
    }
  }
  return best;
}

}  // namespace joule
