#include "sim/scenario.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const std::string& yaml) {
  absl::StatusOr<Scenario> s = ParseScenario(yaml, "dir/s.yaml");
  EXPECT_FALSE(s.ok());
  return std::string(s.status().message());
}

TEST(ScenarioTest, ReferenceScenarioParses) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  absl::StatusOr<Scenario> s =
      LoadScenarioFile(std::string(dir) + "/sim/scenarios/rk3588_60pct.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "rk3588_60pct");
  EXPECT_EQ(s->duration_s, 600);
  EXPECT_EQ(s->target_utilization, 0.6);
  EXPECT_EQ(s->workload.kind, WorkloadKind::kPoisson);
  EXPECT_TRUE(s->profile.empty());
  EXPECT_FALSE(s->ambient_c.has_value());
  ASSERT_EQ(s->models.size(), 4u);
  EXPECT_EQ(s->models[0].name, "camera_detector");
  EXPECT_EQ(s->models[0].priority_class, PriorityClass::kRealtime);
  EXPECT_EQ(s->models[2].allowed_kinds.size(), 2u);  // ocr: cpu, gpu
}

TEST(ScenarioTest, ThermalScenariosParse) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
  absl::StatusOr<Scenario> hot =
      LoadScenarioFile(std::string(dir) + "/sim/scenarios/rk3588_hot_45c.yaml");
  ASSERT_TRUE(hot.ok()) << hot.status();
  EXPECT_EQ(hot->ambient_c, 45);
  absl::StatusOr<Scenario> passive = LoadScenarioFile(
      std::string(dir) + "/sim/scenarios/rk3588_passive_sustained.yaml");
  ASSERT_TRUE(passive.ok()) << passive.status();
  EXPECT_FALSE(passive->ambient_c.has_value());  // the profile's 25 C
  EXPECT_EQ(passive->target_utilization, 1.75);
  EXPECT_EQ(passive->power_cap_w, 0);  // no cap
  absl::StatusOr<Scenario> capped = LoadScenarioFile(
      std::string(dir) + "/sim/scenarios/rk3588_power_capped.yaml");
  ASSERT_TRUE(capped.ok()) << capped.status();
  EXPECT_EQ(capped->power_cap_w, 3.5);
}

TEST(ScenarioTest, DefaultsOverridesAndCustomModels) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
duration_s: 30
profile: boards/x.yaml
ambient_c: 45
workload: {kind: bursty, on_s: 2, off_s: 3}
models:
  - {name: wake_word, rate_per_s: 5, class: batch, deadline_ms: 0,
     allowed_kinds: "cpu, npu"}
  - name: tiny
    rate_per_s: 1
    ops: {int8: 1e6}
    weight_bytes: 1e3
    summary: a tiny model
)",
                                             "dir/s.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "s");  // the file's stem
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->profile, "dir/boards/x.yaml");  // relative to the scenario
  EXPECT_EQ(s->ambient_c, 45);
  EXPECT_EQ(s->workload.on_s, 2);
  const ModelSpec& w = s->models[0];
  EXPECT_EQ(w.priority_class, PriorityClass::kBatch);
  EXPECT_EQ(w.deadline_ms, 0);
  EXPECT_EQ(w.cost.ops(Precision::kInt8), 5.4e6);  // from the catalogue
  EXPECT_EQ(w.allowed_kinds,
            (std::vector<DeviceKind>{DeviceKind::kCpu, DeviceKind::kNpu}));
  const ModelSpec& t = s->models[1];
  EXPECT_EQ(t.cost.ops(Precision::kInt8), 1e6);
  EXPECT_EQ(t.cost.ops(Precision::kFp32), 0);
  EXPECT_EQ(t.cost.weight_bytes, 1e3);
  EXPECT_EQ(t.summary, "a tiny model");
}

