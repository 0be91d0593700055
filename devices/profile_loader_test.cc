#include "devices/profile_loader.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/yaml_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

std::string SourcePath(const std::string& relative) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  return std::string(dir == nullptr ? "." : dir) + "/" + relative;
}

const DeviceSpec& Find(const std::vector<DeviceSpec>& specs,
                       const std::string& name) {
  auto it = std::find_if(specs.begin(), specs.end(),
                         [&](const DeviceSpec& s) { return s.name == name; });
  EXPECT_NE(it, specs.end()) << name;
  return *it;
}

// A valid one-device profile; tests splice faults into it.
constexpr char kValidDevice[] = R"(devices:
  - name: cpu0
    kind: cpu
    pstates:
      - {freq_khz: 1000000, voltage_mv: 700, dynamic_power_w: 0.5}
      - {freq_khz: 2000000, voltage_mv: 1000, dynamic_power_w: 2.0}
    static_power_w: 1.0
    peak_ops_per_s: {fp32: 1.0e11}
    mem_bw_bytes_per_s: 1.0e10
    thermal: {resistance_c_per_w: 10, capacitance_j_per_c: 1}
)";

std::string ErrorOf(const std::string& yaml) {
  absl::StatusOr<std::vector<DeviceSpec>> specs = ParseProfile(yaml, "p.yaml");
  EXPECT_FALSE(specs.ok());
  EXPECT_EQ(specs.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(specs.status().message());
}

// kValidDevice with its line starting with `from` replaced by `to`.
std::string WithLine(const std::string& from, const std::string& to) {
  std::string yaml = kValidDevice;
  const size_t at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  yaml.replace(at, yaml.find('\n', at) - at, to);
  return yaml;
}

TEST(ProfileLoaderTest, DefaultProfileHasCpuGpuAndNpuWithoutFp32OnTheNpu) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ(Find(*specs, "cpu0").kind, DeviceKind::kCpu);
  EXPECT_EQ(Find(*specs, "gpu0").kind, DeviceKind::kGpu);
  const DeviceSpec& npu = Find(*specs, "npu0");
  EXPECT_EQ(npu.kind, DeviceKind::kNpu);
  EXPECT_FALSE(npu.Supports(Precision::kFp32));
  EXPECT_TRUE(npu.Supports(Precision::kFp16));
  EXPECT_TRUE(npu.Supports(Precision::kInt8));
  EXPECT_TRUE(npu.Supports(Precision::kInt4));
  EXPECT_EQ(npu.peak_ops(Precision::kInt8), 6e12);  // the brief's 6 TOPS
  EXPECT_EQ(Find(*specs, "cpu0").pstates.back().freq_khz, 2400000u);
  for (const DeviceSpec& s : *specs) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(s.trip_passive_mc, 85000);
    EXPECT_GE(s.trip_critical_mc, 95000);
    EXPECT_LE(s.trip_critical_mc, 100000);
  }
}

// A rough roofline (top P-state, fully busy) to check that the default
// profile's numbers tell the story docs/ARCHITECTURE.md tells; the real cost
// model lives in scheduler/.
struct Estimate {
  double seconds;
  double joules;
};
Estimate Roofline(const DeviceSpec& d, Precision p, double ops, double bytes) {
  const double compute = ops / (d.peak_ops(p) * d.compute_efficiency);
  const double memory = bytes / (d.mem_bw_bytes_per_s * d.mem_bw_efficiency);
  const double t = std::max(compute, memory) + d.dispatch_overhead_s;
  return {t, (d.static_power_w + d.pstates.back().dynamic_power_w) * t};
}

TEST(ProfileLoaderTest, DefaultProfileFavoursTheNpuOnlyForComputeHeavyWork) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  const DeviceSpec& cpu = Find(*specs, "cpu0");
  const DeviceSpec& gpu = Find(*specs, "gpu0");
  const DeviceSpec& npu = Find(*specs, "npu0");

  // Compute-heavy INT8 (a detector at 1e11 ops, 10 MB): NPU fastest and
  // cheapest.
  const Estimate npu_int8 = Roofline(npu, Precision::kInt8, 1e11, 1e7);
  for (const DeviceSpec* other : {&cpu, &gpu}) {
    SCOPED_TRACE(other->name);
    const Estimate e = Roofline(*other, Precision::kInt8, 1e11, 1e7);
    EXPECT_LT(npu_int8.seconds, e.seconds);
    EXPECT_LT(npu_int8.joules, e.joules);
  }

  // Memory-bound with large weights (1e9 ops over 2 GB at FP32): the NPU
  // cannot run FP32 at all, and even at FP16 (1 GB) it streams slower than
  // the CPU and GPU.
  EXPECT_FALSE(npu.Supports(Precision::kFp32));
  const Estimate npu_fp16 = Roofline(npu, Precision::kFp16, 1e9, 1e9);
  for (const DeviceSpec* other : {&cpu, &gpu}) {
    SCOPED_TRACE(other->name);
    EXPECT_GT(npu_fp16.seconds,
              Roofline(*other, Precision::kFp16, 1e9, 1e9).seconds);
  }
}

