#include "executors/simulated_device.h"

#include <utility>

#include "devices/simulated_power.h"
#include "executors/simulated_executor.h"

namespace joule {

std::unique_ptr<Device> MakeSimulatedDevice(const DeviceSpec& spec,
                                            Clock* clock) {
  auto executor = std::make_unique<SimulatedExecutor>(clock);
  // Device destroys its actuator and sensor (the model's owners) before its
  // executor, so the model never outlives the executor it reads.
  std::shared_ptr<SimulatedPowerModel> model =
      SimulatedPowerModel::Create(spec, clock, executor.get());
  return std::make_unique<Device>(spec, std::move(executor),
                                  model->MakeSensor(), model->MakeActuator());
}

}  // namespace joule
