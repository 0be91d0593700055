#include "scheduler/placement.h"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

void ExpectClose(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected)) << expected;
}

// A CPU with plenty of bandwidth and few ops, and an NPU with many int8 ops,
// a fifth of the bandwidth, no fp32 and a 2 ms dispatch.
//   cpu0 (P1): fp32 1e11, int8 2e11 ops/s; 1e11 B/s; 1 + 9 = 10 W busy
//   npu0 (P0): fp16 5e12, int8 1e13 ops/s; 2e10 B/s; 0.1 + 0.9 = 1 W busy
DeviceSpec Cpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1000000, 900, 4.0}, PState{2000000, 1000, 9.0}};
  s.static_power_w = 1.0;
  s.peak_ops_per_s = {1e11, 0, 2e11, 0};
  s.mem_bw_bytes_per_s = 1e11;
  return s;
}

DeviceSpec Npu() {
  DeviceSpec s;
  s.name = "npu0";
  s.kind = DeviceKind::kNpu;
  s.pstates = {PState{1000000, 800, 0.9}};
  s.static_power_w = 0.1;
  s.peak_ops_per_s = {0, 5e12, 1e13, 0};
  s.mem_bw_bytes_per_s = 2e10;
  s.dispatch_overhead_s = 2e-3;
  return s;
}

// 1e10 ops on 2 MB (fp32). At int8 (0.5 MB), the fastest both share:
//   cpu0: compute 1e10 / 2e11 = 50 ms (memory 5 us); E = 10 W · 50 ms = 0.5 J
//   npu0: compute 1e10 / 1e13 = 1 ms (memory 25 us) + 2 ms dispatch = 3 ms;
//         E = 1 W · 3 ms = 3 mJ
JobCost ComputeBound() {
  JobCost c;
  c.ops_by_precision = {1e10, 0, 1e10, 0};
  c.weight_bytes = 1e6;
  c.activation_bytes = 1e6;
  return c;
}

// 1e6 ops on 400 MB of weights (fp32), 100 MB at int8:
//   cpu0: memory 1e8 / 1e11 = 1 ms (compute 5 us); E = 10 W · 1 ms = 10 mJ
//   npu0: memory 1e8 / 2e10 = 5 ms + 2 ms dispatch = 7 ms; E = 7 mJ
JobCost MemoryBound() {
  JobCost c;
  c.ops_by_precision = {1e6, 0, 1e6, 0};
  c.weight_bytes = 4e8;
  return c;
}

class PlacementTest : public ::testing::Test {
 protected:
  PlacementRequest Request(const JobCost& cost) {
    PlacementRequest r;
    r.cost = cost;
    return r;  // interactive, balanced: 1/s, 1/J
  }
  std::vector<PlacementCandidate> Candidates() {
    return {PlacementCandidate{&cpu_, 1}, PlacementCandidate{&npu_, 0}};
  }

  const DeviceSpec cpu_ = Cpu();
  const DeviceSpec npu_ = Npu();
  const SchedulerTunables tunables_{};
};

TEST_F(PlacementTest, ComputeBoundJobGoesToTheNpu) {
  Placement p = Place(Request(ComputeBound()), Candidates(), tunables_);
  ASSERT_EQ(p.chosen, 1);
  ASSERT_EQ(p.candidates.size(), 2u);
  const CandidateResult& cpu = p.candidates[0];
  const CandidateResult& npu = p.candidates[1];
  EXPECT_EQ(cpu.device, "cpu0");
  EXPECT_EQ(npu.kind, DeviceKind::kNpu);
  EXPECT_EQ(npu.estimate->precision, Precision::kInt8);
  ExpectClose(cpu.finish_s, 0.05);
  // 1/s · 0.05 s + 1/J · (0.5 J − 1 W idle · 0.05 s): what the job adds.
  ExpectClose(cpu.score, 0.5);
  ExpectClose(cpu.marginal_j, 0.45);
  ExpectClose(npu.finish_s, 3e-3);
  ExpectClose(npu.score, 5.7e-3);  // 3 ms + (3 mJ − 0.1 W · 3 ms)
  EXPECT_FALSE(npu.estimate->memory_bound);
  EXPECT_EQ(cpu.infeasible, Infeasible::kNone);
  EXPECT_TRUE(cpu.reason.empty());
  EXPECT_EQ(p.explanation,
            "npu0 wins at int8, P0 (interactive, balanced: 1/s, 1/J): "
            "score 0.0057, finish 3.00 ms, adds 2.70 mJ; next best cpu0 "
            "score 0.5 (finish 50.00 ms, adds 450.00 mJ)");
}

