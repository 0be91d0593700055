// DeviceSpec: what a device is, as read from a profile YAML
// (devices/profiles/*.yaml): its P-states, roofline numbers, power model and
// thermal constants. The cost model and the simulated device read only this.
//
// Plain values; immutable once loaded.
#ifndef JOULE_DEVICES_DEVICE_SPEC_H_
#define JOULE_DEVICES_DEVICE_SPEC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace joule {

// One DVFS operating point. P-states are ordered slowest (index 0) first.
struct PState {
  uint64_t freq_khz = 0;
  uint32_t voltage_mv = 0;
  // Power drawn above static power when fully busy at this point (∝ C·V²·f).
  double dynamic_power_w = 0;
};

// A thermal resistance between two devices' nodes of a shared network.
struct ThermalCoupling {
  std::string a, b;  // device names
  double resistance_c_per_w = 0;
};

// The SoC's shared thermal network: the profile's top-level `thermal` block
// (docs/ARCHITECTURE.md, "Thermal model"). Each device is a node with its
// own capacitance and a resistance to one shared sink node (die, heat
// spreader and heatsink), which has a capacitance and a resistance to
// ambient; couplings join device nodes directly.
struct SocThermal {
  double sink_resistance_c_per_w = 0;   // sink to ambient
  double sink_capacitance_j_per_c = 0;  // sink's heat capacity
  std::vector<ThermalCoupling> couplings;
};

// One idle ("sleep") state a device may enter while it has no job: clock
// gating, a powered-off domain, a CPU's PSCI power-down. Listed shallowest
// first: each draws less and wakes no faster than the one before. While in
// it the device draws power_w instead of static_power_w; entering it costs
// transition_energy_j (entry and the later exit together, charged once on
// entry), and a job that arrives meanwhile starts exit_latency_us late
// (after the entry, if that has not finished). The pure decisions are in
// devices/idle.h.
struct IdleState {
  std::string name;  // e.g. "wfi", "power_off"; unique within the device
  double power_w = 0;
  double entry_latency_us = 0;
  double exit_latency_us = 0;
  // The least stay worth entering for, as the Linux DT idle-state binding's
  // min-residency-us (entry included); 0 when the profile gives none.
  double min_residency_us = 0;
  double transition_energy_j = 0;
};

struct DeviceSpec {
  std::string name;  // unique, e.g. "cpu0", "npu0"
  DeviceKind kind = DeviceKind::kCpu;
  // The ONNX Runtime execution provider that runs registered models on this
  // device for real: "cpu" (ORT's own CPU kernels), or a provider name such
  // as "cuda", "tensorrt", "openvino" (docs/ARCHITECTURE.md, "Devices").
  // Empty: the device is simulated from its profile. The profile's
  // `provider` key; default "cpu" for a CPU, empty otherwise.
  std::string provider;
  std::vector<PState> pstates;  // slowest first; never empty
  // Power drawn whenever the device is on, busy or not, and while idle in
  // no idle state ("active idle").
  double static_power_w = 0;
  // Shallowest first; empty: the device never sleeps (always static power).
  std::vector<IdleState> idle_states;
  // Peak ops/s at the highest P-state, per precision; 0 = unsupported.
  std::array<double, kNumPrecisions> peak_ops_per_s{};
  // Precisions this device's runtime converts a model to when it loads it
  // (e.g. an NPU toolchain that builds FP32 ONNX models as FP16): a model
  // job may run here at these as well as at the model's own precision
  // (docs/ARCHITECTURE.md, "Cost model"). Each one has a peak above 0.
  // Jobs with an explicit cost are never converted.
  std::array<bool, kNumPrecisions> converts_models_to{};
  // Fraction of peak that real kernels reach (0..1].
  double compute_efficiency = 1.0;
  double mem_bw_bytes_per_s = 0;
  double mem_bw_efficiency = 1.0;
  // On-chip SRAM: weights that fit are resident and cost no DRAM traffic.
  double sram_bytes = 0;
  // Host link for devices with separate memory; 0 means shared memory
  // (no transfer).
  double link_bw_bytes_per_s = 0;
  double dispatch_overhead_s = 0;
  // Without soc_thermal, a first-order RC thermal model of its own:
  // dT/dt = (P·R − (T − T_amb)) / (R·C). With it, the device is a node of
  // the SoC's network: R is its resistance to the shared sink, C its node's
  // capacitance, and ambient_c the network's (the same in every spec).
  double thermal_resistance_c_per_w = 0;
  double thermal_capacitance_j_per_c = 0;
  double ambient_c = 25.0;
  // The same in every spec of one profile; absent: independent RC models.
  std::optional<SocThermal> soc_thermal;
  int32_t trip_passive_mc = 85000;
  int32_t trip_critical_mc = 100000;

  double peak_ops(Precision p) const {
    return peak_ops_per_s[static_cast<int>(p)];
  }
  bool Supports(Precision p) const { return peak_ops(p) > 0; }
  bool ConvertsModelsTo(Precision p) const {
    return converts_models_to[static_cast<int>(p)];
  }
  int max_pstate() const { return static_cast<int>(pstates.size()) - 1; }
};

}  // namespace joule

#endif  // JOULE_DEVICES_DEVICE_SPEC_H_
