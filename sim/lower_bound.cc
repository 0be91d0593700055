#include "sim/lower_bound.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "scheduler/cost_model.h"
#include "sim/idle_bound.h"

namespace joule {

JobBound MinEnergyPlacement(const ModelSpec& model, uint32_t batch,
                            double deadline_ms,
                            const std::vector<DeviceSpec>& devices) {
  JobBound b;
  const double deadline_s = deadline_ms > 0 ? deadline_ms / 1e3 : -1;
  for (const DeviceSpec& d : devices) {
    if (!model.allowed_kinds.empty() &&
        std::find(model.allowed_kinds.begin(), model.allowed_kinds.end(),
                  d.kind) == model.allowed_kinds.end()) {
      continue;
    }
    for (int p = 0; p <= d.max_pstate(); ++p) {
      for (Precision prec : kAllPrecisions) {
        const std::optional<Estimate> e =
            EstimateAt(model.cost, std::max<uint32_t>(1, batch), d, p, prec);
        if (!e || (deadline_s >= 0 && e->exec_s > deadline_s)) continue;
        const double dynamic = d.pstates[p].dynamic_power_w * e->exec_s;
        if (!b.feasible || e->energy_j < b.energy_j) {
          b.device = d.name;
          b.pstate = p;
          b.precision = prec;
          b.exec_s = e->exec_s;
          b.energy_j = e->energy_j;
        }
        if (!b.feasible || dynamic < b.dynamic_j) b.dynamic_j = dynamic;
        b.feasible = true;
      }
    }
  }
  return b;
}

LowerBound ComputeLowerBound(const std::vector<Arrival>& arrivals,
                             const std::vector<ModelSpec>& models,
                             const std::vector<DeviceSpec>& devices,
                             Duration duration) {
  LowerBound lb;
  lb.duration_s = ToSeconds(duration);
  for (const DeviceSpec& d : devices) {
    lb.static_floor_j += d.static_power_w * lb.duration_s;
  }
  // Every job of one (model, batch, deadline) has the same bound.
  std::map<std::tuple<int, uint32_t, double>, JobBound> memo;
  for (const Arrival& a : arrivals) {
    ++lb.jobs;
    const auto key = std::make_tuple(a.model, a.batch, a.deadline_ms);
    auto it = memo.find(key);
    if (it == memo.end()) {
      it = memo.emplace(key, MinEnergyPlacement(models[a.model], a.batch,
                                                a.deadline_ms, devices))
               .first;
    }
    if (!it->second.feasible) continue;
    ++lb.feasible;
    lb.energy_j += it->second.energy_j;
    lb.dynamic_j += it->second.dynamic_j;
  }
  // Idle states lower the floor (sim/idle_bound.h).
  if (std::any_of(devices.begin(), devices.end(),
                  [](const DeviceSpec& d) { return !d.idle_states.empty(); })) {
    lb.static_floor_j = IdleAwareFloorJ(arrivals, models, devices, duration);
  }
  return lb;
}

}  // namespace joule
