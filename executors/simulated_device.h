// MakeSimulatedDevice: a Device whose hardware is absent, simulated from its
// profile: a SimulatedExecutor charging the cost model's predictions, and a
// SimulatedPowerModel behind its sensor and actuator (backend "simulated").
// Device::simulated() is true, so the daemon never reports it as real.
// Given the SoC's ThermalNetwork (ThermalNetwork::ForDevices over the
// profile's specs: one per SoC, shared by all its devices), the device's
// temperature is its node's there; without one (null), its own RC model.
//
// Thread-safe as Device is. `clock` must outlive the device.
#ifndef JOULE_EXECUTORS_SIMULATED_DEVICE_H_
#define JOULE_EXECUTORS_SIMULATED_DEVICE_H_

#include <memory>
#include <string>

#include "core/clock.h"
#include "devices/device.h"
#include "devices/device_spec.h"
#include "devices/thermal_network.h"

namespace joule {

// The default `why`: the profile names no provider to run models for real.
inline constexpr char kNoExecutionProvider[] =
    "no execution provider named in the profile";

// The device's executor note is "simulated: <why>".
// REQUIRES: spec.pstates non-empty; clock non-null; network null or with a
// free node named spec.name.
std::unique_ptr<Device> MakeSimulatedDevice(
    const DeviceSpec& spec, Clock* clock,
    const std::string& why = kNoExecutionProvider,
    std::shared_ptr<ThermalNetwork> network = nullptr);

// A Device whose executor is real (`executor`, e.g. a ModelExecutor) and
// whose power, temperature and P-states are simulated from the profile
// (the SimulatedPowerModel reads the executor's busy time; backend
// "simulated"). `executor_note` as Device's.
// REQUIRES: spec.pstates non-empty; clock and executor non-null; network as
// MakeSimulatedDevice's.
std::unique_ptr<Device> MakeDeviceWithSimulatedPower(
    const DeviceSpec& spec, Clock* clock, std::unique_ptr<Executor> executor,
    std::string executor_note,
    std::shared_ptr<ThermalNetwork> network = nullptr);

}  // namespace joule

#endif  // JOULE_EXECUTORS_SIMULATED_DEVICE_H_
