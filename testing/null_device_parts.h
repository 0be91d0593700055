// NullSensor and NullActuator: the Sensor and Actuator of a test Device
// whose executor is what the test is about (a real ModelExecutor, a fake):
// readings are all zero, every P-state is applied at once.
//
// Thread-safe (no state).
#ifndef JOULE_TESTING_NULL_DEVICE_PARTS_H_
#define JOULE_TESTING_NULL_DEVICE_PARTS_H_

#include <string>

#include "devices/sensor.h"

namespace joule {

class NullSensor final : public Sensor {
 public:
  absl::StatusOr<SensorReading> Read() override { return SensorReading{}; }
  std::string backend() const override { return "none"; }
};

class NullActuator final : public Actuator {
 public:
  absl::Status SetPState(int) override { return absl::OkStatus(); }
};

}  // namespace joule

#endif  // JOULE_TESTING_NULL_DEVICE_PARTS_H_
