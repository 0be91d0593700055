#include "devices/device.h"

#include <utility>

namespace joule {

Device::Device(DeviceSpec spec, std::unique_ptr<Executor> executor,
               std::unique_ptr<Sensor> sensor,
               std::unique_ptr<Actuator> actuator, std::string executor_note)
    : spec_(std::move(spec)),
      executor_(std::move(executor)),
      sensor_(std::move(sensor)),
      actuator_(std::move(actuator)),
      executor_note_(std::move(executor_note)) {
  state_.pstate = spec_.max_pstate();
  state_.pstate_cap = spec_.max_pstate();
}

DeviceState Device::state() const {
  absl::MutexLock l(&mu_);
  return state_;
}

absl::Status Device::ApplyPState(int pstate) {
  absl::Status s = actuator_->SetPState(pstate);
  if (s.ok()) {
    absl::MutexLock l(&mu_);
    state_.pstate = pstate;
  }
  return s;
}

void Device::SetThermal(int pstate_cap, bool throttled, bool critical,
                        bool hot) {
  absl::MutexLock l(&mu_);
  state_.hot = hot;
  state_.pstate_cap = pstate_cap;
  state_.throttled = throttled;
  state_.critical = critical;
}

void Device::SetReading(const SensorReading& r) {
  absl::MutexLock l(&mu_);
  state_.last_reading = r;
}

}  // namespace joule