TEST(ProfileLoaderTest, DefaultFileInTheSourceTreeIsTheEmbeddedOne) {
  if (std::getenv("JOULE_SOURCE_DIR") == nullptr) {
    GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  }
  const std::string path = SourcePath("devices/profiles/rk3588.yaml");
  absl::StatusOr<std::string> text = ReadTextFile(path);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, DefaultProfileYaml());
  absl::StatusOr<std::vector<DeviceSpec>> specs = LoadProfileFile(path);
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ(specs->size(), 3u);
}

TEST(ProfileLoaderTest, TestProfileHasItsDocumentedRoundNumbers) {
  if (std::getenv("JOULE_SOURCE_DIR") == nullptr) {
    GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  }
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      LoadProfileFile(SourcePath("devices/profiles/test_two_device.yaml"));
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 2u);

  const DeviceSpec& cpu = (*specs)[0];
  EXPECT_EQ(cpu.name, "cpu0");
  EXPECT_EQ(cpu.kind, DeviceKind::kCpu);
  ASSERT_EQ(cpu.pstates.size(), 2u);
  EXPECT_EQ(cpu.pstates[0].freq_khz, 1000000u);
  EXPECT_EQ(cpu.pstates[0].voltage_mv, 700u);
  EXPECT_EQ(cpu.pstates[0].dynamic_power_w, 0.5);
  EXPECT_EQ(cpu.pstates[1].freq_khz, 2000000u);
  EXPECT_EQ(cpu.pstates[1].dynamic_power_w, 2.0);
  EXPECT_EQ(cpu.static_power_w, 1.0);
  EXPECT_EQ(cpu.peak_ops(Precision::kFp32), 1e11);
  EXPECT_EQ(cpu.peak_ops(Precision::kFp16), 1e11);
  EXPECT_EQ(cpu.peak_ops(Precision::kInt8), 2e11);
  EXPECT_FALSE(cpu.Supports(Precision::kInt4));
  EXPECT_EQ(cpu.compute_efficiency, 1.0);
  EXPECT_EQ(cpu.mem_bw_bytes_per_s, 1e10);
  EXPECT_EQ(cpu.mem_bw_efficiency, 1.0);
  EXPECT_EQ(cpu.sram_bytes, 0);
  EXPECT_EQ(cpu.link_bw_bytes_per_s, 0);
  EXPECT_EQ(cpu.dispatch_overhead_s, 10e-6);
  EXPECT_EQ(cpu.thermal_resistance_c_per_w, 10);
  EXPECT_EQ(cpu.thermal_capacitance_j_per_c, 1);
  EXPECT_EQ(cpu.ambient_c, 25);
  EXPECT_EQ(cpu.trip_passive_mc, 50000);
  EXPECT_EQ(cpu.trip_critical_mc, 60000);
  // The comment's worked example: 1e9 FP32 ops and 1e8 bytes.
  const Estimate e = Roofline(cpu, Precision::kFp32, 1e9, 1e8);
  EXPECT_DOUBLE_EQ(e.seconds, 0.01 + 10e-6);
  EXPECT_NEAR(e.joules, 0.03, 1e-4);

  const DeviceSpec& npu = (*specs)[1];
  EXPECT_EQ(npu.name, "npu0");
  EXPECT_EQ(npu.kind, DeviceKind::kNpu);
  ASSERT_EQ(npu.pstates.size(), 2u);
  EXPECT_EQ(npu.pstates[0].freq_khz, 500000u);
  EXPECT_EQ(npu.pstates[1].dynamic_power_w, 1.0);
  EXPECT_EQ(npu.static_power_w, 0.1);
  EXPECT_FALSE(npu.Supports(Precision::kFp32));
  EXPECT_EQ(npu.peak_ops(Precision::kFp16), 1e11);
  EXPECT_EQ(npu.peak_ops(Precision::kInt8), 1e12);
  EXPECT_EQ(npu.peak_ops(Precision::kInt4), 1e12);
  EXPECT_EQ(npu.sram_bytes, 1e6);
  EXPECT_EQ(npu.link_bw_bytes_per_s, 1e9);
  EXPECT_EQ(npu.dispatch_overhead_s, 100e-6);
  EXPECT_EQ(npu.thermal_resistance_c_per_w, 20);
  EXPECT_EQ(npu.trip_passive_mc, 85000);
  EXPECT_EQ(npu.trip_critical_mc, 95000);
}