TEST_F(PlacementTest, MemoryBoundJobGoesToTheCpu) {
  Placement p = Place(Request(MemoryBound()), Candidates(), tunables_);
  ASSERT_EQ(p.chosen, 0);
  ExpectClose(p.candidates[0].finish_s, 1e-3);
  ExpectClose(p.candidates[0].score, 0.010);  // 1 ms + (10 − 1) mJ
  ExpectClose(p.candidates[1].finish_s, 7e-3);
  ExpectClose(p.candidates[1].score, 0.0133);  // 7 ms + (7 − 0.7) mJ
  EXPECT_TRUE(p.candidates[0].estimate->memory_bound);
  EXPECT_THAT(p.explanation, StartsWith("cpu0 wins"));
}

TEST_F(PlacementTest, BacklogShiftsTheChoice) {
  std::vector<PlacementCandidate> c = Candidates();
  c[0].backlog_s = 0.01;  // cpu0: finish 10 + 1 ms, score 0.010 + 0.01
  Placement p = Place(Request(MemoryBound()), c, tunables_);
  EXPECT_EQ(p.chosen, 1);  // npu0 still 0.0133
  ExpectClose(p.candidates[0].backlog_s, 0.01);
  ExpectClose(p.candidates[0].finish_s, 0.011);
  ExpectClose(p.candidates[0].score, 0.020);
}

TEST_F(PlacementTest, CandidatePStateIsUsed) {
  std::vector<PlacementCandidate> c = Candidates();
  c[0].pstate = 0;  // half clock: int8 compute 1e10 / 1e11 = 0.1 s at 5 W
  Placement p = Place(Request(ComputeBound()), c, tunables_);
  ExpectClose(p.candidates[0].finish_s, 0.1);
  ExpectClose(p.candidates[0].estimate->energy_j, 0.5);
  EXPECT_EQ(p.candidates[0].estimate->pstate, 0);
}

TEST_F(PlacementTest, LatencyAndEnergyPreferencesPickDifferentDevices) {
  // Memory-bound: cpu0 1 ms / 10 mJ, npu0 7 ms / 7 mJ.
  PlacementRequest req = Request(MemoryBound());
  req.preference = Preference::kLatency;
  Placement p = Place(req, Candidates(), tunables_);
  EXPECT_EQ(p.chosen, 0);
  ExpectClose(p.candidates[0].score, 1e-3 + 1e-6 * 0.009);
  EXPECT_THAT(p.explanation, HasSubstr("latency: 1/s, 1e-06/J"));

  req.preference = Preference::kEnergy;
  p = Place(req, Candidates(), tunables_);
  EXPECT_EQ(p.chosen, 1);
  ExpectClose(p.candidates[1].score, 1e-6 * 7e-3 + 6.3e-3);
}

TEST_F(PlacementTest, EffectiveWeights) {
  ClassWeights w = EffectiveWeights(tunables_, PriorityClass::kRealtime,
                                    Preference::kBalanced);
  EXPECT_EQ(w.latency_weight_per_s, 10.0);
  EXPECT_EQ(w.energy_weight_per_j, 1.0);
  w = EffectiveWeights(tunables_, PriorityClass::kBatch, Preference::kBalanced);
  EXPECT_EQ(w.latency_weight_per_s, 0.1);
  w = EffectiveWeights(tunables_, PriorityClass::kBatch, Preference::kLatency);
  EXPECT_EQ(w.latency_weight_per_s, 1.0);
  EXPECT_EQ(w.energy_weight_per_j, 1e-6);
  w = EffectiveWeights(tunables_, PriorityClass::kRealtime,
                       Preference::kEnergy);
  EXPECT_EQ(w.latency_weight_per_s, 1e-6);
  EXPECT_EQ(w.energy_weight_per_j, 1.0);
}

