#include "governor/power_cap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace joule {
namespace {

int TopOf(const PowerDevice& d) {
  const int n =
      static_cast<int>(std::min(d.freq_khz.size(), d.dynamic_power_w.size()));
  return std::clamp(d.thermal_cap, 0, std::max(0, n - 1));
}

double Freq(const PowerDevice& d, int p) {
  return static_cast<double>(d.freq_khz[p]);
}

// Marginal performance per watt of p → q (q > p); +inf when free.
double Marginal(const PowerDevice& d, int p, int q) {
  const double f_top = Freq(d, static_cast<int>(d.freq_khz.size()) - 1);
  const double perf = (Freq(d, q) - Freq(d, p)) / std::max(f_top, 1.0) *
                      std::max(d.utilization, kPowerMinLoad);
  const double watts = PredictedPowerW(d, q) - PredictedPowerW(d, p);
  if (watts <= 0) return std::numeric_limits<double>::infinity();
  return perf / watts;
}

// Sums of the same watts taken in another order differ in the last bits:
// a step "fits" within this much, so a budget of exactly what the devices
// ask for grants all of it.
constexpr double kFitW = 1e-9;

}  // namespace

PowerBudget NextPowerBudget(const PowerPidState& s, double total_w, double dt_s,
                            double min_w, double max_w,
                            const PowerTunables& t) {
  max_w = std::max(min_w, max_w);
  const double e = t.cap_w - total_w;
  const double dt = std::max(dt_s, 0.0);
  const double limit = t.integral_max_fraction * t.cap_w;
  auto clamp_integral = [&](double i) {
    if (t.ki_per_s <= 0) return 0.0;  // no I term: nothing to wind up
    const double bound = limit / t.ki_per_s;
    return std::clamp(i, -bound, bound);
  };
  const double d = s.primed && dt > 0 ? (e - s.last_error_w) / dt : 0;
  auto output = [&](double i) {
    return t.cap_w + t.kp * e + t.ki_per_s * i + t.kd_s * d;
  };
  double integral = clamp_integral(s.integral_w_s + e * dt);
  const double raw = output(integral);
  if ((raw > max_w && e > 0) || (raw < min_w && e < 0)) {
    integral = s.integral_w_s;  // saturated and pushing further out
  }
  PowerBudget b;
  b.budget_w = std::clamp(output(integral), min_w, max_w);
  b.next.integral_w_s = integral;
  b.next.last_error_w = e;
  b.next.primed = true;
  return b;
}

double PredictedPowerW(const PowerDevice& d, int p) {
  if (d.freq_khz.empty() || d.dynamic_power_w.empty()) return d.static_power_w;
  const int n =
      static_cast<int>(std::min(d.freq_khz.size(), d.dynamic_power_w.size()));
  p = std::clamp(p, 0, n - 1);
  const int cur = std::clamp(d.current, 0, n - 1);
  const double u = std::clamp(d.utilization, 0.0, 1.0);
  const double u_p =
      std::min(1.0, u * Freq(d, cur) / std::max(Freq(d, p), 1.0));
  return d.static_power_w + d.dynamic_power_w[p] * u_p;
}

int PStateCapForPower(const PowerDevice& d, double limit_w) {
  for (int p = TopOf(d); p > 0; --p) {
    if (PredictedPowerW(d, p) <= limit_w + kFitW) return p;
  }
  return 0;
}

PowerAllocation AllocatePower(const std::vector<PowerDevice>& devices,
                              double budget_w) {
  const size_t n = devices.size();
  std::vector<int> level(n, 0);
  double spent = 0;
  for (const PowerDevice& d : devices) spent += PredictedPowerW(d, 0);
  auto step_w = [&](size_t i) {
    return PredictedPowerW(devices[i], level[i] + 1) -
           PredictedPowerW(devices[i], level[i]);
  };
  // 1. Deadline floors, best marginal performance per watt first.
  std::vector<size_t> floored;
  for (size_t i = 0; i < n; ++i) {
    if (std::min(devices[i].deadline_floor, TopOf(devices[i])) > 0) {
      floored.push_back(i);
    }
  }
  auto floor_of = [&](size_t i) {
    return std::min(devices[i].deadline_floor, TopOf(devices[i]));
  };
  std::stable_sort(floored.begin(), floored.end(), [&](size_t a, size_t b) {
    return Marginal(devices[a], 0, floor_of(a)) >
           Marginal(devices[b], 0, floor_of(b));
  });
  for (size_t i : floored) {
    while (level[i] < floor_of(i) && spent + step_w(i) <= budget_w + kFitW) {
      spent += step_w(i);
      ++level[i];
    }
  }
  // 2. The rest, one step at a time, the best marginal step first.
  for (;;) {
    int best = -1;
    double best_m = -1;
    for (size_t i = 0; i < n; ++i) {
      if (level[i] >= TopOf(devices[i])) continue;
      if (spent + step_w(i) > budget_w + kFitW) continue;
      const double m = Marginal(devices[i], level[i], level[i] + 1);
      if (m > best_m) {
        best_m = m;
        best = static_cast<int>(i);
      }
    }
    if (best < 0) break;
    spent += step_w(best);
    ++level[best];
  }
  // 3. The remainder, in proportion to each device's unmet request.
  PowerAllocation a;
  a.limit_w.resize(n);
  a.pstate_cap.resize(n);
  std::vector<double> unmet(n);
  double total_unmet = 0;
  for (size_t i = 0; i < n; ++i) {
    unmet[i] = std::max(0.0, PredictedPowerW(devices[i], TopOf(devices[i])) -
                                 PredictedPowerW(devices[i], level[i]));
    total_unmet += unmet[i];
  }
  const double left = std::max(0.0, budget_w - spent);
  for (size_t i = 0; i < n; ++i) {
    const double share = total_unmet > 0 ? left * unmet[i] / total_unmet : 0;
    a.limit_w[i] = PredictedPowerW(devices[i], level[i]) + share;
    a.pstate_cap[i] =
        std::max(level[i], PStateCapForPower(devices[i], a.limit_w[i]));
  }
  return a;
}

}  // namespace joule