TEST(ProfileLoaderTest, OptionalKeysTakeTheStructDefaults) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(kValidDevice, "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  const DeviceSpec d = (*specs)[0];
  const DeviceSpec defaults;
  EXPECT_EQ(d.compute_efficiency, defaults.compute_efficiency);
  EXPECT_EQ(d.mem_bw_efficiency, defaults.mem_bw_efficiency);
  EXPECT_EQ(d.sram_bytes, 0);
  EXPECT_EQ(d.link_bw_bytes_per_s, 0);
  EXPECT_EQ(d.dispatch_overhead_s, 0);
  EXPECT_EQ(d.ambient_c, defaults.ambient_c);
  EXPECT_EQ(d.trip_passive_mc, defaults.trip_passive_mc);
  EXPECT_EQ(d.trip_critical_mc, defaults.trip_critical_mc);
  EXPECT_FALSE(d.Supports(Precision::kInt8));
  EXPECT_EQ(d.provider, "cpu");        // a CPU runs models on ORT's CPU kernels
  EXPECT_TRUE(d.idle_states.empty());  // never sleeps, as before
}

TEST(ProfileLoaderTest, IdleStatesAreReadShallowestFirst) {
  absl::StatusOr<std::vector<DeviceSpec>> specs = ParseProfile(
      std::string(kValidDevice) +
          "    idle_states:\n"
          "      - {name: gate, power_w: 0.5, exit_latency_us: 10}\n"
          "      - {name: 'off', power_w: 0.01, entry_latency_us: 200, "
          "exit_latency_us: 2000, min_residency_us: 5000, "
          "transition_energy_j: 2e-3}\n",
      "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  const std::vector<IdleState>& s = (*specs)[0].idle_states;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "gate");
  EXPECT_EQ(s[0].power_w, 0.5);
  EXPECT_EQ(s[0].entry_latency_us, 0);
  EXPECT_EQ(s[0].exit_latency_us, 10);
  EXPECT_EQ(s[0].transition_energy_j, 0);
  EXPECT_EQ(s[1].name, "off");
  EXPECT_EQ(s[1].entry_latency_us, 200);
  EXPECT_EQ(s[1].exit_latency_us, 2000);
  EXPECT_EQ(s[1].min_residency_us, 5000);
  EXPECT_EQ(s[1].transition_energy_j, 2e-3);
}

TEST(ProfileLoaderTest, IdleStatesOutOfOrderAreRefused) {
  const std::string base = std::string(kValidDevice) + "    idle_states:\n";
  EXPECT_THAT(ErrorOf(base + "      - {name: a, power_w: 1.0, "
                             "exit_latency_us: 1}\n"),
              HasSubstr("power_w: must be below static_power_w (1)"));
  EXPECT_THAT(
      ErrorOf(base + "      - {name: a, power_w: 0.5, exit_latency_us: 1}\n"
                     "      - {name: b, power_w: 0.6, exit_latency_us: 2}\n"),
      HasSubstr("must be below the previous state's (0.5)"));
  EXPECT_THAT(
      ErrorOf(base + "      - {name: a, power_w: 0.5, exit_latency_us: 10}\n"
                     "      - {name: b, power_w: 0.1, exit_latency_us: 2}\n"),
      HasSubstr("exit_latency_us: must not be below the previous state's"));
  EXPECT_THAT(
      ErrorOf(base + "      - {name: a, power_w: 0.5, exit_latency_us: 1}\n"
                     "      - {name: a, power_w: 0.1, exit_latency_us: 2}\n"),
      HasSubstr("duplicate idle state 'a'"));
  EXPECT_THAT(ErrorOf(base + "      - {name: a, power_w: 0.5}\n"),
              HasSubstr("exit_latency_us"));
}

TEST(ProfileLoaderTest, ProviderDefaultsByKindAndIsValidated) {
  std::string gpu = WithLine("    kind: cpu", "    kind: gpu");
  absl::StatusOr<std::vector<DeviceSpec>> specs = ParseProfile(gpu, "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ((*specs)[0].provider, "");  // simulated unless it names one
  specs = ParseProfile(gpu + "    provider: cuda\n", "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ((*specs)[0].provider, "cuda");
  specs = ParseProfile(std::string(kValidDevice) + "    provider: \"\"\n",
                       "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ((*specs)[0].provider, "");  // a CPU may be simulated too
  EXPECT_EQ(ErrorOf(std::string(kValidDevice) + "    provider: \"cu da\"\n"),
            "p.yaml:11:15: devices[0].provider: must be an execution provider "
            "name (letters, digits, '_', '-' or '.'), or empty, got 'cu da'");
}

TEST(ProfileLoaderTest, DuplicateNameIsReportedAtTheSecondName) {
  std::string yaml = kValidDevice;
  yaml += std::string(kValidDevice).substr(sizeof("devices:"));
  EXPECT_EQ(ErrorOf(yaml),
            "p.yaml:11:11: devices[1].name: duplicate device name 'cpu0' "
            "(first at 2:11)");
}

TEST(ProfileLoaderTest, FrequenciesMustRiseStrictly) {
  EXPECT_EQ(
      ErrorOf(WithLine(
          "      - {freq_khz: 2000000",
          "      - {freq_khz: 1000000, voltage_mv: 1000, dynamic_power_w: 2}")),
      "p.yaml:6:20: devices[0].pstates[1].freq_khz: must be above the "
      "previous P-state's (1000000); list P-states slowest first");
  EXPECT_EQ(
      ErrorOf(WithLine(
          "      - {freq_khz: 2000000",
          "      - {freq_khz: 2000000, voltage_mv: 600, dynamic_power_w: 2}")),
      "p.yaml:6:41: devices[0].pstates[1].voltage_mv: must not be below the "
      "previous P-state's (700)");
  EXPECT_EQ(
      ErrorOf(WithLine("      - {freq_khz: 2000000",
                       "      - {freq_khz: 2000000, voltage_mv: 700, "
                       "dynamic_power_w: 0.5}")),
      "p.yaml:6:63: devices[0].pstates[1].dynamic_power_w: must be above the "
      "previous P-state's (0.5)");
  EXPECT_EQ(ErrorOf(WithLine("      - {freq_khz: 2000000",
                             "      - {freq_khz: 2000000, voltage_mv: 1000, "
                             "dynamic_power_w: 0}")),
            "p.yaml:6:64: devices[0].pstates[1].dynamic_power_w: must be > 0, "
            "got 0");
}

TEST(ProfileLoaderTest, UnknownKindListsTheKinds) {
  EXPECT_EQ(ErrorOf(WithLine("    kind: cpu", "    kind: dsp")),
            "p.yaml:3:11: devices[0].kind: must be one of cpu, gpu, npu; got "
            "'dsp'");
}

TEST(ProfileLoaderTest, MissingRequiredKeyIsReportedAtTheDeviceEntry) {
  EXPECT_EQ(ErrorOf(WithLine("    mem_bw_bytes_per_s", "")),
            "p.yaml:2:5: devices[0]: missing required key "
            "'mem_bw_bytes_per_s'");
  EXPECT_EQ(ErrorOf(WithLine("    thermal:",
                             "    thermal: {resistance_c_per_w: 10}")),
            "p.yaml:10:14: devices[0].thermal: missing required key "
            "'capacitance_j_per_c'");
  EXPECT_EQ(ErrorOf("soc: x\n"), "p.yaml:1:1: missing required key 'devices'");
}

TEST(ProfileLoaderTest, ConversionsNeedAPeakAndAPrecisionName) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(WithLine("    peak_ops_per_s",
                            "    peak_ops_per_s: {fp16: 1e11, int8: 1e12}\n"
                            "    converts_models_to: fp16, int8"),
                   "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_TRUE((*specs)[0].ConvertsModelsTo(Precision::kFp16));
  EXPECT_TRUE((*specs)[0].ConvertsModelsTo(Precision::kInt8));
  EXPECT_FALSE((*specs)[0].ConvertsModelsTo(Precision::kFp32));
  EXPECT_EQ(
      ErrorOf(std::string(kValidDevice) + "    converts_models_to: fp16\n"),
      "p.yaml:11:25: devices[0].converts_models_to: fp16 has no peak in "
      "peak_ops_per_s");
  EXPECT_EQ(
      ErrorOf(std::string(kValidDevice) + "    converts_models_to: bf16\n"),
      "p.yaml:11:25: devices[0].converts_models_to: 'bf16' is not a "
      "precision (fp32, fp16, int8, int4)");
  // Nothing listed: nothing converted.
  specs = ParseProfile(kValidDevice, "p.yaml");
  ASSERT_TRUE(specs.ok());
  for (Precision p : kAllPrecisions) {
    EXPECT_FALSE((*specs)[0].ConvertsModelsTo(p));
  }
}

TEST(ProfileLoaderTest, OtherFaultsArePositioned) {
  EXPECT_EQ(ErrorOf("devices:\n  - name: cpu0\n    kind: cpu\n"
                    "    pstates: []\n"),
            "p.yaml:4:14: devices[0].pstates: must list at least one P-state");
  EXPECT_EQ(ErrorOf(WithLine("    peak_ops_per_s",
                             "    peak_ops_per_s: {fp32: 0, int8: 0}")),
            "p.yaml:8:21: devices[0].peak_ops_per_s: at least one precision "
            "needs a peak above 0");
  EXPECT_EQ(ErrorOf(WithLine("    peak_ops_per_s",
                             "    peak_ops_per_s: {fp64: 1e9}")),
            "p.yaml:8:22: unknown key 'fp64' in 'devices[0].peak_ops_per_s'; "
            "did you mean 'fp32'? (allowed: fp32, fp16, int8, int4)");
  EXPECT_EQ(
      ErrorOf(WithLine("    mem_bw_bytes_per_s", "    mem_bw_bytes_per_s: 0")),
      "p.yaml:9:25: devices[0].mem_bw_bytes_per_s: must be > 0, got 0");
  EXPECT_EQ(
      ErrorOf(std::string(kValidDevice) + "    compute_efficiency: 1.2\n"),
      "p.yaml:11:25: devices[0].compute_efficiency: must be in (0, 1], "
      "got 1.2");
  EXPECT_EQ(ErrorOf(WithLine("    thermal:",
                             "    thermal: {resistance_c_per_w: 0, "
                             "capacitance_j_per_c: 1}")),
            "p.yaml:10:35: devices[0].thermal.resistance_c_per_w: must be > 0, "
            "got 0");
  EXPECT_EQ(ErrorOf(WithLine("    thermal:",
                             "    thermal: {resistance_c_per_w: 1, "
                             "capacitance_j_per_c: 1, trip_passive_mc: 90000, "
                             "trip_critical_mc: 90000}")),
            "p.yaml:10:79: devices[0].thermal.trip_passive_mc: "
            "trip_passive_mc (90000) must be below trip_critical_mc (90000)");
  EXPECT_EQ(ErrorOf(WithLine("  - name: cpu0", "  - name: \"cpu 0\"")),
            "p.yaml:2:11: devices[0].name: must be letters, digits, '_', '-' "
            "or '.', got 'cpu 0'");
  EXPECT_EQ(ErrorOf(std::string(kValidDevice) + "    speed: 3\n"),
            "p.yaml:11:5: unknown key 'speed' in 'devices[0]' (allowed: name, "
            "kind, provider, pstates, static_power_w, idle_states, "
            "peak_ops_per_s, "
            "converts_models_to, compute_efficiency, mem_bw_bytes_per_s, "
            "mem_bw_efficiency, "
            "sram_bytes, link_bw_bytes_per_s, dispatch_overhead_s, thermal)");
  EXPECT_EQ(ErrorOf("devices: []\n"),
            "p.yaml:1:10: devices: must list at least one device");
  EXPECT_EQ(ErrorOf("devices:\n  - name: [\n"),
            "p.yaml:3:1: end of sequence flow not found");
}

TEST(ProfileLoaderTest, UnreadableFileNamesThePath) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      LoadProfileFile("/nonexistent/profile.yaml");
  EXPECT_EQ(specs.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(specs.status().message(),
            "cannot open '/nonexistent/profile.yaml': No such file or "
            "directory");
}

TEST(ApplyDeviceOverridesTest, NonzeroTripsReplaceTheProfiles) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_TRUE(ApplyDeviceOverrides(
                  {{"npu0", {80000, 95000}}, {"cpu0", {0, 98000}}}, &*specs)
                  .ok());
  EXPECT_EQ(Find(*specs, "npu0").trip_passive_mc, 80000);
  EXPECT_EQ(Find(*specs, "npu0").trip_critical_mc, 95000);
  EXPECT_EQ(Find(*specs, "cpu0").trip_passive_mc, 85000);  // kept
  EXPECT_EQ(Find(*specs, "cpu0").trip_critical_mc, 98000);
  EXPECT_EQ(Find(*specs, "gpu0").trip_critical_mc, 100000);  // untouched
}

TEST(ApplyDeviceOverridesTest, UnknownDeviceIsNamedWithTheKnownOnes) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  const std::vector<DeviceSpec> before = *specs;
  absl::Status s = ApplyDeviceOverrides(
      {{"cpu0", {80000, 0}}, {"tpu0", {80000, 0}}}, &*specs);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "device override for unknown device 'tpu0'; the profile's devices "
            "are: cpu0, gpu0, npu0");
  EXPECT_EQ(Find(*specs, "cpu0").trip_passive_mc,
            Find(before, "cpu0").trip_passive_mc);  // unchanged on error
}

TEST(ApplyDeviceOverridesTest, PassiveMustStayBelowCritical) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  absl::Status s = ApplyDeviceOverrides({{"gpu0", {0, 80000}}}, &*specs);
  EXPECT_EQ(s.message(),
            "device 'gpu0': after overrides trip_passive_mc (85000) must be "
            "below trip_critical_mc (80000)");
}

