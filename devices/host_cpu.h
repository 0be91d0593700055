// LinuxCpuSensor and LinuxCpuActuator: the Sensor and Actuator of the host's
// real CPU (docs/ARCHITECTURE.md, "Devices"), built from the Linux backends:
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
#ifndef JOULE_DEVICES_HOST_CPU_H_
#define JOULE_DEVICES_HOST_CPU_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/clock.h"
#include "devices/device.h"
#include "devices/device_spec.h"
#include "devices/executor.h"
#include "devices/sensor.h"
#include "platform/linux/cpufreq_backend.h"
#include "platform/linux/cpufreq_controller.h"
#include "platform/linux/host_probe.h"
#include "platform/linux/proc_stat.h"
#include "platform/linux/rapl.h"
#include "platform/linux/thermal_zone.h"

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

// `profile_cpu` with its P-state table replaced by the host's frequencies:
// those of the fastest policy (highest max frequency; on big.LITTLE the big
// cluster), ascending, voltage_mv 0 (sysfs does not say), and
//   dynamic_power_w(f) = P_top · (f / f_max)³
// where P_top is the profile's top P-state power: P_dyn ∝ C·V²·f with V
// roughly ∝ f across the DVFS range, a documented approximation to be
// calibrated. Everything else (peak ops, bandwidth, thermal constants) stays
// the profile's. FailedPrecondition when the host has no cpufreq;
// InvalidArgument when the profile device is not a CPU or has no P-states.
absl::StatusOr<DeviceSpec> HostCpuSpec(const DeviceSpec& profile_cpu,
                                       const HostProbe& probe);

struct HostCpuOptions {
  // The Device's executor note (device.h), e.g. "onnxruntime 1.30.0,
  // provider cpu".
  std::string executor_note;
  CpufreqBackendKind cpufreq_backend = CpufreqBackendKind::kSysfs;
  CpufreqControlOptions cpufreq;
  // A thermal zone type to read; empty: the first of CpuThermalZoneTypes().
  std::string thermal_zone_type;
};

// A Device for the host CPU: `spec` (from HostCpuSpec) with the caller's
// executor, a LinuxCpuSensor (utilisation from /proc/stat; temperature and
// power real where the probe found them, modelled otherwise) and a
// LinuxCpuActuator driving every cpufreq policy (or only recording P-states
// when there is no cpufreq or it cannot be opened; each fallback is logged).
// The top P-state is applied once, so the hardware matches the Device's
// starting state. nullptr (logged; the executor is dropped) when the host
// has no readable /proc/stat: nothing real to sense, keep a simulated
// device. `clock` must outlive the device.
std::unique_ptr<Device> MakeHostCpuDevice(const DeviceSpec& spec,
                                          const HostProbe& probe, Clock* clock,
                                          std::unique_ptr<Executor> executor,
                                          const HostCpuOptions& options = {});

}  // namespace joule

#endif  // JOULE_DEVICES_HOST_CPU_H_
