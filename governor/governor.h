// Governor: the DVFS and thermal loop (docs/ARCHITECTURE.md, "Governor"). Each
// round (Tick) does, for every device:
//   sample (Sensor::Read) → window (μ, σ) → thermal (NextThermalState) →
//   decide (NextPState) → apply (Device::ApplyPState) → idle policy
//   (TickIdle, governor/idle.h) → record (metrics, a debug log line with
//   the decision's inputs and output),
// then tells the listener about each device whose P-state, cap, throttled or
// critical flag changed, so the scheduler places work on the real state.
//
// Failures degrade, never crash: a failed sensor read is logged once per
// device until it recovers, counted in joule_sensor_errors_total, and the
// device keeps its state for that round; a failed P-state change keeps the
// last applied (safe) P-state, is logged once until the actuator recovers,
// and is counted in joule_actuator_errors_total.
//
// Time: everything reads the injected Clock. Start() ticks every period_ms on
// a dedicated thread woken by a Clock timer, so with a ManualClock a tick runs
// when the test advances the clock by a period (advance one period at a time,
// then WaitForTicks; a single jump over several periods runs one tick and the
// loop skips the missed ones, as a late real-time governor does). The
// simulator calls Tick() directly instead.
//
// Thread-safe: every public method may be called from any thread. Ticks are
// serialised. The listener runs on the ticking thread with no governor lock
// held; it must not call Stop() (the loop thread cannot join itself).
#ifndef JOULE_GOVERNOR_GOVERNOR_H_
#define JOULE_GOVERNOR_GOVERNOR_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "core/policy.h"
#include "devices/device.h"
#include "governor/dvfs.h"
#include "governor/governor_metrics.h"
#include "governor/idle.h"
#include "governor/power_cap.h"
#include "governor/thermal.h"
#include "governor/window.h"
#include "telemetry/metrics.h"

namespace joule {

class Governor {
 public:
  // Called after a device's P-state, cap, throttled or critical flag changed.
  using Listener = std::function<void(const Device&)>;
  // Each device's deadline floor (DvfsInputs::deadline_floor), in the
  // constructor's device order: the scheduler's EDF over its queues. Called
  // once per round, with no governor lock held.
  using DeadlineFloors = std::function<std::vector<int>()>;

  // `clock` and `devices` must outlive the Governor. `registry` receives the
  // metrics (governor/governor_metrics.h); nullptr keeps them in a private
  // registry.
  Governor(Clock* clock, std::vector<Device*> devices,
           GovernorTunables governor, ThermalTunables thermal,
           Registry* registry, Listener listener = nullptr);
  ~Governor();  // Stop()s.

  Governor(const Governor&) = delete;
  Governor& operator=(const Governor&) = delete;

  // One round for every device, at clock->Now().
  void Tick();

  // Ticks every period_ms on a dedicated thread until Stop(). The first tick
  // is period_ms from now. A second Start() while running does nothing.
  void Start();
  // Wakes and joins the loop thread and cancels its timer; prompt. Safe to
  // call when not running.
  void Stop();

  // Blocks until at least `n` rounds (Tick() calls and loop ticks) have
  // completed in total; returns the total. For tests: no sleeping.
  uint64_t WaitForTicks(uint64_t n);
  uint64_t ticks() const;

  // Where "slack" reads the deadline floors; without one every floor is -1
  // (no deadline work). Set before Start().
  void SetDeadlineFloors(DeadlineFloors floors);

  // A policy reload; the next round uses the new values (a new period_ms
  // from the next timer on).
  void SetTunables(GovernorTunables governor, ThermalTunables thermal);
  // The global power cap (governor/power_cap.h); cap_w 0 (the default)
  // leaves every device at its thermal cap.
  void SetPowerTunables(PowerTunables power);

 private:
  struct Tunables {
    GovernorTunables governor;
    ThermalTunables thermal;
    PowerTunables power;
  };

