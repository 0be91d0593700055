#include "sim/idle_bound.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/lower_bound.h"

namespace joule {

double IdleGapJ(const DeviceSpec& d, double gap_s) {
  if (gap_s <= 0) return 0;
  double best = d.static_power_w * gap_s;
  for (const IdleState& s : d.idle_states) {
    const double transitions_s = (s.entry_latency_us + s.exit_latency_us) / 1e6;
    if (gap_s < transitions_s) continue;
    best = std::min(best, d.static_power_w * transitions_s +
                              s.power_w * (gap_s - transitions_s) +
                              s.transition_energy_j);
  }
  return best;
}

double DeviceFloorJ(const DeviceSpec& d,
                    std::vector<std::pair<double, double>> busy,
                    double duration_s) {
  std::sort(busy.begin(), busy.end());
  double energy = 0, t = 0;  // t: end of the busy time so far
  for (auto [start, end] : busy) {
    start = std::clamp(start, 0.0, duration_s);
    end = std::clamp(end, 0.0, duration_s);
    if (end <= t) continue;  // inside earlier busy time
    if (start > t) {
      energy += IdleGapJ(d, start - t);
      t = start;
    }
    energy += d.static_power_w * (end - t);
    t = end;
  }
  return energy + IdleGapJ(d, duration_s - t);
}

double IdleAwareFloorJ(const std::vector<Arrival>& arrivals,
                       const std::vector<ModelSpec>& models,
                       const std::vector<DeviceSpec>& devices,
                       Duration duration) {
  std::vector<std::vector<std::pair<double, double>>> busy(devices.size());
  std::map<std::tuple<int, uint32_t, double>, JobBound> memo;
  for (const Arrival& a : arrivals) {
    const auto key = std::make_tuple(a.model, a.batch, a.deadline_ms);
    auto it = memo.find(key);
    if (it == memo.end()) {
      it = memo.emplace(key, MinEnergyPlacement(models[a.model], a.batch,
                                                a.deadline_ms, devices))
               .first;
    }
    const JobBound& b = it->second;
    if (!b.feasible) continue;
    for (size_t i = 0; i < devices.size(); ++i) {
      if (devices[i].name != b.device) continue;
      const double start = ToSeconds(a.time);
      busy[i].emplace_back(start, start + b.exec_s);
    }
  }
  double floor = 0;
  for (size_t i = 0; i < devices.size(); ++i) {
    floor += DeviceFloorJ(devices[i], std::move(busy[i]), ToSeconds(duration));
  }
  return floor;
}

}  // namespace joule
