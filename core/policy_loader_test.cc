#include "core/policy_loader.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

// Compares every field, so a field added to Policy without a key shows up
// here as a default-YAML mismatch only if this list is kept complete.
void ExpectPolicyEq(const Policy& a, const Policy& b) {
  for (int c = 0; c < kNumPriorityClasses; ++c) {
    SCOPED_TRACE(PriorityClassName(static_cast<PriorityClass>(c)));
    EXPECT_EQ(a.scheduler.class_weights[c].latency_weight_per_s,
              b.scheduler.class_weights[c].latency_weight_per_s);
    EXPECT_EQ(a.scheduler.class_weights[c].energy_weight_per_j,
              b.scheduler.class_weights[c].energy_weight_per_j);
  }
  EXPECT_EQ(a.scheduler.max_queue_per_device, b.scheduler.max_queue_per_device);
  EXPECT_EQ(a.scheduler.max_finished_jobs, b.scheduler.max_finished_jobs);
  EXPECT_EQ(a.scheduler.placement, b.scheduler.placement);
  EXPECT_EQ(a.scheduler.frame_skip.enabled, b.scheduler.frame_skip.enabled);
  EXPECT_EQ(a.scheduler.frame_skip.max_streams,
            b.scheduler.frame_skip.max_streams);
  ASSERT_EQ(a.scheduler.frame_skip.models.size(),
            b.scheduler.frame_skip.models.size());
  for (const auto& [name, m] : a.scheduler.frame_skip.models) {
    SCOPED_TRACE(name);
    ASSERT_EQ(b.scheduler.frame_skip.models.count(name), 1u);
    EXPECT_EQ(m.threshold, b.scheduler.frame_skip.models.at(name).threshold);
    EXPECT_EQ(m.max_age_ms, b.scheduler.frame_skip.models.at(name).max_age_ms);
  }
  EXPECT_EQ(a.governor.policy, b.governor.policy);
  EXPECT_EQ(a.governor.period_ms, b.governor.period_ms);
  EXPECT_EQ(a.governor.window_ms, b.governor.window_ms);
  EXPECT_EQ(a.governor.k, b.governor.k);
  EXPECT_EQ(a.governor.up_threshold, b.governor.up_threshold);
  EXPECT_EQ(a.governor.down_threshold, b.governor.down_threshold);
  EXPECT_EQ(a.governor.change_filter, b.governor.change_filter);
  EXPECT_EQ(a.governor.min_interval_ms, b.governor.min_interval_ms);
  EXPECT_EQ(a.governor.idle_states, b.governor.idle_states);
  EXPECT_EQ(a.governor.idle_max_exit_latency_us,
            b.governor.idle_max_exit_latency_us);
  EXPECT_EQ(a.thermal.hysteresis_mc, b.thermal.hysteresis_mc);
  EXPECT_EQ(a.thermal.step_interval_ms, b.thermal.step_interval_ms);
  EXPECT_EQ(a.power.cap_w, b.power.cap_w);
  EXPECT_EQ(a.power.tolerance_pct, b.power.tolerance_pct);
  EXPECT_EQ(a.power.kp, b.power.kp);
  EXPECT_EQ(a.power.ki_per_s, b.power.ki_per_s);
  EXPECT_EQ(a.power.kd_s, b.power.kd_s);
  EXPECT_EQ(a.power.integral_max_fraction, b.power.integral_max_fraction);
  EXPECT_EQ(a.device_profile, b.device_profile);
  EXPECT_EQ(a.onnxruntime.library, b.onnxruntime.library);
  EXPECT_EQ(a.onnxruntime.intra_op_threads, b.onnxruntime.intra_op_threads);
  EXPECT_EQ(a.onnxruntime.allow_spinning, b.onnxruntime.allow_spinning);
  EXPECT_EQ(a.onnxruntime.graph_optimization, b.onnxruntime.graph_optimization);
  EXPECT_TRUE(a.onnxruntime == b.onnxruntime);
  ASSERT_EQ(a.device_overrides.size(), b.device_overrides.size());
  for (const auto& [name, o] : a.device_overrides) {
    SCOPED_TRACE(name);
    ASSERT_EQ(b.device_overrides.count(name), 1u);
    EXPECT_EQ(o.trip_passive_mc, b.device_overrides.at(name).trip_passive_mc);
    EXPECT_EQ(o.trip_critical_mc, b.device_overrides.at(name).trip_critical_mc);
  }
}

