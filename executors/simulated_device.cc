#include "executors/simulated_device.h"

#include <utility>

#include "devices/simulated_power.h"
#include "executors/simulated_executor.h"

namespace joule {

std::unique_ptr<Device> MakeDeviceWithSimulatedPower(
    const DeviceSpec& spec, Clock* clock, std::unique_ptr<Executor> executor,
    std::string executor_note, std::shared_ptr<ThermalNetwork> network) {
  // Device destroys its actuator and sensor (the model's owners) before its
  // executor, so the model never outlives the executor it reads.
  std::shared_ptr<SimulatedPowerModel> model = SimulatedPowerModel::Create(
      spec, clock, executor.get(), std::move(network));
  return std::make_unique<Device>(spec, std::move(executor),
                                  model->MakeSensor(), model->MakeActuator(),
                                  std::move(executor_note));
}

std::unique_ptr<Device> MakeSimulatedDevice(
    const DeviceSpec& spec, Clock* clock, const std::string& why,
    std::shared_ptr<ThermalNetwork> network) {
  return MakeDeviceWithSimulatedPower(
      spec, clock, std::make_unique<SimulatedExecutor>(clock, spec),
      "simulated: " + why, std::move(network));
}

}  // namespace joule
