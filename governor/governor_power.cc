// Governor: the power cap's round (governor/power_cap.h), run once per Tick
// before the per-device loop. It reads what the previous round sampled
// (each device's last reading, its window and thermal cap), so the caps it
// sets are in force for this round's DVFS decisions.
#include <algorithm>
#include <chrono>

#include "governor/governor.h"
#include "spdlog/spdlog.h"

namespace joule {

void Governor::AllocatePowerCap(TimePoint now, const PowerTunables& t,
                                const std::vector<int>& floors) {
  metrics_.power_cap_w.Set(t.cap_w);
  double total_w = 0;
  for (const Slot& s : slots_)
    total_w += s.device->state().last_reading.power_w;
  metrics_.power_total_w.Set(total_w);
  if (t.cap_w <= 0) {
    for (Slot& s : slots_) {
      s.power_cap = s.device->spec().max_pstate();
      s.metrics.power_budget_w.Set(0);
    }
    power_pid_ = PowerPidState{};
    power_at_.reset();
    return;
  }
  std::vector<PowerDevice> devices;
  devices.reserve(slots_.size());
  double min_w = 0, max_w = 0;
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    const DeviceSpec& spec = s.device->spec();
    PowerDevice d;
    for (const PState& p : spec.pstates) {
      d.freq_khz.push_back(p.freq_khz);
      d.dynamic_power_w.push_back(p.dynamic_power_w);
    }
    d.static_power_w = spec.static_power_w;
    d.current = s.device->state().pstate;
    d.thermal_cap = s.thermal.pstate_cap;
    d.utilization = std::max(s.window.Count() > 0 ? s.window.Mean() : 0,
                             s.device->state().last_reading.utilization);
    d.deadline_floor = i < floors.size() ? floors[i] : -1;
    min_w += PredictedPowerW(d, 0);
    max_w += PredictedPowerW(d, d.thermal_cap);
    devices.push_back(std::move(d));
  }
  const double dt_s =
      power_at_.has_value()
          ? std::chrono::duration<double>(now - *power_at_).count()
          : 0;
  power_at_ = now;
  const PowerBudget b =
      NextPowerBudget(power_pid_, total_w, dt_s, min_w, max_w, t);
  power_pid_ = b.next;
  const PowerAllocation a = AllocatePower(devices, b.budget_w);
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    s.power_cap = a.pstate_cap[i];
    s.metrics.power_budget_w.Set(a.limit_w[i]);
    spdlog::debug(
        "governor: power cap_w={:.3f} total_w={:.3f} budget_w={:.3f} "
        "device={} util={:.3f} floor={} thermal_cap={} -> limit_w={:.3f} "
        "cap={}",
        t.cap_w, total_w, b.budget_w, s.device->name(), devices[i].utilization,
        devices[i].deadline_floor, devices[i].thermal_cap, a.limit_w[i],
        a.pstate_cap[i]);
  }
}

}  // namespace joule