// kValidDevice plus a second device, npu0, under a top-level block `head`.
std::string TwoDevicesUnder(const std::string& head) {
  std::string second = std::string(kValidDevice).substr(sizeof("devices:"));
  second.replace(second.find("cpu0"), 4, "npu0");
  return head + kValidDevice + second;
}

constexpr char kNetwork[] = R"(thermal:
  ambient_c: 40
  sink: {resistance_c_per_w: 10, capacitance_j_per_c: 20}
  coupling:
    - {a: cpu0, b: npu0, resistance_c_per_w: 4}
)";

TEST(ProfileThermalNetworkTest, TopLevelBlockReachesEverySpec) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(TwoDevicesUnder(kNetwork), "p.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 2u);
  for (const DeviceSpec& d : *specs) {
    ASSERT_TRUE(d.soc_thermal.has_value()) << d.name;
    EXPECT_EQ(d.ambient_c, 40) << d.name;  // the network's
    EXPECT_EQ(d.soc_thermal->sink_resistance_c_per_w, 10);
    EXPECT_EQ(d.soc_thermal->sink_capacitance_j_per_c, 20);
    ASSERT_EQ(d.soc_thermal->couplings.size(), 1u);
    EXPECT_EQ(d.soc_thermal->couplings[0].a, "cpu0");
    EXPECT_EQ(d.soc_thermal->couplings[0].b, "npu0");
    EXPECT_EQ(d.soc_thermal->couplings[0].resistance_c_per_w, 4);
    EXPECT_EQ(d.thermal_resistance_c_per_w, 10);  // now to the sink
  }
  // Without the block: independent RC models, as before.
  specs = ParseProfile(kValidDevice, "p.yaml");
  ASSERT_TRUE(specs.ok());
  EXPECT_FALSE((*specs)[0].soc_thermal.has_value());
}

