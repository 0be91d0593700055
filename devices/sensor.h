// Sensor and Actuator: how the governor reads a device and sets its speed.
//
// Real backends (cpufreq, thermal zones, RAPL) and the simulated power and
// thermal model implement the same contracts.
// Thread-safety: implementations are called from the governor thread only
// unless they say otherwise.
#ifndef JOULE_DEVICES_SENSOR_H_
#define JOULE_DEVICES_SENSOR_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace joule {

struct SensorReading {
  double utilization = 0;  // busy fraction since the previous Read, 0..1
  int32_t temp_mc = 0;     // milli-°C, as sysfs
  double power_w = 0;      // mean power since the previous Read
  double energy_j = 0;     // cumulative since start
};

class Sensor {
 public:
  virtual ~Sensor() = default;
  virtual absl::StatusOr<SensorReading> Read() = 0;
  // Short name of the backend for labels and logs, e.g. "simulated".
  virtual std::string backend() const = 0;
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  // Moves the device to `pstate` (index into DeviceSpec::pstates). On error
  // the device stays where it was.
  virtual absl::Status SetPState(int pstate) = 0;
};

}  // namespace joule

#endif  // JOULE_DEVICES_SENSOR_H_