TEST_F(PlacementTest, DeviceThatMissesTheDeadlineIsInfeasible) {
  PlacementRequest req = Request(MemoryBound());
  req.deadline_s = 5e-3;
  req.preference = Preference::kEnergy;  // would pick npu0 without a deadline
  Placement p = Place(req, Candidates(), tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kMissesDeadline);
  EXPECT_EQ(p.candidates[1].reason,
            "misses deadline: finish 7.00 ms > deadline 5.00 ms");
  ASSERT_TRUE(p.candidates[1].estimate.has_value());  // still explained
  EXPECT_THAT(p.explanation,
              HasSubstr("; no other feasible device; npu0 misses deadline: "
                        "finish 7.00 ms > deadline 5.00 ms"));
}

TEST_F(PlacementTest, NoFeasibleDevice) {
  PlacementRequest req = Request(ComputeBound());
  req.deadline_s = 2e-3;  // cpu0 50 ms, npu0 3 ms
  Placement p = Place(req, Candidates(), tunables_);
  EXPECT_EQ(p.chosen, -1);
  EXPECT_EQ(p.explanation,
            "no feasible device: cpu0 misses deadline: finish 50.00 ms > "
            "deadline 2.00 ms; npu0 misses deadline: finish 3.00 ms > "
            "deadline 2.00 ms");
  EXPECT_EQ(Place(req, {}, tunables_).chosen, -1);
}

// explain = false skips the explanation of a placed job only: a rejection
// is explained either way, and the decision is the same.
TEST_F(PlacementTest, ExplainFalseLeavesOnlyPlacedJobsUnexplained) {
  struct Case {
    bool explain;
    std::optional<double> deadline_s;  // 2 ms: nothing is feasible
    int chosen;
    bool explained;
  };
  const Case cases[] = {
      {true, std::nullopt, 1, true},
      {false, std::nullopt, 1, false},
      {true, 2e-3, -1, true},
      {false, 2e-3, -1, true},
  };
  for (const Case& c : cases) {
    PlacementRequest req = Request(ComputeBound());
    req.explain = c.explain;
    req.deadline_s = c.deadline_s;
    Placement p = Place(req, Candidates(), tunables_);
    EXPECT_EQ(p.chosen, c.chosen) << c.explain;
    EXPECT_EQ(!p.explanation.empty(), c.explained) << c.explain;
    if (c.chosen < 0) {
      EXPECT_THAT(p.explanation, StartsWith("no feasible device: "));
    }
  }
}

TEST_F(PlacementTest, CriticalDeviceIsSkipped) {
  std::vector<PlacementCandidate> c = Candidates();
  c[1].critical = true;
  Placement p = Place(Request(ComputeBound()), c, tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kCritical);
  EXPECT_EQ(p.candidates[1].reason, "critical temperature");
  ASSERT_TRUE(p.candidates[1].estimate.has_value());
  ExpectClose(p.candidates[1].finish_s, 3e-3);
}

TEST_F(PlacementTest, FullQueueIsSkipped) {
  std::vector<PlacementCandidate> c = Candidates();
  c[1].queue_full = true;
  Placement p = Place(Request(ComputeBound()), c, tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kQueueFull);
  EXPECT_EQ(p.candidates[1].reason, "queue full");
}

TEST_F(PlacementTest, DeviceThatCannotRunTheModelIsSkipped) {
  std::vector<PlacementCandidate> c = Candidates();
  c[1].supports_model = false;
  Placement p = Place(Request(ComputeBound()), c, tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kModelUnsupported);
  EXPECT_EQ(p.candidates[1].reason, "its executor cannot run this model");
}

TEST_F(PlacementTest, CalibrationScalesTimeAndEnergy) {
  std::vector<PlacementCandidate> c = Candidates();
  Placement before = Place(Request(ComputeBound()), c, tunables_);
  c[1].exec_scale = 4.0;  // the npu0 runs this model 4x slower than modelled
  Placement after = Place(Request(ComputeBound()), c, tunables_);
  ExpectClose(after.candidates[1].estimate->exec_s,
              4 * before.candidates[1].estimate->exec_s);
  ExpectClose(after.candidates[1].estimate->energy_j,
              4 * before.candidates[1].estimate->energy_j);
  ExpectClose(after.candidates[0].estimate->exec_s,
              before.candidates[0].estimate->exec_s);
}

