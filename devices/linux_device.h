// LinuxCpuSensor and LinuxCpuActuator: the Sensor and Actuator of the host's
// real CPU (DESIGN.md, "Devices"), built from the Linux backends:
//   utilisation  /proc/stat (proc_stat.h), always;
//   temperature  a thermal zone (thermal_zone.h) when the host has one, else
//                the spec's ambient temperature;
//   power/energy RAPL (rapl.h) when the host has it, else the spec's power
//                model: P = static_power_w + dynamic_power_w(P-state) · util,
//                E += P · Δt, at the P-state last applied;
//   P-states     cpufreq (cpufreq_controller.h) when the host has it, else
//                only recorded for the power model.
// backend() says exactly which parts are real, e.g. "procfs+thermal+rapl",
// "procfs+thermal (power modelled)", "procfs (temp ambient, power
// modelled)". host_probe.h wires these from what the host has.
//
// Thread-safety: as sensor.h, both are called from the governor thread
// only; the P-state they share is atomic.
#ifndef JOULE_DEVICES_LINUX_DEVICE_H_
#define JOULE_DEVICES_LINUX_DEVICE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/clock.h"
#include "devices/cpufreq_controller.h"
#include "devices/device_spec.h"
#include "devices/proc_stat.h"
#include "devices/rapl.h"
#include "devices/sensor.h"
#include "devices/thermal_zone.h"

namespace joule {

// The P-state index last applied, shared by the actuator (writer) and the
// sensor's power model (reader). Starts at the top, as Device does.
class LinuxCpuPState {
 public:
  explicit LinuxCpuPState(int pstate) : pstate_(pstate) {}
  int get() const { return pstate_.load(std::memory_order_relaxed); }
  void set(int pstate) { pstate_.store(pstate, std::memory_order_relaxed); }

 private:
  std::atomic<int> pstate_;
};

class LinuxCpuSensor final : public Sensor {
 public:
  // `thermal` and `rapl` are optional: absent parts are modelled. `clock`
  // must outlive the sensor. REQUIRES: spec.pstates non-empty; clock and
  // pstate non-null.
  LinuxCpuSensor(const DeviceSpec& spec, Clock* clock,
                 ProcStatUtilization utilization,
                 std::optional<ThermalZone> thermal,
                 std::optional<RaplEnergyCounter> rapl,
                 std::shared_ptr<const LinuxCpuPState> pstate);

  // Reads the temperature first, then utilisation, then energy; a failure
  // (named by its path) is returned and the governor keeps the device's
  // state for the round. A thermal zone that fails is not replaced by a
  // guess: throttling on a stale temperature is worse than skipping a round.
  absl::StatusOr<SensorReading> Read() override;
  std::string backend() const override { return backend_; }

 private:
  const DeviceSpec spec_;
  Clock* const clock_;
  ProcStatUtilization utilization_;
  std::optional<ThermalZone> thermal_;
  std::optional<RaplEnergyCounter> rapl_;
  const std::shared_ptr<const LinuxCpuPState> pstate_;
  const std::string backend_;
  // Power model state (no RAPL).
  TimePoint last_read_at_;
  double modelled_energy_j_ = 0;
};

class LinuxCpuActuator final : public Actuator {
 public:
  // `cpufreq` null: the host cannot change the frequency, so P-states are
  // only recorded (for the power model) and SetPState never fails on a
  // valid index. REQUIRES: spec.pstates non-empty; pstate non-null.
  LinuxCpuActuator(const DeviceSpec& spec,
                   std::unique_ptr<CpufreqController> cpufreq,
                   std::shared_ptr<LinuxCpuPState> pstate);

  // Writes spec.pstates[pstate].freq_khz through cpufreq. InvalidArgument
  // for an index out of range; a failed write returns its error (path and
  // errno text) and the recorded P-state stays the last one applied.
  absl::Status SetPState(int pstate) override;

  bool controls_hardware() const { return cpufreq_ != nullptr; }
  const CpufreqController* cpufreq() const { return cpufreq_.get(); }

 private:
  const DeviceSpec spec_;
  const std::unique_ptr<CpufreqController> cpufreq_;
  const std::shared_ptr<LinuxCpuPState> pstate_;
};

// The backend() text for a sensor with these parts.
std::string LinuxCpuSensorBackend(bool thermal, bool rapl);

}  // namespace joule

#endif  // JOULE_DEVICES_LINUX_DEVICE_H_
