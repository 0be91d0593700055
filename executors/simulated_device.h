// MakeSimulatedDevice: a Device whose hardware is absent, simulated from its
// profile: a SimulatedExecutor charging the cost model's predictions, and a
// SimulatedPowerModel behind its sensor and actuator (backend "simulated").
// Device::simulated() is true, so the daemon never reports it as real.
//
// Thread-safe as Device is. `clock` must outlive the device.
#ifndef JOULE_EXECUTORS_SIMULATED_DEVICE_H_
#define JOULE_EXECUTORS_SIMULATED_DEVICE_H_

#include <memory>

#include "core/clock.h"
#include "devices/device.h"
#include "devices/device_spec.h"

namespace joule {

// REQUIRES: spec.pstates non-empty; clock non-null.
std::unique_ptr<Device> MakeSimulatedDevice(const DeviceSpec& spec,
                                            Clock* clock);

}  // namespace joule

#endif  // JOULE_EXECUTORS_SIMULATED_DEVICE_H_
