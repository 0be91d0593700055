// Device profile loader: reads a profile YAML (devices/profiles/*.yaml) into
// DeviceSpecs and validates it with "FILE:LINE:COL: message" errors; applies
// the policy file's per-device overrides.
//
// Schema (units in the key names; see devices/profiles/rk3588.yaml):
//
//   soc: rk3588                  # optional, informational
//   thermal:                     # optional: the SoC's shared RC network
//     ambient_c: 25              # optional, default 25; every device's
//     sink:                      # die + heat spreader + heatsink
//       resistance_c_per_w: 10   # sink to ambient
//       capacitance_j_per_c: 20
//     coupling:                  # optional: direct paths between devices
//       - {a: gpu0, b: npu0, resistance_c_per_w: 4}
//   devices:                     # at least one
//     - name: npu0               # unique; letters, digits, '_', '-', '.'
//       kind: npu                # cpu | gpu | npu
//       provider: ""             # optional: the ONNX Runtime execution
//                                # provider that runs models on it (cpu,
//                                # cuda, tensorrt, openvino, ...); default
//                                # cpu for a CPU, empty (simulated) otherwise
//       pstates:                 # at least one, slowest first
//         - {freq_khz: 1000000, voltage_mv: 850, dynamic_power_w: 2.5}
//       static_power_w: 0.2
//       idle_states:             # optional, shallowest first; none: the
//                                # device always draws static power
//         - name: power_off      # unique within the device
//           power_w: 0.005       # below static_power_w and the state before
//           entry_latency_us: 200        # optional, default 0
//           exit_latency_us: 2000        # not below the state before's
//           min_residency_us: 0          # optional (DT min-residency-us)
//           transition_energy_j: 2e-3    # optional, entry + exit, default 0
//       peak_ops_per_s: {fp32: 0, fp16: 1.5e12, int8: 6e12, int4: 6e12}
//       converts_models_to: fp16       # optional, e.g. "fp16" or "fp16,int8";
//                                      # each needs a peak above 0
//       compute_efficiency: 0.4        # optional, (0, 1], default 1
//       mem_bw_bytes_per_s: 3.3792e10
//       mem_bw_efficiency: 0.35        # optional, (0, 1], default 1
//       sram_bytes: 1179648            # optional, default 0
//       link_bw_bytes_per_s: 0         # optional, 0 = shared memory
//       dispatch_overhead_s: 500e-6    # optional, default 0
//       thermal:
//         resistance_c_per_w: 10       # to ambient; with a top-level
//                                      # `thermal`, to the sink
//         capacitance_j_per_c: 6       # the device's own (node's)
//         ambient_c: 25                # optional, default 25; an error
//                                      # with a top-level `thermal`
//         trip_passive_mc: 85000       # optional, default 85000
//         trip_critical_mc: 100000     # optional, default 100000
//
// Every key maps onto the DeviceSpec field of the same name (the thermal_
// prefix dropped inside `thermal`); a precision left out of peak_ops_per_s
// is unsupported (0). Without a top-level `thermal` block each device is
// its own first-order RC model to ambient (devices/simulated_power.h). With
// one, the devices are nodes of one network (devices/thermal_network.h):
// each node has its capacitance and its resistance to the shared sink, the
// sink its own capacitance and resistance to ambient, and couplings join
// device nodes; every DeviceSpec carries the block as soc_thermal and its
// ambient_c as ambient_c.
//
// Stateless functions; safe to call from any thread.
#ifndef JOULE_DEVICES_PROFILE_LOADER_H_
#define JOULE_DEVICES_PROFILE_LOADER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/policy.h"
#include "devices/device_spec.h"

namespace joule {

// Parses a profile; the specs come back in file order. `source` names the
// text in errors (usually a path). Rejects (at the offending line:column):
// unknown keys, wrong types, duplicate names, unknown kinds, no P-states,
// frequencies not strictly increasing, voltages decreasing, dynamic power not
// increasing, no precision with a peak above 0, a conversion to a precision
// without a peak or not a precision name, bandwidth <= 0, efficiencies
// outside (0, 1], RC constants <= 0, idle states out of order (power not
// decreasing, exit latency decreasing) or drawing no less than static
// power, duplicate idle state names, passive trip not below critical,
// ambient not below the passive trip, a device ambient_c beside a
// top-level `thermal`, a coupling naming an unknown device, the same device
// twice or a pair already coupled. A missing required key is reported at
// the entry.
absl::StatusOr<std::vector<DeviceSpec>> ParseProfile(std::string_view yaml,
                                                     std::string_view source);

// Reads and parses a profile file; an unreadable file gives an error naming
// the path and the errno text.
absl::StatusOr<std::vector<DeviceSpec>> LoadProfileFile(
    const std::string& path);

// The text of devices/profiles/rk3588.yaml, embedded at build time.
std::string_view DefaultProfileYaml();

// Applies the policy's per-device overrides: a nonzero trip replaces the
// profile's. A name not in `specs` is an InvalidArgument error naming it and
// listing the known names; so is a result whose passive trip is not below
// its critical one. On error `specs` is left unchanged.
absl::Status ApplyDeviceOverrides(
    const std::map<std::string, DeviceOverride>& overrides,
    std::vector<DeviceSpec>* specs);

// Sets every spec's ambient_c (a scenario's hot-box override; with a shared
// network it is the network's ambient). InvalidArgument, `specs` unchanged,
// outside [-50, 100] C or not below some device's passive trip.
absl::Status ApplyAmbientOverride(double ambient_c,
                                  std::vector<DeviceSpec>* specs);

// The devices a policy describes: its profile file (the embedded default
// when policy.device_profile is empty) with its overrides applied.
absl::StatusOr<std::vector<DeviceSpec>> LoadDevicesForPolicy(
    const Policy& policy);

}  // namespace joule

#endif  // JOULE_DEVICES_PROFILE_LOADER_H_