std::string ErrorOf(const std::string& yaml) {
  absl::StatusOr<Policy> p = ParsePolicy(yaml, "p.yaml");
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(p.status().message());
}

TEST(PolicyLoaderTest, EmbeddedDefaultParsesToTheDefaultPolicy) {
  absl::StatusOr<Policy> p = ParsePolicy(DefaultPolicyYaml(), "default.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  ExpectPolicyEq(*p, Policy{});
}

TEST(PolicyLoaderTest, DefaultFileInTheSourceTreeIsTheEmbeddedOne) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  const std::string path = std::string(dir) + "/deploy/policy/default.yaml";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(text, DefaultPolicyYaml());
  absl::StatusOr<Policy> p = LoadPolicyFile(path);
  ASSERT_TRUE(p.ok()) << p.status();
  ExpectPolicyEq(*p, Policy{});
}

TEST(PolicyLoaderTest, EmptyDocumentMeansDefaults) {
  for (const char* yaml : {"", "# just a comment\n", "scheduler:\n"}) {
    absl::StatusOr<Policy> p = ParsePolicy(yaml, "p.yaml");
    ASSERT_TRUE(p.ok()) << p.status();
    ExpectPolicyEq(*p, Policy{});
  }
}

TEST(PolicyLoaderTest, EveryKeyMapsOntoItsField) {
  absl::StatusOr<Policy> p = ParsePolicy(R"(
scheduler:
  max_queue_per_device: 8
  max_finished_jobs: 0
  placement: eft
  classes:
    realtime:    {latency_weight_per_s: 20, energy_weight_per_j: 0.5}
    interactive: {latency_weight_per_s: 2,  energy_weight_per_j: 3}
    batch:       {latency_weight_per_s: 0,  energy_weight_per_j: 4}
governor:
  policy: powersave
  period_ms: 50
  window_ms: 2000
  k: 2.5
  up_threshold: 0.9
  down_threshold: 0.2
  change_filter: 0.05
  min_interval_ms: 250
  idle_states: false
  idle_max_exit_latency_us: 1500
thermal:
  hysteresis_mc: 3000
  step_interval_ms: 400
power:
  cap_w: 6.5
  tolerance_pct: 2
  kp: 0.2
  ki_per_s: 0.4
  kd_s: 0.01
  integral_max_fraction: 0.25
devices:
  profile: /etc/joule/board.yaml
  overrides:
    npu0: {trip_passive_mc: 80000, trip_critical_mc: 95000}
    cpu0: {trip_critical_mc: 98000}
executors:
  onnxruntime:
    library: /opt/ort/lib/libonnxruntime.so.1
    intra_op_threads: 2
    allow_spinning: false
    graph_optimization: extended
)",
                                         "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  Policy want;
  want.scheduler.max_queue_per_device = 8;
  want.scheduler.max_finished_jobs = 0;
  want.scheduler.placement = PlacementStrategy::kEft;
  want.scheduler.class_weights[0] = {20, 0.5};
  want.scheduler.class_weights[1] = {2, 3};
  want.scheduler.class_weights[2] = {0, 4};
  want.governor.policy = GovernorPolicy::kPowersave;
  want.governor.period_ms = 50;
  want.governor.window_ms = 2000;
  want.governor.k = 2.5;
  want.governor.up_threshold = 0.9;
  want.governor.down_threshold = 0.2;
  want.governor.change_filter = 0.05;
  want.governor.min_interval_ms = 250;
  want.governor.idle_states = false;
  want.governor.idle_max_exit_latency_us = 1500;
  want.thermal.hysteresis_mc = 3000;
  want.thermal.step_interval_ms = 400;
  want.power.cap_w = 6.5;
  want.power.tolerance_pct = 2;
  want.power.kp = 0.2;
  want.power.ki_per_s = 0.4;
  want.power.kd_s = 0.01;
  want.power.integral_max_fraction = 0.25;
  want.device_profile = "/etc/joule/board.yaml";
  want.device_overrides["npu0"] = {80000, 95000};
  want.device_overrides["cpu0"] = {0, 98000};
  want.onnxruntime.library = "/opt/ort/lib/libonnxruntime.so.1";
  want.onnxruntime.intra_op_threads = 2;
  want.onnxruntime.allow_spinning = false;
  want.onnxruntime.graph_optimization = GraphOptimization::kExtended;
  ExpectPolicyEq(*p, want);
}

