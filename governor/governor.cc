#include "governor/governor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "spdlog/spdlog.h"

namespace joule {
namespace {

bool StateChanged(const DeviceState& a, const DeviceState& b) {
  return a.pstate != b.pstate || a.pstate_cap != b.pstate_cap ||
         a.throttled != b.throttled || a.critical != b.critical ||
         a.hot != b.hot;
}

Duration Millis(uint32_t ms) { return std::chrono::milliseconds(ms); }

}  // namespace

Governor::Governor(Clock* clock, std::vector<Device*> devices,
                   GovernorTunables governor, ThermalTunables thermal,
                   Registry* registry, Listener listener)
    : clock_(clock),
      listener_(std::move(listener)),
      own_registry_(registry ? nullptr : std::make_unique<Registry>()),
      metrics_(registry ? *registry : *own_registry_),
      tunables_{std::move(governor), thermal, PowerTunables{}},
      loop_(std::make_shared<Loop>()) {
  const Duration window = Millis(tunables_.governor.window_ms);
  slots_.reserve(devices.size());
  for (Device* d : devices) {
    slots_.emplace_back(d, metrics_.ForDevice(d->name()), window);
    RecordState(slots_.back(), d->state());
  }
}

Governor::~Governor() { Stop(); }

Governor::Tunables Governor::tunables() const {
  absl::MutexLock l(&tunables_mu_);
  return tunables_;
}

void Governor::SetTunables(GovernorTunables governor, ThermalTunables thermal) {
  absl::MutexLock l(&tunables_mu_);
  tunables_.governor = std::move(governor);
  tunables_.thermal = thermal;
}

void Governor::SetPowerTunables(PowerTunables power) {
  absl::MutexLock l(&tunables_mu_);
  tunables_.power = power;
}

void Governor::SetDeadlineFloors(DeadlineFloors floors) {
  absl::MutexLock l(&tunables_mu_);
  deadline_floors_ = std::move(floors);
}

void Governor::Tick() {
  const Tunables t = tunables();
  DeadlineFloors source;
  {
    absl::MutexLock l(&tunables_mu_);
    source = deadline_floors_;
  }
  std::vector<int> floors;
  // Slack's DVFS reads the floors; so does the power cap, under any policy.
  const bool slack = t.governor.policy == GovernorPolicy::kSlack;
  if (source && (slack || t.power.cap_w > 0)) floors = source();
  const TimePoint now = clock_->Now();
  std::vector<Device*> changed;
  {
    absl::MutexLock l(&tick_mu_);
    AllocatePowerCap(now, t.power, floors);
    for (size_t i = 0; i < slots_.size(); ++i) {
      const int floor = slack && i < floors.size() ? floors[i] : -1;
      if (TickDevice(slots_[i], now, t, floor)) {
        changed.push_back(slots_[i].device);
      }
    }
  }
  if (listener_) {
    for (Device* d : changed) listener_(*d);
  }
  metrics_.ticks.Inc();
  {
    absl::MutexLock l(&loop_->mu);
    ++loop_->ticks;
  }
  loop_->cv.SignalAll();
}

bool Governor::TickDevice(Slot& s, TimePoint now, const Tunables& t,
                          int deadline_floor) {
  const std::optional<SensorReading> r = Sample(s);
  if (!r.has_value()) return false;  // keeps its state this round
  s.device->SetReading(*r);
  RecordReading(s, *r);
  s.window.set_window(Millis(t.governor.window_ms));
  s.window.Add(now, r->utilization);

  const DeviceState before = s.device->state();
  const DeviceSpec& spec = s.device->spec();
  s.thermal = NextThermalState(s.thermal, r->temp_mc, spec.trip_passive_mc,
                               spec.trip_critical_mc, spec.max_pstate(), now,
                               t.thermal);
  s.thermal =
      NextHot(s.thermal, r->temp_mc, spec.trip_passive_mc, now, t.thermal);
  s.device->SetThermal(CapOf(s), s.thermal.throttled, s.thermal.critical,
                       s.thermal.hot);

  const DvfsInputs in = Inputs(s, *r, before.pstate, now, deadline_floor);
  const DvfsDecision d = NextPState(in, t.governor);
  spdlog::debug(
      "governor: device={} util={:.3f} mean={:.3f} stddev={:.3f} "
      "temp_mc={} pstate={} cap={} critical={} policy={} -> pstate={} "
      "reason={}",
      s.device->name(), in.latest, in.mean, in.stddev, r->temp_mc, in.current,
      in.cap, s.thermal.critical, GovernorPolicyName(t.governor.policy),
      d.pstate, DvfsReasonName(d.reason));
  metrics_.decisions
      .WithLabels({s.device->name(), std::string(DvfsReasonName(d.reason))})
      .Inc();
  s.metrics.deadline_floor.Set(deadline_floor);
  Apply(s, d, in.mean, now);
  TickIdle(s, t.governor, r->utilization, now);

  const DeviceState after = s.device->state();
  RecordState(s, after);
  return StateChanged(before, after);
}

std::optional<SensorReading> Governor::Sample(Slot& s) {
  absl::StatusOr<SensorReading> r = s.device->sensor().Read();
  if (r.ok() && !std::isfinite(r->utilization)) {
    r = absl::DataLossError("utilization is not a finite number");
  }
  if (!r.ok()) {
    s.metrics.sensor_errors.Inc();
    if (!s.sensor_failing) {
      spdlog::warn("governor: device={} sensor read failed, keeping state: {}",
                   s.device->name(), r.status().ToString());
      s.sensor_failing = true;
    }
    return std::nullopt;
  }
  if (s.sensor_failing) {
    spdlog::info("governor: device={} sensor recovered", s.device->name());
    s.sensor_failing = false;
  }
  SensorReading reading = *r;
  reading.utilization = std::clamp(reading.utilization, 0.0, 1.0);
  return reading;
}

DvfsInputs Governor::Inputs(const Slot& s, const SensorReading& r, int current,
                            TimePoint now, int deadline_floor) const {
  DvfsInputs in;
  in.mean = s.window.Mean();
  in.stddev = s.window.Stddev();
  in.latest = r.utilization;
  in.current = current;
  in.cap = CapOf(s);
  in.num_pstates = static_cast<int>(s.device->spec().pstates.size());
  const DeviceSpec& spec = s.device->spec();
  in.freq_khz.reserve(spec.pstates.size());
  in.dynamic_power_w.reserve(spec.pstates.size());
  for (const PState& p : spec.pstates) {
    in.freq_khz.push_back(p.freq_khz);
    in.dynamic_power_w.push_back(p.dynamic_power_w);
  }
  in.static_power_w = spec.static_power_w;
  in.idle_power_w = s.idle_power_w >= 0 ? s.idle_power_w : spec.static_power_w;
  in.deadline_floor = deadline_floor;
  in.window_samples = s.window.Count();
  if (s.last_change.has_value()) in.since_last_change = now - *s.last_change;
  in.mean_at_last_change = s.mean_at_last_change;
  in.last_direction = s.last_direction;
  return in;
}

void Governor::Apply(Slot& s, const DvfsDecision& d, double mean,
                     TimePoint now) {
  if (d.direction == StepDirection::kNone) return;
  const absl::Status st = s.device->ApplyPState(d.pstate);
  if (!st.ok()) {
    s.metrics.actuator_errors.Inc();
    if (!s.actuator_failing) {
      spdlog::warn(
          "governor: device={} P-state {} refused, keeping P-state {}: {}",
          s.device->name(), d.pstate, s.device->state().pstate, st.ToString());
      s.actuator_failing = true;
    }
    return;
  }
  if (s.actuator_failing) {
    spdlog::info("governor: device={} actuator recovered", s.device->name());
    s.actuator_failing = false;
  }
  s.last_change = now;
  s.mean_at_last_change = mean;
  // A step forced by the thermal cap or by deadlines says nothing about
  // load: it must not make the way back look like a reversal.
  const bool forced =
      d.reason == DvfsReason::kThermalCap || d.reason == DvfsReason::kDeadline;
  s.last_direction = forced ? StepDirection::kNone : d.direction;
  (d.direction == StepDirection::kUp ? s.metrics.transitions_up
                                     : s.metrics.transitions_down)
      .Inc();
}

void Governor::RecordReading(Slot& s, const SensorReading& r) {
  s.metrics.temperature_c.Set(r.temp_mc / 1000.0);
  s.metrics.power_w.Set(r.power_w);
  s.metrics.utilization.Set(r.utilization);
  // The reading is cumulative; a smaller value means the sensor restarted
  // from zero, so all of it is new energy.
  const double delta =
      r.energy_j >= s.last_energy_j ? r.energy_j - s.last_energy_j : r.energy_j;
  if (delta > 0) s.metrics.energy_j.Inc(delta);
  s.last_energy_j = r.energy_j;
}

void Governor::RecordState(Slot& s, const DeviceState& st) {
  const std::vector<PState>& pstates = s.device->spec().pstates;
  const int p = std::clamp(st.pstate, 0, static_cast<int>(pstates.size()) - 1);
  s.metrics.pstate.Set(st.pstate);
  s.metrics.frequency_hz.Set(static_cast<double>(pstates[p].freq_khz) * 1000.0);
  s.metrics.throttled.Set(st.throttled ? 1 : 0);
  s.metrics.critical.Set(st.critical ? 1 : 0);
  s.metrics.hot.Set(st.hot ? 1 : 0);
}

// --- The loop ------------------------------------------------------------

void Governor::Start() {
  absl::MutexLock l(&run_mu_);
  if (thread_.joinable()) return;
  {
    absl::MutexLock ll(&loop_->mu);
    loop_->stop = false;
    loop_->due = false;
    loop_->next_tick = clock_->Now();
  }
  ArmNextTick();  // before the thread runs: a test may advance at once
  thread_ = std::thread([this] { LoopMain(); });
}

void Governor::LoopMain() {
  for (;;) {
    {
      absl::MutexLock l(&loop_->mu);
      while (!loop_->due && !loop_->stop) loop_->cv.Wait(&loop_->mu);
      if (loop_->stop) return;
      loop_->due = false;
    }
    // Arm first: once WaitForTicks(n) returns, tick n+1 is already waiting
    // on the clock.
    ArmNextTick();
    Tick();
  }
}

void Governor::ArmNextTick() {
  const Duration period =
      Millis(std::max<uint32_t>(1, tunables().governor.period_ms));
  const TimePoint now = clock_->Now();
  TimePoint when;
  {
    absl::MutexLock l(&loop_->mu);
    loop_->next_tick += period;
    if (loop_->next_tick <= now) loop_->next_tick = now + period;  // skip
    when = loop_->next_tick;
  }
  std::shared_ptr<Loop> loop = loop_;
  const TimerId id = clock_->RunAt(when, [loop] {
    {
      absl::MutexLock l(&loop->mu);
      loop->due = true;
    }
    loop->cv.SignalAll();
  });
  absl::MutexLock l(&loop_->mu);
  loop_->timer = id;
}

void Governor::Stop() {
  absl::MutexLock l(&run_mu_);
  {
    absl::MutexLock ll(&loop_->mu);
    loop_->stop = true;
  }
  loop_->cv.SignalAll();
  if (thread_.joinable()) thread_.join();
  TimerId timer;
  {
    absl::MutexLock ll(&loop_->mu);
    timer = loop_->timer;
    loop_->timer = 0;
  }
  if (timer != 0) clock_->Cancel(timer);
}

uint64_t Governor::WaitForTicks(uint64_t n) {
  absl::MutexLock l(&loop_->mu);
  while (loop_->ticks < n) loop_->cv.Wait(&loop_->mu);
  return loop_->ticks;
}

uint64_t Governor::ticks() const {
  absl::MutexLock l(&loop_->mu);
  return loop_->ticks;
}

}  // namespace joule
