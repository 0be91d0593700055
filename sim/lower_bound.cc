#include "sim/lower_bound.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

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

namespace {

// One setting a job of some kind may run at: device, run time, dynamic J.
struct Setting {
  size_t device = 0;
  double exec_s = 0;
  double dynamic_j = 0;
};

// Every (device, P-state, precision) at which one job meets its deadline
// alone; on each device only the settings no other one beats on both time
// and energy.
std::vector<Setting> Settings(const ModelSpec& model, uint32_t batch,
                              double deadline_ms,
                              const std::vector<DeviceSpec>& devices) {
  const double deadline_s = deadline_ms > 0 ? deadline_ms / 1e3 : -1;
  std::vector<Setting> all;
  for (size_t i = 0; i < devices.size(); ++i) {
    const DeviceSpec& d = devices[i];
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
        all.push_back({i, e->exec_s, d.pstates[p].dynamic_power_w * e->exec_s});
      }
    }
  }
  std::vector<Setting> front;
  for (const Setting& a : all) {
    bool dominated = false;
    for (const Setting& b : all) {
      if (b.device == a.device && b.exec_s <= a.exec_s &&
          b.dynamic_j <= a.dynamic_j &&
          (b.exec_s < a.exec_s || b.dynamic_j < a.dynamic_j)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push_back(a);
  }
  return front;
}

// The Lagrangian dual of one window's capacity problem (lower_bound.h):
//   g(λ) = Σ_kinds n_k · min_s (E_s + λ_d(s) · t_s) − L · Σ_d λ_d
// maximised over 0 ≤ λ_d ≤ λ_max by projected subgradient steps; returns
// the best g seen (g(0), the capacity-blind sum, is the first).
double WindowDual(
    const std::vector<std::pair<const std::vector<Setting>*, uint64_t>>& kinds,
    size_t num_devices, double window_s, double lambda_max) {
  std::vector<double> lambda(num_devices, 0.0);
  std::vector<double> busy(num_devices, 0.0);
  double best = 0;
  constexpr int kSteps = 60;
  for (int step = 0; step < kSteps; ++step) {
    std::fill(busy.begin(), busy.end(), 0.0);
    double g = 0;
    for (const auto& [settings, n] : kinds) {
      const Setting* arg = nullptr;
      double m = 0;
      for (const Setting& st : *settings) {
        const double v = st.dynamic_j + lambda[st.device] * st.exec_s;
        if (arg == nullptr || v < m) {
          m = v;
          arg = &st;
        }
      }
      g += static_cast<double>(n) * m;
      busy[arg->device] += static_cast<double>(n) * arg->exec_s;
    }
    bool over = false;
    for (size_t d = 0; d < num_devices; ++d) {
      g -= window_s * lambda[d];
      over = over || busy[d] > window_s;
    }
    if (step == 0 || g > best) best = g;
    if (step == 0 && !over) break;  // capacity does not bind
    // Step: a fraction of lambda_max per unit of relative overload,
    // shrinking as 1/sqrt(step).
    const double eta = lambda_max / std::sqrt(step + 1.0);
    for (size_t d = 0; d < num_devices; ++d) {
      lambda[d] = std::clamp(lambda[d] + eta * (busy[d] - window_s) / window_s,
                             0.0, lambda_max);
    }
  }
  return best;
}

}  // namespace

double CapacityDynamicBound(const std::vector<Arrival>& arrivals,
                            const std::vector<ModelSpec>& models,
                            const std::vector<DeviceSpec>& devices,
                            double window_s) {
  std::map<std::tuple<int, uint32_t, double>, std::vector<Setting>> settings;
  auto settings_of = [&](const Arrival& a) -> const std::vector<Setting>& {
    const auto key = std::make_tuple(a.model, a.batch, a.deadline_ms);
    auto it = settings.find(key);
    if (it == settings.end()) {
      it = settings
               .emplace(key, Settings(models[a.model], a.batch, a.deadline_ms,
                                      devices))
               .first;
    }
    return it->second;
  };
  double lambda_max = 0;
  for (const DeviceSpec& d : devices) {
    for (const PState& p : d.pstates) {
      lambda_max = std::max(lambda_max, p.dynamic_power_w);
    }
  }
  double total = 0;
  // Jobs of the current window, by kind.
  std::map<const std::vector<Setting>*, uint64_t> inside;
  int64_t window = -1;
  auto close = [&] {
    std::vector<std::pair<const std::vector<Setting>*, uint64_t>> kinds(
        inside.begin(), inside.end());
    if (!kinds.empty()) {
      total += WindowDual(kinds, devices.size(), window_s, lambda_max);
    }
    inside.clear();
  };
  for (const Arrival& a : arrivals) {
    const std::vector<Setting>& st = settings_of(a);
    if (st.empty()) continue;  // infeasible alone: left out
    const double t = ToSeconds(a.time);
    const int64_t w = static_cast<int64_t>(std::floor(t / window_s));
    if (w != window) {
      close();
      window = w;
    }
    const double end = static_cast<double>(w + 1) * window_s;
    if (a.deadline_ms > 0 && t + a.deadline_ms / 1e3 <= end) {
      ++inside[&st];
    } else {
      double m = st.front().dynamic_j;
      for (const Setting& s : st) m = std::min(m, s.dynamic_j);
      total += m;
    }
  }
  close();
  return total;
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
  lb.capacity_blind_dynamic_j = lb.dynamic_j;
  for (double window_s : kCapacityWindowsS) {
    const double d = CapacityDynamicBound(arrivals, models, devices, window_s);
    if (d > lb.dynamic_j) {
      lb.dynamic_j = d;
      lb.capacity_window_s = window_s;
    }
  }
  // Idle states lower the floor (sim/idle_bound.h).
  if (std::any_of(devices.begin(), devices.end(),
                  [](const DeviceSpec& d) { return !d.idle_states.empty(); })) {
    lb.static_floor_j = IdleAwareFloorJ(arrivals, models, devices, duration);
  }
  return lb;
}

}  // namespace joule