TEST(PolicyLoaderTest, EveryPlacementAndGovernorPolicyIsAccepted) {
  for (const char* name : {"joule", "round_robin", "fastest", "eft"}) {
    absl::StatusOr<Policy> p =
        ParsePolicy(std::string("scheduler:\n  placement: ") + name, "p");
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(PlacementStrategyName(p->scheduler.placement), name);
  }
  for (const char* name : {"adaptive", "performance", "powersave", "ondemand",
                           "schedutil", "conservative"}) {
    absl::StatusOr<Policy> p =
        ParsePolicy(std::string("governor:\n  policy: ") + name, "p");
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(GovernorPolicyName(p->governor.policy), name);
  }
  for (const char* name : {"disable", "basic", "extended", "all"}) {
    absl::StatusOr<Policy> p = ParsePolicy(
        std::string("executors:\n  onnxruntime:\n    graph_optimization: ") +
            name,
        "p");
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(GraphOptimizationName(p->onnxruntime.graph_optimization), name);
  }
}

TEST(PolicyLoaderTest, PartialClassKeepsTheOtherWeightsDefault) {
  absl::StatusOr<Policy> p = ParsePolicy(
      "scheduler:\n  classes:\n    batch: {energy_weight_per_j: 2}\n", "p");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->scheduler.class_weights[2].latency_weight_per_s, 0.1);
  EXPECT_EQ(p->scheduler.class_weights[2].energy_weight_per_j, 2);
}

TEST(PolicyLoaderTest, UnknownNestedKeyIsReportedAtTheKey) {
  EXPECT_EQ(ErrorOf("governor:\n  period_ms: 100\n  perod_ms: 5\n"),
            "p.yaml:3:3: unknown key 'perod_ms' in 'governor'; did you mean "
            "'period_ms'? (allowed: policy, period_ms, window_ms, k, "
            "up_threshold, down_threshold, change_filter, min_interval_ms, "
            "idle_states, idle_max_exit_latency_us)");
  EXPECT_EQ(ErrorOf("scheduler:\n  classes:\n    realtime:\n"
                    "      latency_weight: 1\n"),
            "p.yaml:4:7: unknown key 'latency_weight' in "
            "'scheduler.classes.realtime' (allowed: latency_weight_per_s, "
            "energy_weight_per_j)");
  EXPECT_THAT(ErrorOf("scheduler:\n  classes:\n    bulk: {}\n"),
              HasSubstr("p.yaml:3:5: unknown key 'bulk' in 'scheduler.classes'"
                        " (allowed: realtime, interactive, batch)"));
  EXPECT_THAT(ErrorOf("governer: {}\n"),
              HasSubstr("p.yaml:1:1: unknown key 'governer' at the top level; "
                        "did you mean 'governor'?"));
}

TEST(PolicyLoaderTest, WrongTypeIsReportedAtTheValue) {
  EXPECT_EQ(ErrorOf("governor:\n  k: abc\n"),
            "p.yaml:2:6: governor.k: expected a number, got 'abc'");
  EXPECT_EQ(ErrorOf("governor:\n  period_ms: 0.5\n"),
            "p.yaml:2:14: governor.period_ms: expected an integer, got '0.5'");
  EXPECT_EQ(ErrorOf("thermal: 5\n"),
            "p.yaml:1:10: thermal: expected a mapping, got '5'");
  EXPECT_EQ(ErrorOf("devices:\n  profile: [a]\n"),
            "p.yaml:2:12: devices.profile: expected a string, got a sequence");
}

