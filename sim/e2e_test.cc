// The reference scenario end to end, shortened: every output is produced,
// the trace replays to the same results, and the files land in a folder.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/policy_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/plots.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

class ReferenceScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("JOULE_SOURCE_DIR");
    if (dir == nullptr) GTEST_SKIP() << "JOULE_SOURCE_DIR not set";
    absl::StatusOr<Scenario> sc =
        LoadScenarioFile(std::string(dir) + "/sim/scenarios/rk3588_60pct.yaml");
    ASSERT_TRUE(sc.ok()) << sc.status();
    scenario_ = *sc;
    scenario_.duration_s = 30;  // the real one is 600 s
    absl::StatusOr<Policy> p = ParsePolicy(DefaultPolicyYaml(), "default");
    ASSERT_TRUE(p.ok());
    policy_ = *p;
  }

  Scenario scenario_;
  Policy policy_;
};

TEST_F(ReferenceScenarioTest, CompareProducesEveryOutput) {
  SimOptions o;
  o.seed = 1;
  o.compare = true;
  absl::StatusOr<SimOutputs> out = RunScenario(scenario_, policy_, o);
  ASSERT_TRUE(out.ok()) << out.status();

  std::set<std::string> names;
  for (const auto& [name, content] : out->files) {
    EXPECT_FALSE(content.empty()) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), out->files.size());  // no name written twice
  for (const char* f : {"report.md", "summary.csv", "latency_cdf.svg"}) {
    EXPECT_EQ(names.count(f), 1u) << f;
  }
  const std::vector<Combo> combos = CompareCombos();
  ASSERT_GE(combos.size(), 9u);
  for (const Combo& c : combos) {
    const std::string stem = FileStem(c.Label());
    for (const char* suffix :
         {"-devices.csv", "-frequency.svg", "-temperature.svg",
          "-utilization.svg", "-queue_depth.svg", "-power.svg",
          "-energy.svg"}) {
      EXPECT_EQ(names.count(stem + suffix), 1u) << stem << suffix;
    }
    EXPECT_THAT(out->comparison, HasSubstr("| " + c.Label() + " |"));
    EXPECT_THAT(out->markdown, HasSubstr("\n## " + c.Label() + "\n"));
  }
  EXPECT_EQ(names.size(), 3 + 7 * combos.size());
  EXPECT_THAT(out->comparison, HasSubstr("| lower bound (offline) |"));
  EXPECT_THAT(out->markdown, HasSubstr("# joule-sim: rk3588_60pct (seed 1)"));
  EXPECT_THAT(out->markdown, HasSubstr("Offered load ρ = 0.600"));
  EXPECT_THAT(out->markdown, HasSubstr("| camera_detector | realtime |"));
  // Every run saw the same jobs.
  const std::string jobs_cell =
      out->comparison.substr(out->comparison.find("| joule+adaptive | ") + 19);
  const std::string jobs = jobs_cell.substr(0, jobs_cell.find(' '));
  EXPECT_GT(std::stoi(jobs), 1000);
  for (const Combo& c : combos) {
    EXPECT_THAT(out->comparison,
                HasSubstr("| " + c.Label() + " | " + jobs + " |"));
  }

  const std::string dir = testing::TempDir() + "sim_e2e_out";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteOutputs(*out, dir).ok());
  for (const std::string& n : names) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + n)) << n;
  }
  std::ifstream md(dir + "/report.md");
  const std::string text((std::istreambuf_iterator<char>(md)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(text, out->markdown);
}

TEST_F(ReferenceScenarioTest, WrittenTraceReplaysToTheSameResults) {
  SimOptions o;
  o.seed = 3;
  o.placement = "eft";
  o.governor = "schedutil";
  absl::StatusOr<SimOutputs> generated = RunScenario(scenario_, policy_, o);
  ASSERT_TRUE(generated.ok()) << generated.status();
  const std::string path = testing::TempDir() + "sim_e2e_trace.csv";
  {
    std::ofstream f(path);
    f << generated->trace_csv;
  }
  o.trace_path = path;
  absl::StatusOr<SimOutputs> replayed = RunScenario(scenario_, policy_, o);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->comparison, generated->comparison);
  EXPECT_EQ(replayed->trace_csv, generated->trace_csv);
  EXPECT_THAT(replayed->markdown, HasSubstr("(trace " + path + ")"));
}

// summary.csv's max_temp_c of its first run.
double FirstRunMaxTempC(const SimOutputs& out) {
  for (const auto& [name, content] : out.files) {
    if (name != "summary.csv") continue;
    std::vector<std::string> header =
        absl::StrSplit(content.substr(0, content.find('\n')), ',');
    const std::string row = content.substr(content.find('\n') + 1);
    std::vector<std::string> values =
        absl::StrSplit(row.substr(0, row.find('\n')), ',');
    for (size_t i = 0; i < header.size() && i < values.size(); ++i) {
      if (header[i] == "max_temp_c") return std::stod(values[i]);
    }
  }
  ADD_FAILURE() << "no summary.csv with max_temp_c";
  return 0;
}

TEST_F(ReferenceScenarioTest, AmbientOverrideWarmsTheBoxAndIsBounded) {
  Scenario sc = scenario_;
  sc.duration_s = 10;
  absl::StatusOr<SimOutputs> room = RunScenario(sc, policy_, SimOptions{});
  ASSERT_TRUE(room.ok()) << room.status();
  sc.ambient_c = 45;
  absl::StatusOr<SimOutputs> hot = RunScenario(sc, policy_, SimOptions{});
  ASSERT_TRUE(hot.ok()) << hot.status();
  // The same 10 s of work, 20 C warmer air: every node starts 20 C higher.
  EXPECT_LT(FirstRunMaxTempC(*room), 45);
  EXPECT_GE(FirstRunMaxTempC(*hot), 45);
  EXPECT_NEAR(FirstRunMaxTempC(*hot) - FirstRunMaxTempC(*room), 20, 0.5);

  sc.ambient_c = 85;
  absl::StatusOr<SimOutputs> trip = RunScenario(sc, policy_, SimOptions{});
  EXPECT_EQ(trip.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(trip.status().message()),
              HasSubstr("must be below the passive trip"));
}

TEST_F(ReferenceScenarioTest, OtherWorkloadKindsRun) {
  for (WorkloadKind k : {WorkloadKind::kBursty, WorkloadKind::kDiurnal,
                         WorkloadKind::kSingleStream, WorkloadKind::kServer,
                         WorkloadKind::kOffline}) {
    Scenario sc = scenario_;
    sc.duration_s = 5;
    sc.workload.kind = k;
    absl::StatusOr<SimOutputs> out = RunScenario(sc, policy_, SimOptions{});
    ASSERT_TRUE(out.ok()) << WorkloadKindName(k) << ": " << out.status();
    EXPECT_THAT(out->markdown,
                HasSubstr("Workload **" + std::string(WorkloadKindName(k))));
    EXPECT_THAT(out->comparison, HasSubstr("| joule+slack |"));
  }
}

}  // namespace
}  // namespace joule