TEST(ScenarioTest, ErrorsPointAtTheValue) {
  EXPECT_EQ(ErrorOf("models:\n  - {name: resnet, rate_per_s: 1}\n"),
            "dir/s.yaml:2:12: models[0].name: 'resnet' is not a built-in "
            "model (camera_detector, wake_word, ocr, nlp_bert); give its "
            "`ops` to define it");
  EXPECT_THAT(ErrorOf("models:\n  - {name: ocr}\n"),
              HasSubstr("missing required key 'rate_per_s'"));
  EXPECT_THAT(ErrorOf("duration_s: 0\nmodels: [{name: ocr, rate_per_s: 1}]\n"),
              HasSubstr("dir/s.yaml:1:13: duration_s: must be"));
  EXPECT_EQ(ErrorOf("workload: {kind: poisson, on_s: 1}\n"
                    "models: [{name: ocr, rate_per_s: 1}]\n"),
            "dir/s.yaml:1:33: workload.on_s: only for kind bursty");
  EXPECT_THAT(ErrorOf("workload: {kind: weekly}\n"
                      "models: [{name: ocr, rate_per_s: 1}]\n"),
              HasSubstr("must be one of poisson, bursty, diurnal, "
                        "single_stream, server, offline"));
  EXPECT_EQ(ErrorOf("models:\n  - {name: ocr, rate_per_s: 1}\n"
                    "  - {name: ocr, rate_per_s: 2}\n"),
            "dir/s.yaml:3:12: models[1].name: duplicate model 'ocr'");
  EXPECT_THAT(ErrorOf("models:\n  - {name: ocr, rate_per_s: 1, "
                      "allowed_kinds: \"tpu\"}\n"),
              HasSubstr("'tpu': expected a comma-separated list"));
  EXPECT_THAT(ErrorOf("models:\n  - {name: ocr, rate_per_s: 1, "
                      "weight_bytes: 5}\n"),
              HasSubstr("only custom models (with `ops`) give byte counts"));
  EXPECT_THAT(ErrorOf("models:\n  - {name: my model, rate_per_s: 1, "
                      "ops: {fp32: 1}}\n"),
              HasSubstr("use letters, digits"));
  EXPECT_THAT(ErrorOf("models:\n  - {name: m, rate_per_s: 1, ops: {}}\n"),
              HasSubstr("at least one precision needs ops > 0"));
  EXPECT_THAT(ErrorOf("workload: {kind: server}\nmodels:\n"
                      "  - {name: m, rate_per_s: 1, ops: {fp32: 1}}\n"),
              HasSubstr("a server workload needs deadline_ms or "
                        "latency_bound_ms > 0"));
  EXPECT_THAT(
      ErrorOf("power_cap_w: -1\nmodels: [{name: ocr, rate_per_s: 1}]\n"),
      HasSubstr("power_cap_w: must be"));
  EXPECT_THAT(ErrorOf("ambient_c: 120\nmodels: [{name: ocr, rate_per_s: 1}]\n"),
              HasSubstr("dir/s.yaml:1:12: ambient_c: must be"));
  EXPECT_THAT(ErrorOf("duration_s: 5\n"), HasSubstr("models"));
  EXPECT_THAT(ErrorOf("models: [{name: ocr, rate_per_s: 1}]\nseeds: 3\n"),
              HasSubstr("unknown key 'seeds'"));
}

TEST(ScenarioTest, WorkloadKindNames) {
  for (auto k : {WorkloadKind::kPoisson, WorkloadKind::kBursty,
                 WorkloadKind::kDiurnal, WorkloadKind::kSingleStream,
                 WorkloadKind::kServer, WorkloadKind::kOffline}) {
    EXPECT_EQ(ParseWorkloadKind(WorkloadKindName(k)), k);
  }
  EXPECT_FALSE(ParseWorkloadKind("weekly").has_value());
}

TEST(ScenarioTest, UnreadableFile) {
  EXPECT_FALSE(LoadScenarioFile("/nonexistent/s.yaml").ok());
}

}  // namespace
}  // namespace joule