TEST_F(PlacementTest, OnlyAllowedKinds) {
  PlacementRequest req = Request(ComputeBound());
  req.allowed_kinds = {DeviceKind::kCpu, DeviceKind::kGpu};
  Placement p = Place(req, Candidates(), tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kKindNotAllowed);
  EXPECT_EQ(p.candidates[1].reason, "kind npu not allowed");
}

TEST_F(PlacementTest, NoCommonPrecision) {
  JobCost fp32_only = ComputeBound();
  fp32_only.ops_by_precision = {1e10, 0, 0, 0};
  Placement p = Place(Request(fp32_only), Candidates(), tunables_);
  EXPECT_EQ(p.chosen, 0);
  ExpectClose(p.candidates[0].finish_s, 0.1);  // 1e10 / 1e11 at fp32
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kNoCommonPrecision);
  EXPECT_EQ(p.candidates[1].reason,
            "no common precision (job: fp32; device: fp16,int8)");
  EXPECT_FALSE(p.candidates[1].estimate.has_value());
}

TEST_F(PlacementTest, InfeasibilityIsReportedInCheckOrder) {
  PlacementRequest req = Request(ComputeBound());
  req.deadline_s = 1e-3;
  std::vector<PlacementCandidate> c = Candidates();
  for (PlacementCandidate& x : c) x.critical = x.queue_full = true;
  req.allowed_kinds = {DeviceKind::kCpu};
  Placement p = Place(req, c, tunables_);
  EXPECT_EQ(p.candidates[0].infeasible, Infeasible::kCritical);
  EXPECT_EQ(p.candidates[1].infeasible, Infeasible::kKindNotAllowed);
  c[0].critical = false;
  p = Place(req, c, tunables_);
  EXPECT_EQ(p.candidates[0].infeasible, Infeasible::kMissesDeadline);
  req.deadline_s.reset();
  p = Place(req, c, tunables_);
  EXPECT_EQ(p.candidates[0].infeasible, Infeasible::kQueueFull);
}

TEST_F(PlacementTest, EqualScoresKeepInputOrder) {
  const DeviceSpec cpu1 = [] {
    DeviceSpec s = Cpu();
    s.name = "cpu1";
    return s;
  }();
  std::vector<PlacementCandidate> c = {PlacementCandidate{&cpu1, 1},
                                       PlacementCandidate{&cpu_, 1}};
  Placement p = Place(Request(ComputeBound()), c, tunables_);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_THAT(p.explanation, StartsWith("cpu1 wins"));
}

// --- Baseline strategies -------------------------------------------------

SchedulerTunables WithPlacement(PlacementStrategy strategy) {
  SchedulerTunables t;
  t.placement = strategy;
  return t;
}

TEST_F(PlacementTest, RoundRobinAlternatesFromTheCursor) {
  // The NPU is far better for this job; round robin does not care.
  const SchedulerTunables rr = WithPlacement(PlacementStrategy::kRoundRobin);
  std::vector<int> chosen;
  for (uint64_t cursor = 0; cursor < 4; ++cursor) {
    chosen.push_back(
        Place(Request(ComputeBound()), Candidates(), rr, cursor).chosen);
  }
  EXPECT_EQ(chosen, (std::vector<int>{0, 1, 0, 1}));
  Placement p = Place(Request(ComputeBound()), Candidates(), rr, 1);
  EXPECT_EQ(p.candidates[0].score, 1);  // one step after the cursor
  EXPECT_EQ(p.candidates[1].score, 0);
  EXPECT_EQ(p.explanation,
            "npu0 wins by round_robin at int8, P0: first feasible device in "
            "turn from index 1 of 2");
}

