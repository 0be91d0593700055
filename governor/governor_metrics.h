// GovernorMetrics: every metric the governor exports, declared in one place.
//
//   joule_device_frequency_hertz{device}          gauge   freq_khz * 1000
//   joule_device_pstate{device}                   gauge   P-state index
//   joule_device_temperature_celsius{device}      gauge   temp_mc / 1000
//   joule_device_power_watts{device}              gauge
//   joule_device_utilization_ratio{device}        gauge   0..1
//   joule_device_energy_joules_total{device}      counter cumulative energy
//   joule_dvfs_transitions_total{device,direction} counter direction=up|down
//   joule_dvfs_decisions_total{device,reason}     counter the DVFS reason
//                                                 (governor/dvfs.h names)
//   joule_dvfs_deadline_floor{device}             gauge   slack's EDF floor,
//                                                         -1: no deadline
//   joule_device_hot{device}                      gauge   0/1 near the trip
//   joule_thermal_throttled{device}               gauge   0/1
//   joule_device_critical{device}                 gauge   0/1
//   joule_actuator_errors_total{device}           counter
//   joule_sensor_errors_total{device}             counter
//   joule_device_idle_state_seconds_total{device,state} counter time spent
//                                                 in each profile idle state
//   joule_power_cap_watts                         gauge   power.cap_w; 0: none
//   joule_power_total_watts                       gauge   Σ devices' power
//   joule_power_budget_watts{device}              gauge   its share of the
//                                                         cap's budget
//   joule_governor_ticks_total                    counter
//
// Thread-safe: the families and children are (telemetry/metrics.h); the
// references stay valid for the Registry's lifetime. Registering twice in one
// Registry crashes (metric names are code), so one Governor per Registry.
#ifndef JOULE_GOVERNOR_GOVERNOR_METRICS_H_
#define JOULE_GOVERNOR_GOVERNOR_METRICS_H_

#include <string>

#include "telemetry/metrics.h"

namespace joule {

// One device's children, looked up once so the tick touches only atomics.
struct DeviceMetrics {
  Gauge& frequency_hz;
  Gauge& pstate;
  Gauge& temperature_c;
  Gauge& power_w;
  Gauge& utilization;
  Counter& energy_j;
  Counter& transitions_up;
  Counter& transitions_down;
  Gauge& throttled;
  Gauge& critical;
  Gauge& deadline_floor;
  Gauge& hot;
  Counter& actuator_errors;
  Counter& sensor_errors;
  Gauge& power_budget_w;
};

struct GovernorMetrics {
  explicit GovernorMetrics(Registry& registry);

  // Creates (or finds) the children labelled {device="<name>"}.
  DeviceMetrics ForDevice(const std::string& device);

  Family<Gauge>& frequency_hz;
  Family<Gauge>& pstate;
  Family<Gauge>& temperature_c;
  Family<Gauge>& power_w;
  Family<Gauge>& utilization;
  Family<Counter>& energy_j;
  Family<Counter>& transitions;
  Family<Gauge>& throttled;
  Family<Gauge>& critical;
  Family<Counter>& decisions;
  Family<Gauge>& deadline_floor;
  Family<Gauge>& hot;
  Family<Counter>& actuator_errors;
  Family<Counter>& sensor_errors;
  Family<Counter>& idle_state_s;
  Gauge& power_cap_w;
  Gauge& power_total_w;
  Family<Gauge>& power_budget_w;
  Counter& ticks;
};

}  // namespace joule

#endif  // JOULE_GOVERNOR_GOVERNOR_METRICS_H_