TEST(ProfileThermalNetworkTest, ErrorsNameTheKey) {
  struct Case {
    std::string yaml;
    const char* error;
  } cases[] = {
      {TwoDevicesUnder("thermal: {ambient_c: 30}\n"),
       "thermal: missing required key 'sink'"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 10}\n"),
       "thermal.sink: missing required key 'capacitance_j_per_c'"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 0, "
                       "capacitance_j_per_c: 1}\n"),
       "thermal.sink.resistance_c_per_w: must be > 0"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 1, "
                       "capacitance_j_per_c: 1}\n  fan: true\n"),
       "p.yaml:3:3: unknown key 'fan' in 'thermal'"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 1, "
                       "capacitance_j_per_c: 1}\n  coupling:\n"
                       "    - {a: cpu0, b: gpu9, resistance_c_per_w: 4}\n"),
       "thermal.coupling[0].b: 'gpu9' is not a device of the profile"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 1, "
                       "capacitance_j_per_c: 1}\n  coupling:\n"
                       "    - {a: cpu0, b: cpu0, resistance_c_per_w: 4}\n"),
       "thermal.coupling[0].b: a coupling joins two different devices"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 1, "
                       "capacitance_j_per_c: 1}\n  coupling:\n"
                       "    - {a: cpu0, b: npu0, resistance_c_per_w: 4}\n"
                       "    - {a: npu0, b: cpu0, resistance_c_per_w: 2}\n"),
       "p.yaml:5:11: thermal.coupling[1].a: duplicate coupling npu0-cpu0 "
       "(first at 4:11)"},
      {TwoDevicesUnder("thermal:\n  sink: {resistance_c_per_w: 1, "
                       "capacitance_j_per_c: 1}\n  coupling:\n"
                       "    - {a: cpu0, b: npu0}\n"),
       "thermal.coupling[0]: missing required key 'resistance_c_per_w'"},
      // A device's own ambient beside the network's.
      {"thermal:\n  sink: {resistance_c_per_w: 1, capacitance_j_per_c: 1}\n" +
           WithLine("    thermal:",
                    "    thermal: {resistance_c_per_w: 1, "
                    "capacitance_j_per_c: 1, ambient_c: 30}"),
       "devices[0].thermal.ambient_c: the profile's top-level thermal block "
       "sets ambient_c for every device; remove it here"},
      // The network's ambient must be below every passive trip.
      {TwoDevicesUnder("thermal:\n  ambient_c: 90\n  sink: "
                       "{resistance_c_per_w: 1, capacitance_j_per_c: 1}\n"),
       "devices[0].thermal.trip_passive_mc: ambient_c (90) must be below the "
       "passive trip (85 C)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ErrorOf(c.yaml), HasSubstr(c.error)) << c.yaml;
  }
}