TEST_F(PlacementTest, RoundRobinSkipsInfeasibleDevicesAndWraps) {
  std::vector<PlacementCandidate> c = Candidates();
  c[1].queue_full = true;
  Placement p = Place(Request(ComputeBound()), c,
                      WithPlacement(PlacementStrategy::kRoundRobin), 1);
  EXPECT_EQ(p.chosen, 0);
  EXPECT_EQ(p.explanation,
            "cpu0 wins by round_robin at int8, P1: first feasible device in "
            "turn from index 1 of 2; npu0 queue full");
}

TEST_F(PlacementTest, FastestPicksLeastRunTimeIgnoringBacklogAndEnergy) {
  // Memory-bound: cpu0 runs it in 1 ms (10 mJ), npu0 in 7 ms (7 mJ). With
  // 20 ms of backlog on cpu0 it still wins on run time alone.
  std::vector<PlacementCandidate> c = Candidates();
  c[0].backlog_s = 0.02;
  Placement p = Place(Request(MemoryBound()), c,
                      WithPlacement(PlacementStrategy::kFastest));
  EXPECT_EQ(p.chosen, 0);
  ExpectClose(p.candidates[0].score, 1e-3);
  ExpectClose(p.candidates[1].score, 7e-3);
  EXPECT_EQ(p.explanation,
            "cpu0 wins by fastest at int8, P1: run time 1.00 ms");
  // The joule score (21 ms + 10 mJ against 7 ms + 7 mJ) picks npu0.
  EXPECT_EQ(Place(Request(MemoryBound()), c, tunables_).chosen, 1);
}

TEST_F(PlacementTest, EftAccountsForBacklogButNotEnergy) {
  // Compute-bound: npu0 3 ms, cpu0 50 ms. 60 ms of backlog on npu0 makes
  // it finish at 63 ms, after cpu0; fastest still picks npu0.
  std::vector<PlacementCandidate> c = Candidates();
  c[1].backlog_s = 0.06;
  Placement p =
      Place(Request(ComputeBound()), c, WithPlacement(PlacementStrategy::kEft));
  EXPECT_EQ(p.chosen, 0);
  ExpectClose(p.candidates[0].score, 0.05);
  ExpectClose(p.candidates[1].score, 0.063);
  EXPECT_EQ(p.explanation,
            "cpu0 wins by eft at int8, P1: finish 50.00 ms = backlog 0.00 us "
            "+ run 50.00 ms");
  EXPECT_EQ(Place(Request(ComputeBound()), c,
                  WithPlacement(PlacementStrategy::kFastest))
                .chosen,
            1);
  // Energy does not count: memory-bound without backlog, eft picks the
  // 1 ms / 10 mJ cpu0 even for an ENERGY job that joule sends to npu0.
  PlacementRequest req = Request(MemoryBound());
  req.preference = Preference::kEnergy;
  EXPECT_EQ(
      Place(req, Candidates(), WithPlacement(PlacementStrategy::kEft)).chosen,
      0);
  EXPECT_EQ(Place(req, Candidates(), tunables_).chosen, 1);
}

