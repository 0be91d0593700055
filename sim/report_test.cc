#include "sim/report.h"

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"

namespace joule {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(ReportTest, PercentileIsNearestRank) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_EQ(Percentile(v, 0.5), 2);   // ⌈2⌉ = 2nd
  EXPECT_EQ(Percentile(v, 0.51), 3);  // ⌈2.04⌉ = 3rd
  EXPECT_EQ(Percentile(v, 0.95), 4);
  EXPECT_EQ(Percentile(v, 0.01), 1);
  EXPECT_EQ(Percentile({7}, 0.99), 7);
  EXPECT_EQ(Percentile({}, 0.5), 0);
}

JobRecord Job(JobState state, int device, double latency_ms,
              double energy_j = 0, double dynamic_j = 0) {
  JobRecord j;
  j.state = state;
  j.device = device;
  j.submitted = milliseconds(100);
  j.finished = milliseconds(100) +
               std::chrono::microseconds(static_cast<int>(latency_ms * 1000));
  j.energy_j = energy_j;
  j.dynamic_j = dynamic_j;
  return j;
}

TEST(ReportTest, SummarizeByHand) {
  RunResult r;
  r.label = "x+y";
  r.duration = std::chrono::seconds(8);
  r.end = std::chrono::seconds(10);
  r.devices.resize(2);
  r.devices[0].spec.name = "cpu0";
  r.devices[0].energy_j = 10;
  r.devices[0].max_temp_mc = 41000;
  r.devices[0].throttled = std::chrono::seconds(2);
  r.devices[0].transitions = 3;
  r.devices[0].samples.resize(2);
  r.devices[0].samples[0].utilization = 0.2;
  r.devices[0].samples[1].utilization = 0.4;
  r.devices[1].spec.name = "npu0";
  r.devices[1].energy_j = 5;
  r.devices[1].max_temp_mc = 52500;
  r.devices[1].transitions = 1;
  r.jobs = {Job(JobState::kCompleted, 0, 10, 2, 1),
            Job(JobState::kCompleted, 1, 20, 1, 0.5),
            Job(JobState::kDeadlineExceeded, 1, 50, 1, 0.5),  // ran, late
            Job(JobState::kRejected, -1, 0),
            Job(JobState::kDeadlineExceeded, -1, 40)};  // dropped unstarted
  ModelSpec m;
  m.name = "m";
  m.deadline_ms = 30;
  const RunSummary s = Summarize(r, {m}, WorkloadKind::kPoisson);
  EXPECT_EQ(s.jobs, 5u);
  EXPECT_EQ(s.completed, 2u);
  EXPECT_EQ(s.missed, 2u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_DOUBLE_EQ(s.done_pct, 40);
  EXPECT_DOUBLE_EQ(s.miss_pct, 40);
  EXPECT_DOUBLE_EQ(s.rejected_pct, 20);
  EXPECT_DOUBLE_EQ(s.energy_j, 15);
  EXPECT_DOUBLE_EQ(s.energy_per_job_j, 7.5);  // 15 J / 2 completed
  EXPECT_DOUBLE_EQ(s.active_per_job_j, 2);    // (2 + 1 + 1) / 2
  EXPECT_DOUBLE_EQ(s.dynamic_per_job_j, 1);   // (1 + 0.5 + 0.5) / 2
  EXPECT_DOUBLE_EQ(s.mean_power_w, 1.5);      // 15 J / 10 s
  EXPECT_DOUBLE_EQ(s.p50_ms, 10);
  EXPECT_DOUBLE_EQ(s.p99_ms, 20);
  EXPECT_DOUBLE_EQ(s.max_temp_c, 52.5);
  EXPECT_DOUBLE_EQ(s.throttled_s, 2);
  EXPECT_EQ(s.transitions, 4u);
  EXPECT_NEAR(s.devices[0].share_pct, 100.0 / 3, 1e-12);
  EXPECT_NEAR(s.devices[1].share_pct, 200.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(s.devices[0].mean_utilization, 0.3);
  EXPECT_EQ(s.models[0].jobs, 5u);
  EXPECT_EQ(s.models[0].bound_ms, 30);

  LowerBound lb;
  lb.jobs = 5;
  lb.feasible = 4;
  lb.energy_j = 2;
  lb.dynamic_j = 1;
  lb.static_floor_j = 7;
  lb.duration_s = 8;
  const std::string table = ComparisonMarkdown({s}, lb);
  EXPECT_THAT(table, HasSubstr("| x+y | 5 | 40.00 | 7.50000 | 2.00000 | "
                               "1.00000 | 1.500 | 10.00 |"));
  EXPECT_THAT(table, HasSubstr("| 33.3 / 66.7 |"));
  EXPECT_THAT(table, HasSubstr("| lower bound (offline) | 5 | 80.00 | "
                               "2.00000 | 0.50000 | 0.25000 | 1.000 |"));
  const std::string csv = SummaryCsv({s}, lb);
  EXPECT_THAT(csv, HasSubstr("\nx+y,5,2,2,1,40,7.5,2,1,1.5,10,"));
  EXPECT_THAT(csv, HasSubstr(",cpu0=33.3333;npu0=66.6667\n"));
  EXPECT_THAT(csv, HasSubstr("\nlower_bound,5,4,,,80,2,0.5,0.25,"));
}

TEST(ReportTest, IdleStateTimesPerDevice) {
  RunResult r;
  r.label = "x+y";
  r.end = std::chrono::seconds(10);
  r.devices.resize(2);
  r.devices[0].spec.name = "cpu0";  // no idle states
  r.devices[1].spec.name = "npu0";
  r.devices[1].spec.idle_states = {IdleState{"gate", 0.1, 0, 10, 0, 0},
                                   IdleState{"off", 0.01, 0, 1000, 0, 0}};
  r.devices[1].idle.in_state = {milliseconds(1250), milliseconds(6000)};
  r.devices[1].idle.wake_delay = milliseconds(30);
  const RunSummary s = Summarize(r, {}, WorkloadKind::kPoisson);
  EXPECT_TRUE(s.devices[0].idle_state_s.empty());
  ASSERT_EQ(s.devices[1].idle_state_s.size(), 2u);
  EXPECT_EQ(s.devices[1].idle_state_s[1].first, "off");
  EXPECT_DOUBLE_EQ(s.devices[1].idle_state_s[1].second, 6.0);
  EXPECT_DOUBLE_EQ(s.devices[1].wake_delay_s, 0.03);
  const std::string md = MarkdownReport(ReportContext{}, {s}, LowerBound{});
  EXPECT_THAT(md, HasSubstr("| 0 | - | - |\n"));  // cpu0: DVFS, none, none
  EXPECT_THAT(md, HasSubstr("| gate 1.2, off 6.0 | 0.03 |\n"));
}

TEST(ReportTest, PowerCapWindows) {
  // Two devices, ticks every 250 ms (4 to a 1 s window); the totals are
  // 2, 2, 2, 2, 4, 4, 4, 4 W: windows 2, 2.5, 3, 3.5, 4 W.
  RunResult r;
  r.label = "x+y";
  r.end = std::chrono::seconds(2);
  r.power_cap_w = 3;
  r.power_tolerance_pct = 10;  // breach above 3.3 W: 2 of 5 windows
  r.devices.resize(2);
  for (int k = 0; k < 8; ++k) {
    for (DeviceRun& d : r.devices) {
      DeviceSample x;
      x.t = milliseconds(250 * (k + 1));
      x.power_w = k < 4 ? 1 : 2;
      d.samples.push_back(x);
    }
  }
  const RunSummary s = Summarize(r, {}, WorkloadKind::kPoisson);
  EXPECT_DOUBLE_EQ(s.max_1s_power_w, 4);
  EXPECT_DOUBLE_EQ(s.above_cap_pct, 40);
  // power W is energy over time: no energy given here.
  const std::string md = PowerCapMarkdown({s});
  EXPECT_THAT(md, HasSubstr("Power cap 3.000 W"));
  EXPECT_THAT(md, HasSubstr("above 3.300 W is a breach"));
  EXPECT_THAT(md, HasSubstr("| x+y | 0.000 | 4.000 | 40.00 | no |\n"));
  r.power_cap_w = 0;  // no cap: no table
  EXPECT_EQ(PowerCapMarkdown({Summarize(r, {}, WorkloadKind::kPoisson)}), "");
}

Scenario Short(double duration_s) {
  Scenario sc;
  sc.name = "short";
  sc.duration_s = duration_s;
  sc.target_utilization = 0.6;
  for (const char* m : {"camera_detector", "wake_word", "ocr", "nlp_bert"}) {
    sc.models.push_back(*FindBuiltinModel(m));
  }
  return sc;
}

TEST(ReportTest, SameSeedGivesIdenticalOutputs) {
  SimOptions o;
  o.seed = 7;
  o.compare = true;
  o.threads = 2;
  absl::StatusOr<SimOutputs> a = RunScenario(Short(20), Policy{}, o);
  ASSERT_TRUE(a.ok()) << a.status();
  o.threads = 1;  // scheduling of the runs must not matter
  absl::StatusOr<SimOutputs> b = RunScenario(Short(20), Policy{}, o);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->markdown, b->markdown);
  EXPECT_EQ(a->trace_csv, b->trace_csv);
  ASSERT_EQ(a->files.size(), b->files.size());
  for (size_t i = 0; i < a->files.size(); ++i) {
    EXPECT_EQ(a->files[i].first, b->files[i].first);
    EXPECT_TRUE(a->files[i].second == b->files[i].second) << a->files[i].first;
  }
  o.seed = 8;
  absl::StatusOr<SimOutputs> c = RunScenario(Short(20), Policy{}, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->comparison, c->comparison);
  EXPECT_NE(a->trace_csv, c->trace_csv);
}

TEST(ReportTest, UnknownStrategiesAreRefused) {
  SimOptions o;
  o.placement = "random";
  absl::StatusOr<SimOutputs> r = RunScenario(Short(1), Policy{}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("unknown placement 'random'"));
  o.placement.clear();
  o.governor = "turbo";
  r = RunScenario(Short(1), Policy{}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("unknown governor 'turbo'"));
}

TEST(ProgressLineTest, SaysRunsDoneAndSeconds) {
  EXPECT_EQ(ProgressLine(3, 10, 12.34), "joule-sim: 3/10 runs done, 12.3 s");
  EXPECT_EQ(ProgressLine(0, 1, 2.0), "joule-sim: 0/1 runs done, 2.0 s");
}

}  // namespace
}  // namespace joule
