#include "governor/governor_metrics.h"

namespace joule {

GovernorMetrics::GovernorMetrics(Registry& r)
    : frequency_hz(r.AddGauge("joule_device_frequency_hertz",
                              "Clock frequency of the device's P-state.",
                              {"device"})),
      pstate(r.AddGauge("joule_device_pstate",
                        "Current P-state index (0 is the slowest).",
                        {"device"})),
      temperature_c(r.AddGauge("joule_device_temperature_celsius",
                               "Last temperature reading.", {"device"})),
      power_w(r.AddGauge("joule_device_power_watts",
                         "Mean power since the previous reading.", {"device"})),
      utilization(r.AddGauge("joule_device_utilization_ratio",
                             "Busy fraction since the previous reading.",
                             {"device"})),
      energy_j(r.AddCounter("joule_device_energy_joules_total",
                            "Energy used by the device.", {"device"})),
      transitions(r.AddCounter("joule_dvfs_transitions_total",
                               "P-state changes applied, by direction.",
                               {"device", "direction"})),
      throttled(r.AddGauge("joule_thermal_throttled",
                           "1 while the thermal cap is below the top P-state.",
                           {"device"})),
      critical(r.AddGauge("joule_device_critical",
                          "1 while above the critical trip (dispatch stopped).",
                          {"device"})),
      decisions(r.AddCounter("joule_dvfs_decisions_total",
                             "DVFS decisions per round, by reason.",
                             {"device", "reason"})),
      deadline_floor(r.AddGauge(
          "joule_dvfs_deadline_floor",
          "Lowest P-state meeting the queue's deadlines (slack); -1: none.",
          {"device"})),
      hot(r.AddGauge("joule_device_hot",
                     "1 while near the passive trip: new work goes elsewhere.",
                     {"device"})),
      actuator_errors(r.AddCounter("joule_actuator_errors_total",
                                   "P-state changes the actuator refused.",
                                   {"device"})),
      sensor_errors(r.AddCounter("joule_sensor_errors_total",
                                 "Sensor reads that failed.", {"device"})),
      idle_state_s(r.AddCounter(
          "joule_device_idle_state_seconds_total",
          "Time spent in each of the device profile's idle states.",
          {"device", "state"})),
      power_cap_w(
          r.AddGauge("joule_power_cap_watts", "The global power cap; 0: none.")
              .WithLabels({})),
      power_total_w(r.AddGauge("joule_power_total_watts",
                               "The devices' total power, last round.")
                        .WithLabels({})),
      power_budget_w(r.AddGauge(
          "joule_power_budget_watts",
          "The device's share of the power cap's budget (0: no cap).",
          {"device"})),
      ticks(r.AddCounter("joule_governor_ticks_total",
                         "Governor rounds completed.")
                .WithLabels({})) {}

DeviceMetrics GovernorMetrics::ForDevice(const std::string& device) {
  return DeviceMetrics{
      frequency_hz.WithLabels({device}),
      pstate.WithLabels({device}),
      temperature_c.WithLabels({device}),
      power_w.WithLabels({device}),
      utilization.WithLabels({device}),
      energy_j.WithLabels({device}),
      transitions.WithLabels({device, "up"}),
      transitions.WithLabels({device, "down"}),
      throttled.WithLabels({device}),
      critical.WithLabels({device}),
      deadline_floor.WithLabels({device}),
      hot.WithLabels({device}),
      actuator_errors.WithLabels({device}),
      sensor_errors.WithLabels({device}),
      power_budget_w.WithLabels({device}),
  };
}

}  // namespace joule