TEST(PolicyLoaderTest, OutOfRangeIsReportedAtTheValue) {
  EXPECT_EQ(ErrorOf("executors:\n  onnxruntime:\n    intra_op_threads: 999\n"),
            "p.yaml:3:23: executors.onnxruntime.intra_op_threads: must be in "
            "[0, 256], got 999");
  EXPECT_EQ(ErrorOf("governor:\n  period_ms: 0\n"),
            "p.yaml:2:14: governor.period_ms: must be in [1, 60000], got 0");
  EXPECT_EQ(ErrorOf("governor:\n  up_threshold: 1.5\n"),
            "p.yaml:2:17: governor.up_threshold: must be in [0, 1], got 1.5");
  EXPECT_EQ(ErrorOf("scheduler:\n  max_queue_per_device: 0\n"),
            "p.yaml:2:25: scheduler.max_queue_per_device: must be >= 1, got 0");
  EXPECT_EQ(ErrorOf("scheduler:\n  max_queue_per_device: -3\n"),
            "p.yaml:2:25: scheduler.max_queue_per_device: must be an integer "
            "in [0, 4294967295], got -3");
  EXPECT_EQ(ErrorOf("power:\n  cap_w: -1\n"),
            "p.yaml:2:10: power.cap_w: must be in [0, 100000], got -1");
  EXPECT_EQ(
      ErrorOf("thermal:\n  hysteresis_mc: -1\n"),
      "p.yaml:2:18: thermal.hysteresis_mc: must be in [0, 50000], got -1");
  EXPECT_EQ(ErrorOf("governor:\n  policy: turbo\n"),
            "p.yaml:2:11: governor.policy: must be one of adaptive, "
            "performance, powersave, ondemand, schedutil, conservative, slack; "
            "got "
            "'turbo'");
  EXPECT_EQ(ErrorOf("scheduler:\n  placement: random\n"),
            "p.yaml:2:14: scheduler.placement: must be one of joule, "
            "round_robin, fastest, eft; got 'random'");
  EXPECT_EQ(ErrorOf("scheduler:\n  classes:\n    batch:\n"
                    "      latency_weight_per_s: -0.1\n"),
            "p.yaml:4:29: scheduler.classes.batch.latency_weight_per_s: must "
            "be >= 0, got -0.1");
}

TEST(PolicyLoaderTest, CrossFieldRules) {
  EXPECT_EQ(ErrorOf("governor:\n  up_threshold: 0.5\n  down_threshold: 0.5\n"),
            "p.yaml:3:19: governor.down_threshold: down_threshold (0.5) must "
            "be below up_threshold (0.5)");
  // Without down_threshold in the file, the error points at up_threshold.
  EXPECT_EQ(ErrorOf("governor:\n  up_threshold: 0.2\n"),
            "p.yaml:2:17: governor.up_threshold: down_threshold (0.3) must be "
            "below up_threshold (0.2)");
  EXPECT_EQ(ErrorOf("governor:\n  period_ms: 200\n  window_ms: 100\n"),
            "p.yaml:3:14: governor.window_ms: window_ms (100) must be at least "
            "period_ms (200)");
  EXPECT_EQ(ErrorOf("scheduler:\n  classes:\n    batch:\n"
                    "      latency_weight_per_s: 0\n"
                    "      energy_weight_per_j: 0\n"),
            "p.yaml:4:7: scheduler.classes.batch: latency_weight_per_s and "
            "energy_weight_per_j must not both be 0");
}

TEST(PolicyLoaderTest, OverridesAreValidated) {
  EXPECT_EQ(ErrorOf("devices:\n  overrides:\n    npu0:\n"
                    "      trip_passive_mc: 96000\n"
                    "      trip_critical_mc: 95000\n"),
            "p.yaml:4:24: devices.overrides.npu0.trip_passive_mc: "
            "trip_passive_mc (96000) must be below trip_critical_mc (95000)");
  EXPECT_EQ(
      ErrorOf("devices:\n  overrides:\n    npu0: {trip_passive_mc: 85}\n"),
      "p.yaml:3:29: devices.overrides.npu0.trip_passive_mc: must be 0 "
      "(keep the profile's) or in [10000, 150000] milli-degrees C, got "
      "85");
  EXPECT_EQ(ErrorOf("devices:\n  overrides:\n    npu0: {trip: 1}\n"),
            "p.yaml:3:12: unknown key 'trip' in 'devices.overrides.npu0' "
            "(allowed: trip_passive_mc, trip_critical_mc)");
  EXPECT_EQ(ErrorOf("devices:\n  overrides:\n    npu0: 5\n"),
            "p.yaml:3:11: devices.overrides.npu0: expected a mapping, got '5'");
}