TEST(ProfileThermalNetworkTest, EmbeddedProfileIsOneNetwork) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  for (const DeviceSpec& d : *specs) {
    ASSERT_TRUE(d.soc_thermal.has_value()) << d.name;
    EXPECT_EQ(d.ambient_c, 25);
  }
  const SocThermal& soc = *(*specs)[0].soc_thermal;
  // The profile's derivation: idle (static power only) puts the sink at
  // 25 + 1.0 * R = 35 C; τ_sink = R * C = 200 s.
  double static_w = 0;
  for (const DeviceSpec& d : *specs) static_w += d.static_power_w;
  EXPECT_NEAR(25 + static_w * soc.sink_resistance_c_per_w, 35, 1e-9);
  EXPECT_NEAR(soc.sink_resistance_c_per_w * soc.sink_capacitance_j_per_c, 200,
              1e-9);
  ASSERT_EQ(soc.couplings.size(), 1u);
  EXPECT_EQ(soc.couplings[0].a, "gpu0");
  EXPECT_EQ(soc.couplings[0].b, "npu0");
}

TEST(ApplyAmbientOverrideTest, SetsEveryDeviceOrNone) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "rk3588.yaml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_TRUE(ApplyAmbientOverride(45, &*specs).ok());
  for (const DeviceSpec& d : *specs) EXPECT_EQ(d.ambient_c, 45) << d.name;
  struct Case {
    double ambient_c;
    const char* error;
  } cases[] = {
      {85,
       "ambient_c (85) must be below the passive trip of device 'cpu0' "
       "(85 C)"},
      {-60, "ambient_c -60 must be"},
  };
  for (const Case& c : cases) {
    absl::Status s = ApplyAmbientOverride(c.ambient_c, &*specs);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.error));
    EXPECT_EQ(Find(*specs, "npu0").ambient_c, 45);  // unchanged on error
  }
}

TEST(LoadDevicesForPolicyTest, EmbeddedProfileWithOverrides) {
  Policy policy;
  policy.device_overrides["npu0"] = {80000, 95000};
  absl::StatusOr<std::vector<DeviceSpec>> specs = LoadDevicesForPolicy(policy);
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ(Find(*specs, "npu0").trip_passive_mc, 80000);

  policy.device_profile = "/nonexistent/board.yaml";
  EXPECT_THAT(std::string(LoadDevicesForPolicy(policy).status().message()),
              HasSubstr("/nonexistent/board.yaml"));
}

}  // namespace
}  // namespace joule