TEST_F(PlacementTest, BaselinesObeyTheSameFeasibilityRules) {
  PlacementRequest req = Request(ComputeBound());
  req.deadline_s = 10e-3;  // cpu0 (50 ms) misses it
  for (PlacementStrategy s :
       {PlacementStrategy::kRoundRobin, PlacementStrategy::kFastest,
        PlacementStrategy::kEft}) {
    Placement p = Place(req, Candidates(), WithPlacement(s), 0);
    EXPECT_EQ(p.chosen, 1) << PlacementStrategyName(s);
    EXPECT_EQ(p.candidates[0].infeasible, Infeasible::kMissesDeadline);
  }
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

constexpr double kNone = std::numeric_limits<double>::infinity();

// Two P-states; run times per P-state for three kinds of job.
const double kFast[] = {0.010, 0.005};
const double kSlow[] = {0.040, 0.020};

QueuedJob Queued(PriorityClass c, double deadline_s, const double* exec) {
  QueuedJob k;
  k.priority_class = c;
  k.deadline_s = deadline_s;
  k.exec_s = exec;
  return k;
}

TEST(EdfTest, InsertsByClassThenDeadlineAndChecksEveryone) {
  // Queue: a batch job due in 50 ms. A realtime job due in 30 ms goes first.
  const std::vector<QueuedJob> queue = {
      Queued(PriorityClass::kBatch, 0.050, kSlow)};
  QueuedJob rt = Queued(PriorityClass::kRealtime, 0.030, kFast);
  double finish = 0;
  // P0: realtime ends at 10 ms; the batch job at 50 ms: both meet.
  EXPECT_TRUE(EdfFeasible(0, queue, &rt, 0, 1, &finish));
  EXPECT_DOUBLE_EQ(finish, 0.010);
  // 5 ms still running ahead: the batch job ends at 55 ms at P0 (it would
  // meet without the new job at P1): infeasible at P0, feasible at P1.
  EXPECT_FALSE(EdfFeasible(0.005, queue, &rt, 0, 1, &finish));
  EXPECT_TRUE(EdfFeasible(0.005, queue, &rt, 1, 1, &finish));
  EXPECT_DOUBLE_EQ(finish, 0.010);
}

TEST(EdfTest, AJobLostAnywayDoesNotBlockTheQueue) {
  // Due in 1 ms but needs 20 ms even at P1: lost with or without the new job.
  const std::vector<QueuedJob> queue = {
      Queued(PriorityClass::kRealtime, 0.001, kSlow)};
  QueuedJob job = Queued(PriorityClass::kInteractive, 0.100, kFast);
  double finish = 0;
  EXPECT_TRUE(EdfFeasible(0, queue, &job, 0, 1, &finish));
  EXPECT_DOUBLE_EQ(finish, 0.050);  // after the realtime one, at P0
}

TEST(EdfTest, FloorIsTheLowestPStateMeetingEveryDeadline) {
  EXPECT_EQ(EdfFloor(0, {Queued(PriorityClass::kBatch, kNone, kSlow)}, 1), -1);
  EXPECT_EQ(EdfFloor(0, {Queued(PriorityClass::kRealtime, 0.050, kSlow)}, 1),
            0);
  EXPECT_EQ(
      EdfFloor(0.015, {Queued(PriorityClass::kRealtime, 0.050, kSlow)}, 1), 1);
  // Even P1 misses: the job is lost anyway and asks for nothing.
  EXPECT_EQ(
      EdfFloor(0.040, {Queued(PriorityClass::kRealtime, 0.050, kSlow)}, 1), 0);
}

// Slack-aware placement on Cpu() (two P-states) and Npu() from above.
class SlackPlacementTest : public ::testing::Test {
 protected:
  const DeviceSpec cpu_ = Cpu();
  const DeviceSpec npu_ = Npu();
  const SchedulerTunables tunables_{};
};

TEST_F(SlackPlacementTest, RaisesThePStateWhenTheDeadlineNeedsIt) {
  // ComputeBound on cpu0 alone (NPU not allowed): 100 ms at P0, 50 ms at P1.
  PlacementRequest req;
  req.cost = ComputeBound();
  req.allowed_kinds = {DeviceKind::kCpu};
  req.deadline_s = 0.060;
  PlacementCandidate cpu{&cpu_, 0};
  EXPECT_LT(Place(req, {cpu}, tunables_).chosen, 0);  // no raising: misses
  cpu.max_pstate = 1;
  const Placement p = Place(req, {cpu}, tunables_);
  ASSERT_EQ(p.chosen, 0);
  EXPECT_TRUE(p.candidates[0].raises_pstate);
  EXPECT_EQ(p.candidates[0].estimate->pstate, 1);
  EXPECT_THAT(p.explanation, HasSubstr("P1 (raised)"));
}

TEST_F(SlackPlacementTest, RaisingChargesTheQueuedJobsExtraEnergy) {
  PlacementRequest req;
  req.cost = ComputeBound();
  req.allowed_kinds = {DeviceKind::kCpu};
  req.deadline_s = 0.200;
  // A queued job of 40 ms at P0 / 20 ms at P1, due in 50 ms: with the new
  // job ahead of it? No: interactive after realtime. It runs first, so the
  // new job ends at 140 ms at P0: feasible without raising.
  const std::vector<QueuedJob> queue = {
      Queued(PriorityClass::kRealtime, 0.050, kSlow)};
  PlacementCandidate cpu{&cpu_, 0};
  cpu.queue = &queue;
  cpu.max_pstate = 1;
  Placement p = Place(req, {cpu}, tunables_);
  ASSERT_EQ(p.chosen, 0);
  EXPECT_FALSE(p.candidates[0].raises_pstate);
  ExpectClose(p.candidates[0].finish_s, 0.140);
  // Its own energy above idle: (1 + 4) W · 100 ms − 1 W · 100 ms.
  ExpectClose(p.candidates[0].marginal_j, 0.4);
  // Due in 100 ms, it needs P1 (20 + 50 ms); raising also costs the queued
  // job 9 W · 20 ms − 4 W · 40 ms = 20 mJ.
  req.deadline_s = 0.100;
  p = Place(req, {cpu}, tunables_);
  ASSERT_EQ(p.chosen, 0);
  EXPECT_TRUE(p.candidates[0].raises_pstate);
  ExpectClose(p.candidates[0].finish_s, 0.070);
  ExpectClose(p.candidates[0].marginal_j, (10 - 1) * 0.05 + 0.02);
}

TEST_F(SlackPlacementTest, AJobWithMarginGoesWhereItCostsLeast) {
  // MemoryBound: cpu0 1 ms for 10 mJ (9 mJ above idle), npu0 7 ms for 7 mJ
  // (6.3 mJ above idle). Without a deadline the latency term (1/s · finish)
  // is 1 mJ vs 7 mJ and the CPU wins; with a 100 ms deadline both finish
  // inside half of it, latency costs nothing and the NPU wins.
  PlacementRequest req;
  req.cost = MemoryBound();
  const std::vector<PlacementCandidate> c = {PlacementCandidate{&cpu_, 1},
                                             PlacementCandidate{&npu_, 0}};
  EXPECT_EQ(Place(req, c, tunables_).chosen, 0);
  req.deadline_s = 0.100;
  EXPECT_EQ(Place(req, c, tunables_).chosen, 1);
  // Due in 10 ms: the NPU's 7 ms is 2 ms past half of it; at the realtime
  // class's 10/s that is 20 mJ of latency cost, so the CPU wins again.
  req.deadline_s = 0.010;
  req.priority_class = PriorityClass::kRealtime;
  EXPECT_EQ(Place(req, c, tunables_).chosen, 0);
}

TEST_F(SlackPlacementTest, MakingAQueuedJobMissIsInfeasible) {
  PlacementRequest req;
  req.cost = ComputeBound();  // 50 ms on cpu0 at P1
  req.allowed_kinds = {DeviceKind::kCpu};
  req.priority_class = PriorityClass::kRealtime;
  req.deadline_s = 0.060;
  // A queued interactive job due in 60 ms needing 20 ms: behind the new
  // realtime one it would end at 70 ms.
  const std::vector<QueuedJob> queue = {
      Queued(PriorityClass::kInteractive, 0.060, kSlow)};
  PlacementCandidate cpu{&cpu_, 1};
  cpu.queue = &queue;
  const Placement p = Place(req, {cpu}, tunables_);
  EXPECT_LT(p.chosen, 0);
  EXPECT_EQ(p.candidates[0].infeasible, Infeasible::kMissesDeadline);
  EXPECT_EQ(p.candidates[0].reason,
            "would make a queued job miss its deadline");
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

TEST(HotPlacementTest, AHotDeviceWinsOnlyWhenNoCoolerOneCan) {
  const DeviceSpec cpu = Cpu();
  const DeviceSpec npu = Npu();
  PlacementRequest req;
  req.cost = ComputeBound();  // npu0 wins when both are cool
  std::vector<PlacementCandidate> c = {PlacementCandidate{&cpu, 1},
                                       PlacementCandidate{&npu, 0}};
  c[1].hot = true;
  Placement p = Place(req, c, SchedulerTunables{});
  EXPECT_EQ(p.chosen, 0);
  c[0].critical = true;  // the cool one cannot: the hot one takes it
  p = Place(req, c, SchedulerTunables{});
  EXPECT_EQ(p.chosen, 1);
  EXPECT_THAT(p.explanation, HasSubstr("(hot, no cooler device can take it)"));
}

}  // namespace
}  // namespace joule