TEST(PolicyLoaderTest, MalformedYamlIsReportedAtItsPosition) {
  EXPECT_EQ(ErrorOf("governor: {period_ms: [1, 2}\n"),
            "p.yaml:1:28: illegal flow end");
  EXPECT_EQ(ErrorOf("scheduler:\n  classes: [realtime\n"),
            "p.yaml:3:1: end of sequence flow not found");
}

TEST(PolicyLoaderTest, DuplicateKeyIsAnError) {
  EXPECT_EQ(ErrorOf("governor:\n  k: 1\n  k: 2\n"),
            "p.yaml:3:3: governor: duplicate key 'k' (first at 2:3)");
}

TEST(PolicyLoaderTest, UnreadableFileNamesThePathAndTheReason) {
  absl::StatusOr<Policy> p = LoadPolicyFile("/nonexistent/joule/policy.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(p.status().message(),
            "cannot open '/nonexistent/joule/policy.yaml': No such file or "
            "directory");
}

TEST(PolicyLoaderTest, FileErrorsNameTheFile) {
  const std::string path = testing::TempDir() + "policy_loader_test_bad.yaml";
  std::ofstream(path) << "thermal:\n  step_interval_ms: 0\n";
  absl::StatusOr<Policy> p = LoadPolicyFile(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(std::string(p.status().message()),
            path +
                ":2:21: thermal.step_interval_ms: must be in [1, 3600000], "
                "got 0");
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

TEST(PolicyLoaderTest, FrameSkipModelsTakeTheirThresholdsAndDefaults) {
  absl::StatusOr<Policy> p = ParsePolicy(R"(
scheduler:
  frame_skip:
    max_streams: 8
    models:
      camera_detector: {threshold: 0.05, max_age_ms: 250}
      doorbell: {}
)",
                                         "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  Policy want;
  want.scheduler.frame_skip.max_streams = 8;
  want.scheduler.frame_skip.models["camera_detector"] = {0.05, 250};
  want.scheduler.frame_skip.models["doorbell"] = {};
  ExpectPolicyEq(*p, want);
  EXPECT_EQ(p->scheduler.frame_skip.models.at("doorbell").threshold, 0.02);
  EXPECT_EQ(p->scheduler.frame_skip.models.at("doorbell").max_age_ms, 1000u);
}

TEST(PolicyLoaderTest, FrameSkipOutOfRangeValuesAreRefused) {
  EXPECT_EQ(ErrorOf("scheduler:\n  frame_skip:\n    models:\n"
                    "      cam: {threshold: 1}\n"),
            "p.yaml:4:24: scheduler.frame_skip.models.cam.threshold: must be "
            "below 1 (1 would reuse every result)");
  EXPECT_EQ(ErrorOf("scheduler:\n  frame_skip:\n    models:\n"
                    "      cam: {threshold: -0.1}\n"),
            "p.yaml:4:24: scheduler.frame_skip.models.cam.threshold: must be "
            "in [0, 1], got -0.1");
  EXPECT_EQ(ErrorOf("scheduler:\n  frame_skip:\n    models:\n"
                    "      cam: {max_age_ms: 0}\n"),
            "p.yaml:4:25: scheduler.frame_skip.models.cam.max_age_ms: must "
            "be in [1, 3600000], got 0");
  EXPECT_NE(ErrorOf("scheduler:\n  frame_skip:\n    models:\n"
                    "      cam: {thresold: 0.1}\n")
                .find("thresold"),
            std::string::npos);
}

}  // namespace
}  // namespace joule