  // Per device; touched by the ticking round only.
  struct Slot {
    Slot(Device* d, DeviceMetrics m, Duration window)
        : device(d),
          metrics(m),
          window(window),
          thermal(ThermalState::Uncapped(d->spec().max_pstate())) {}

    Device* device;
    DeviceMetrics metrics;
    SlidingWindow window;
    ThermalState thermal;
    std::optional<TimePoint> last_change;  // last applied P-state change
    double mean_at_last_change = 0;
    StepDirection last_direction = StepDirection::kNone;
    double last_energy_j = 0;
    bool sensor_failing = false;  // logged; stay quiet until it recovers
    bool actuator_failing = false;
    std::optional<IdleRecorder> idle;  // made on the first TickIdle
    // What it draws idle (devices/idle.h IdlePowerW), smoothed over rounds;
    // below 0 until measured: static power.
    double idle_power_w = -1;
    IdleResidency last_residency;
    std::optional<TimePoint> residency_at;
    // The power cap's P-state cap (governor/power_cap.h); the top P-state
    // when there is no cap. The device's cap is min(thermal, this).
    int power_cap = 0;
  };

  // The loop thread's wake-up state. Shared with the clock timer's callback,
  // which may still be running after Stop() cancelled it.
  struct Loop {
    absl::Mutex mu;
    absl::CondVar cv;
    bool due ABSL_GUARDED_BY(mu) = false;
    bool stop ABSL_GUARDED_BY(mu) = false;
    uint64_t ticks ABSL_GUARDED_BY(mu) = 0;
    TimePoint next_tick ABSL_GUARDED_BY(mu);
    TimerId timer ABSL_GUARDED_BY(mu) = 0;
  };

  // The power cap's round: measures the total, runs the PID and sets every
  // slot's power_cap. In governor_power.cc.
  // REQUIRES: tick_mu_ held.
  void AllocatePowerCap(TimePoint now, const PowerTunables& t,
                        const std::vector<int>& floors)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  int CapOf(const Slot& s) const {
    return std::min(s.thermal.pstate_cap, s.power_cap);
  }

  void LoopMain();
  // Arms the clock timer for the next period (skipping missed ones).
  void ArmNextTick();
  Tunables tunables() const;

  // One device's round; true if its state changed.
  // REQUIRES: tick_mu_ held.
  bool TickDevice(Slot& s, TimePoint now, const Tunables& t, int deadline_floor)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // The reading, or nullopt after logging and counting a failure.
  std::optional<SensorReading> Sample(Slot& s)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  DvfsInputs Inputs(const Slot& s, const SensorReading& r, int current,
                    TimePoint now, int deadline_floor) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void Apply(Slot& s, const DvfsDecision& d, double mean, TimePoint now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // After the P-state decision: sets the device's idle policy and records
  // its idle-state time (governor/idle.h). In governor_idle.cc.
  void TickIdle(Slot& s, const GovernorTunables& g, double utilization,
                TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void RecordReading(Slot& s, const SensorReading& r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void RecordState(Slot& s, const DeviceState& st)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);

  Clock* const clock_;
  const Listener listener_;
  std::unique_ptr<Registry> own_registry_;  // when none was given
  GovernorMetrics metrics_;

  mutable absl::Mutex tunables_mu_;
  Tunables tunables_ ABSL_GUARDED_BY(tunables_mu_);
  DeadlineFloors deadline_floors_ ABSL_GUARDED_BY(tunables_mu_);

  absl::Mutex tick_mu_;  // serialises rounds
  std::vector<Slot> slots_ ABSL_GUARDED_BY(tick_mu_);
  PowerPidState power_pid_ ABSL_GUARDED_BY(tick_mu_);
  std::optional<TimePoint> power_at_ ABSL_GUARDED_BY(tick_mu_);

  const std::shared_ptr<Loop> loop_;
  absl::Mutex run_mu_;  // serialises Start() and Stop()
  std::thread thread_ ABSL_GUARDED_BY(run_mu_);
};

}  // namespace joule

#endif  // JOULE_GOVERNOR_GOVERNOR_H_
