#include "devices/simulated_power.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace joule {
namespace {

class SimulatedSensor final : public Sensor {
 public:
  explicit SimulatedSensor(std::shared_ptr<SimulatedPowerModel> model)
      : model_(std::move(model)) {}
  absl::StatusOr<SensorReading> Read() override { return model_->Read(); }
  std::string backend() const override { return "simulated"; }

 private:
  const std::shared_ptr<SimulatedPowerModel> model_;
};

class SimulatedActuator final : public Actuator {
 public:
  explicit SimulatedActuator(std::shared_ptr<SimulatedPowerModel> model)
      : model_(std::move(model)) {}
  absl::Status SetPState(int pstate) override {
    return model_->SetPState(pstate);
  }

 private:
  const std::shared_ptr<SimulatedPowerModel> model_;
};

}  // namespace

std::shared_ptr<SimulatedPowerModel> SimulatedPowerModel::Create(
    const DeviceSpec& spec, Clock* clock, const Executor* executor,
    std::shared_ptr<ThermalNetwork> network) {
  if (spec.pstates.empty() || clock == nullptr || executor == nullptr) {
    std::fprintf(stderr,
                 "SimulatedPowerModel for %s: needs P-states, a clock and an "
                 "executor\n",
                 spec.name.c_str());
    std::abort();
  }
  const int node = network ? network->NodeIndex(spec.name) : -1;
  if (network && node < 0) {
    std::fprintf(stderr,
                 "SimulatedPowerModel for %s: the thermal network has no "
                 "node of that name\n",
                 spec.name.c_str());
    std::abort();
  }
  // Not make_shared: the constructor is private so every model is owned by a
  // shared_ptr, which MakeSensor()/MakeActuator() rely on.
  std::shared_ptr<SimulatedPowerModel> model(
      new SimulatedPowerModel(spec, clock, executor, network, node));
  if (network) network->Attach(node, model.get());
  return model;
}

SimulatedPowerModel::SimulatedPowerModel(
    const DeviceSpec& spec, Clock* clock, const Executor* executor,
    std::shared_ptr<ThermalNetwork> network, int node)
    : spec_(spec),
      clock_(clock),
      executor_(executor),
      network_(std::move(network)),
      node_(node) {
  absl::MutexLock l(&mu_);
  pstate_ = spec_.max_pstate();
  temp_c_ = network_ ? network_->spec().ambient_c : spec_.ambient_c;
  integrated_at_ = read_at_ = clock_->Now();
  integrated_busy_ = read_busy_ = executor_->BusyTime();
  integrated_idle_ = executor_->IdleTime();
  last_reading_.utilization = 0;
  last_reading_.temp_mc = static_cast<int32_t>(std::lround(temp_c_ * 1000));
  last_reading_.power_w = spec_.static_power_w;
  last_reading_.energy_j = 0;
}

SimulatedPowerModel::~SimulatedPowerModel() {
  // Charges the last interval to the node, then stops heating it.
  if (network_) network_->Detach(node_);
}

std::unique_ptr<Sensor> SimulatedPowerModel::MakeSensor() {
  return std::make_unique<SimulatedSensor>(shared_from_this());
}

std::unique_ptr<Actuator> SimulatedPowerModel::MakeActuator() {
  return std::make_unique<SimulatedActuator>(shared_from_this());
}

double SimulatedPowerModel::IntegrateLocked(TimePoint now) {
  const Duration busy = executor_->BusyTime();
  if (now <= integrated_at_) return spec_.static_power_w;
  IdleResidency idle = executor_->IdleTime();
  const double dt_s = ToSeconds(now - integrated_at_);
  const double util =
      std::clamp(ToSeconds(busy - integrated_busy_) / dt_s, 0.0, 1.0);
  // Time in idle states draws P_s instead of static power.
  double asleep_s = 0, asleep_j = 0;
  const size_t n = std::min({idle.in_state.size(), spec_.idle_states.size(),
                             integrated_idle_.in_state.size()});
  for (size_t i = 0; i < n; ++i) {
    const double d = std::max(
        ToSeconds(idle.in_state[i] - integrated_idle_.in_state[i]), 0.0);
    asleep_s += d;
    asleep_j += spec_.idle_states[i].power_w * d;
  }
  const double transition_j = std::max(
      idle.transition_energy_j - integrated_idle_.transition_energy_j, 0.0);
  const double interval_j =
      spec_.static_power_w * std::max(dt_s - asleep_s, 0.0) + asleep_j +
      transition_j + spec_.pstates[pstate_].dynamic_power_w * util * dt_s;
  const double power_w = interval_j / dt_s;
  energy_j_ += interval_j;

  if (!network_) {
    const double t_ss_c =
        spec_.ambient_c + power_w * spec_.thermal_resistance_c_per_w;
    const double tau_s =
        spec_.thermal_resistance_c_per_w * spec_.thermal_capacitance_j_per_c;
    temp_c_ = tau_s > 0 ? t_ss_c + (temp_c_ - t_ss_c) * std::exp(-dt_s / tau_s)
                        : t_ss_c;
  }

  integrated_at_ = now;
  integrated_busy_ = busy;
  integrated_idle_ = std::move(idle);
  return power_w;
}

double SimulatedPowerModel::ChargeTo(TimePoint to) {
  absl::MutexLock l(&mu_);
  return IntegrateLocked(to);
}

SensorReading SimulatedPowerModel::ReadLocked(TimePoint now) {
  if (now <= read_at_) return last_reading_;  // no time has passed
  const double dt_s = ToSeconds(now - read_at_);
  SensorReading r;
  r.utilization =
      std::clamp(ToSeconds(integrated_busy_ - read_busy_) / dt_s, 0.0, 1.0);
  r.power_w = (energy_j_ - read_energy_j_) / dt_s;
  r.energy_j = energy_j_;
  r.temp_mc = static_cast<int32_t>(std::lround(temp_c_ * 1000));
  read_at_ = now;
  read_busy_ = integrated_busy_;
  read_energy_j_ = energy_j_;
  last_reading_ = r;
  return r;
}

absl::StatusOr<SensorReading> SimulatedPowerModel::Read() {
  if (!network_) {
    absl::MutexLock l(&mu_);
    const TimePoint now = clock_->Now();
    if (now <= read_at_) return last_reading_;
    IntegrateLocked(now);
    return ReadLocked(now);
  }
  // The network charges every node (this one too) to `now` first.
  SensorReading r;
  network_->Advance([&](TimePoint now, absl::Span<const double> temp_c) {
    absl::MutexLock l(&mu_);
    temp_c_ = temp_c[node_];
    r = ReadLocked(now);
  });
  return r;
}

absl::Status SimulatedPowerModel::SetPState(int pstate) {
  if (pstate < 0 || pstate > spec_.max_pstate()) {
    return absl::InvalidArgumentError(absl::StrCat(spec_.name, ": P-state ",
                                                   pstate, " out of range [0, ",
                                                   spec_.max_pstate(), "]"));
  }
  // Charge the time so far at the old P-state before switching.
  if (!network_) {
    absl::MutexLock l(&mu_);
    IntegrateLocked(clock_->Now());
    pstate_ = pstate;
    return absl::OkStatus();
  }
  network_->Advance([&](TimePoint, absl::Span<const double>) {
    absl::MutexLock l(&mu_);
    pstate_ = pstate;
  });
  return absl::OkStatus();
}

int SimulatedPowerModel::pstate() const {
  absl::MutexLock l(&mu_);
  return pstate_;
}

}  // namespace joule
