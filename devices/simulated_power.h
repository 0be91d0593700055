// SimulatedPowerModel: the power and thermal model of one simulated device,
// shared by its Sensor (reads utilisation, power, energy, temperature) and
// its Actuator (sets the P-state). Its temperature is either its own
// first-order RC model (below) or, when it is given the SoC's
// ThermalNetwork (devices/thermal_network.h), its node's there: the model
// is that node's heat source, and every Read() integrates the whole network.
//
// Over each interval dt with the P-state fixed (a SetPState() first closes
// the interval at the old P-state, so a change is charged from its instant):
//   util   = Δbusy / dt, clamped to [0, 1]    (busy from Executor::BusyTime)
//   Δs_i   = time spent in idle state i       (from Executor::IdleTime)
//   E_dt   = P_static · (dt − Σ Δs_i) + Σ P_i · Δs_i + ΔE_tr
//            + P_dyn(pstate) · util · dt
//   P      = E_dt / dt                         (P_static + P_dyn · util for
//                                               a device that never sleeps)
//   E     += E_dt
//   T_ss   = T_amb + P · R                   (no network)
//   T      = T_ss + (T − T_ss) · exp(−dt / (R·C))
// the exact solution of dT/dt = (P·R − (T − T_amb)) / (R·C) for constant P
// (T jumps to T_ss when R·C = 0). With a network, P is the node's power over
// the network's step, every node stepping over the same intervals (the
// network's formula). A Read() reports util and mean power since
// the previous Read(), cumulative energy, and temp_mc = round(T · 1000).
// The device starts cold (T = T_amb) at its highest P-state, as Device does.
//
// Thread-safe: Read() and SetPState() may be called from any thread. The
// sensor and actuator share ownership of the model (and of its network);
// `clock` and `executor` must outlive it. Lock order: the network's lock,
// then the model's.
#ifndef JOULE_DEVICES_SIMULATED_POWER_H_
#define JOULE_DEVICES_SIMULATED_POWER_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "devices/device_spec.h"
#include "devices/executor.h"
#include "devices/sensor.h"
#include "devices/thermal_network.h"

namespace joule {

class SimulatedPowerModel
    : public std::enable_shared_from_this<SimulatedPowerModel>,
      private ThermalNetwork::HeatSource {
 public:
  // `network` null: the device's own RC model. Otherwise the model heats
  // the network's node named spec.name until it is destroyed.
  // REQUIRES: spec.pstates non-empty; clock and executor non-null; network
  // null or with a free node named spec.name, on the same clock.
  static std::shared_ptr<SimulatedPowerModel> Create(
      const DeviceSpec& spec, Clock* clock, const Executor* executor,
      std::shared_ptr<ThermalNetwork> network = nullptr);
  ~SimulatedPowerModel() override;

  SimulatedPowerModel(const SimulatedPowerModel&) = delete;
  SimulatedPowerModel& operator=(const SimulatedPowerModel&) = delete;

  // A Sensor whose Read() is this model's Read(), backend "simulated".
  std::unique_ptr<Sensor> MakeSensor();
  // An Actuator whose SetPState() is this model's SetPState().
  std::unique_ptr<Actuator> MakeActuator();

  absl::StatusOr<SensorReading> Read();
  // InvalidArgument unless 0 <= pstate <= spec.max_pstate().
  absl::Status SetPState(int pstate);
  int pstate() const;

 private:
  SimulatedPowerModel(const DeviceSpec& spec, Clock* clock,
                      const Executor* executor,
                      std::shared_ptr<ThermalNetwork> network, int node);

  // ThermalNetwork::HeatSource: IntegrateLocked(to)'s power.
  double ChargeTo(TimePoint to) override;

  // Advances power and energy (and, without a network, temperature) to
  // `now` at the current P-state; returns the mean power over the interval
  // (the static power when no time has passed). REQUIRES: mu_ held.
  double IntegrateLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The reading at `now`, integrated to `now` and with temp_c_ current;
  // moves the previous-read marks to `now`. REQUIRES: mu_ held.
  SensorReading ReadLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const DeviceSpec spec_;
  Clock* const clock_;
  const Executor* const executor_;
  const std::shared_ptr<ThermalNetwork> network_;  // may be null
  const int node_;                                 // in network_, or -1

  mutable absl::Mutex mu_;
  int pstate_ ABSL_GUARDED_BY(mu_);
  double temp_c_ ABSL_GUARDED_BY(mu_);
  double energy_j_ ABSL_GUARDED_BY(mu_) = 0;
  // End of the last integrated interval.
  TimePoint integrated_at_ ABSL_GUARDED_BY(mu_);
  Duration integrated_busy_ ABSL_GUARDED_BY(mu_){0};
  IdleResidency integrated_idle_ ABSL_GUARDED_BY(mu_);
  // The previous Read(): what its utilisation and mean power are relative to.
  TimePoint read_at_ ABSL_GUARDED_BY(mu_);
  Duration read_busy_ ABSL_GUARDED_BY(mu_){0};
  double read_energy_j_ ABSL_GUARDED_BY(mu_) = 0;
  SensorReading last_reading_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_DEVICES_SIMULATED_POWER_H_
