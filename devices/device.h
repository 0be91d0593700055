// Device: a spec, an executor, a sensor and an actuator, plus the runtime
// state the governor writes and the scheduler reads (P-state, thermal cap,
// throttled, critical).
//
// Thread-safe: state() and the setters may be called from any thread.
#ifndef JOULE_DEVICES_DEVICE_H_
#define JOULE_DEVICES_DEVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "devices/device_spec.h"
#include "devices/executor.h"
#include "devices/sensor.h"

namespace joule {

struct DeviceState {
  int pstate = 0;
  int pstate_cap = 0;      // highest P-state the thermal governor allows
  bool throttled = false;  // pstate_cap below the top P-state
  bool critical = false;   // above the critical trip: dispatch stopped
  // Near its passive trip: placement prefers cooler devices
  // (governor/thermal.h NextHot).
  bool hot = false;
  SensorReading last_reading;
};

class Device {
 public:
  // Starts at the highest P-state, uncapped.
  // `executor_note` says what runs jobs here, e.g. "onnxruntime 1.30.0,
  // provider cpu", or for a simulated device why it is simulated
  // ("simulated: ONNX Runtime did not load: ..."); ListDevices shows it.
  Device(DeviceSpec spec, std::unique_ptr<Executor> executor,
         std::unique_ptr<Sensor> sensor, std::unique_ptr<Actuator> actuator,
         std::string executor_note = "");

  const DeviceSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  Executor& executor() { return *executor_; }
  const Executor& executor_const() const { return *executor_; }
  Sensor& sensor() { return *sensor_; }
  bool simulated() const { return executor_->simulated(); }
  const std::string& executor_note() const { return executor_note_; }

  DeviceState state() const;
  // Applies `pstate` through the actuator; on failure the state keeps the
  // last P-state that was applied and the error is returned.
  absl::Status ApplyPState(int pstate);
  void SetThermal(int pstate_cap, bool throttled, bool critical,
                  bool hot = false);
  void SetReading(const SensorReading& r);
  // Forwarded to the executor, which owns the idle-state machine
  // (Executor::SetIdlePolicy, devices/idle.h).
  void SetIdlePolicy(const IdlePolicy& policy) {
    executor_->SetIdlePolicy(policy);
  }
  IdleResidency idle_residency() const { return executor_->IdleTime(); }
  int idle_state() const { return executor_->CurrentIdleState(); }

 private:
  const DeviceSpec spec_;
  const std::unique_ptr<Executor> executor_;
  const std::unique_ptr<Sensor> sensor_;
  const std::unique_ptr<Actuator> actuator_;
  const std::string executor_note_;
  mutable absl::Mutex mu_;
  DeviceState state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_DEVICES_DEVICE_H_
