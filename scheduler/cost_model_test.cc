#include "scheduler/cost_model.h"

#include <cmath>
#include <optional>

#include "gtest/gtest.h"

namespace joule {
namespace {

// Equal to within rounding: the arithmetic in the comments is exact, the
// doubles are not.
void ExpectClose(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected)) << expected;
}

// Round numbers. P0 runs at half the clock of P1.
//   peak ops/s at P1: fp32 1e9, fp16 2e9, int8 4e9, int4 unsupported
//   compute efficiency 0.5, DRAM 1e9 B/s at efficiency 0.5 (5e8 B/s real)
//   P_static 0.5 W; P_dyn 1 W at P0, 4 W at P1; dispatch 1 ms
DeviceSpec TestSpec() {
  DeviceSpec s;
  s.name = "dev0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{500000, 800, 1.0}, PState{1000000, 1000, 4.0}};
  s.static_power_w = 0.5;
  s.peak_ops_per_s = {1e9, 2e9, 4e9, 0};
  s.compute_efficiency = 0.5;
  s.mem_bw_bytes_per_s = 1e9;
  s.mem_bw_efficiency = 0.5;
  s.dispatch_overhead_s = 1e-3;
  return s;
}

// 1e9 ops on 2 MB: far left of the ridge point.
JobCost ComputeBoundJob() {
  JobCost c;
  c.ops_by_precision = {1e9, 0, 0, 0};
  c.weight_bytes = 1e6;
  c.activation_bytes = 1e6;
  return c;
}

// 1e6 ops on 500 MB, at fp32, fp16 and int8.
JobCost MemoryBoundJob() {
  JobCost c;
  c.ops_by_precision = {1e6, 1e6, 1e6, 0};
  c.weight_bytes = 4e8;
  c.activation_bytes = 1e8;
  return c;
}

TEST(CostModelTest, ComputeBoundTime) {
  std::optional<Estimate> e =
      EstimateAt(ComputeBoundJob(), 1, TestSpec(), 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->ops, 1e9);
  ExpectClose(e->bytes, 2e6);      // 1e6 weights + 1e6 activations
  ExpectClose(e->compute_s, 2.0);  // 1e9 / (1e9 · 1 · 0.5)
  ExpectClose(e->memory_s, 4e-3);  // 2e6 / (1e9 · 0.5)
  EXPECT_EQ(e->transfer_s, 0);     // shared memory
  ExpectClose(e->exec_s, 2.001);   // max(2, 0.004) + 0.001
  EXPECT_FALSE(e->memory_bound);
  ExpectClose(e->energy_j, 9.0045);  // (0.5 + 4) W · 2.001 s
  EXPECT_EQ(e->precision, Precision::kFp32);
  EXPECT_EQ(e->pstate, 1);
}

TEST(CostModelTest, MemoryBoundTime) {
  std::optional<Estimate> e =
      EstimateAt(MemoryBoundJob(), 1, TestSpec(), 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->bytes, 5e8);       // 4e8 + 1e8
  ExpectClose(e->memory_s, 1.0);    // 5e8 / 5e8
  ExpectClose(e->compute_s, 2e-3);  // 1e6 / 5e8
  ExpectClose(e->exec_s, 1.001);    // 1 + 0.001
  EXPECT_TRUE(e->memory_bound);
  ExpectClose(e->energy_j, 4.5045);  // 4.5 W · 1.001 s
}

TEST(CostModelTest, WeightsResidentInSramCostNoDramTraffic) {
  DeviceSpec spec = TestSpec();
  spec.sram_bytes = 5e8;  // 4e8 of weights fit
  std::optional<Estimate> e =
      EstimateAt(MemoryBoundJob(), 1, spec, 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->bytes, 1e8);     // activations only
  ExpectClose(e->memory_s, 0.2);  // 1e8 / 5e8
  ExpectClose(e->exec_s, 0.201);

  spec.sram_bytes = 3e8;  // 4e8 do not fit at fp32 ...
  e = EstimateAt(MemoryBoundJob(), 1, spec, 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->bytes, 5e8);
  // ... but 4e8 · 0.5 = 2e8 do at fp16: bytes = 1e8 · 0.5 = 5e7.
  e = EstimateAt(MemoryBoundJob(), 1, spec, 1, Precision::kFp16);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->bytes, 5e7);
  ExpectClose(e->memory_s, 0.1);  // 5e7 / 5e8
}

TEST(CostModelTest, BatchReadsWeightsOnce) {
  std::optional<Estimate> e =
      EstimateAt(MemoryBoundJob(), 4, TestSpec(), 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->ops, 4e6);
  ExpectClose(e->bytes, 8e8);       // 4e8 weights + 4 · 1e8 activations
  ExpectClose(e->memory_s, 1.6);    // 8e8 / 5e8
  ExpectClose(e->compute_s, 8e-3);  // 4e6 / 5e8
  ExpectClose(e->exec_s, 1.601);    // less than 4 · 1.001 one at a time
}

TEST(CostModelTest, PrecisionScalesBytes) {
  std::optional<Estimate> e =
      EstimateAt(MemoryBoundJob(), 1, TestSpec(), 1, Precision::kInt8);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->bytes, 1.25e8);    // 5e8 · 0.25
  ExpectClose(e->memory_s, 0.25);   // 1.25e8 / 5e8
  ExpectClose(e->compute_s, 5e-4);  // 1e6 / (4e9 · 0.5)
  ExpectClose(e->exec_s, 0.251);
}

TEST(CostModelTest, LowerPStateSlowsComputeBoundOnly) {
  // f_0 / f_max = 500000 / 1000000 = 0.5.
  std::optional<Estimate> cb =
      EstimateAt(ComputeBoundJob(), 1, TestSpec(), 0, Precision::kFp32);
  ASSERT_TRUE(cb.has_value());
  ExpectClose(cb->compute_s, 4.0);    // 1e9 / (1e9 · 0.5 · 0.5)
  ExpectClose(cb->exec_s, 4.001);     // was 2.001 at P1
  ExpectClose(cb->energy_j, 6.0015);  // (0.5 + 1) W · 4.001 s

  std::optional<Estimate> mb =
      EstimateAt(MemoryBoundJob(), 1, TestSpec(), 0, Precision::kFp32);
  ASSERT_TRUE(mb.has_value());
  ExpectClose(mb->compute_s, 4e-3);   // 1e6 / (1e9 · 0.5 · 0.5)
  ExpectClose(mb->exec_s, 1.001);     // same as at P1: bandwidth-limited
  ExpectClose(mb->energy_j, 1.5015);  // 1.5 W · 1.001 s, was 4.5045 J at P1
}

TEST(CostModelTest, LinkTransferForSeparateMemory) {
  DeviceSpec spec = TestSpec();
  spec.link_bw_bytes_per_s = 1e8;
  JobCost job = ComputeBoundJob();
  job.input_bytes = 1e6;
  job.output_bytes = 1e6;
  std::optional<Estimate> e = EstimateAt(job, 2, spec, 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  ExpectClose(e->transfer_s, 0.04);  // (1e6 + 1e6) · 2 / 1e8
  ExpectClose(e->compute_s, 4.0);    // 2e9 / 5e8
  ExpectClose(e->exec_s, 4.041);     // 4 + 0.001 + 0.04

  // Shared memory: no transfer, whatever the job's input size.
  e = EstimateAt(job, 2, TestSpec(), 1, Precision::kFp32);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->transfer_s, 0);
}

TEST(CostModelTest, EstimateJobPicksTheFastestCommonPrecision) {
  // fp32 1.001 s, fp16 0.501 s (2.5e8 B), int8 0.251 s.
  std::optional<Estimate> e = EstimateJob(MemoryBoundJob(), 1, TestSpec(), 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->precision, Precision::kInt8);
  ExpectClose(e->exec_s, 0.251);

  // The job would run int4, but the device cannot: fp32 is all they share.
  JobCost job = ComputeBoundJob();
  job.ops_by_precision[static_cast<int>(Precision::kInt4)] = 1e9;
  EXPECT_FALSE(EstimateAt(job, 1, TestSpec(), 1, Precision::kInt4));
  e = EstimateJob(job, 1, TestSpec(), 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->precision, Precision::kFp32);
}

// A model's cost offers its own precision; a device converts it only to
// what its profile lists, with the model's ops and bytes at that precision.
TEST(CostModelTest, ModelsRunAtTheirOwnPrecisionOrAConversion) {
  JobCost model = ComputeBoundJob();  // 1e9 ops at fp32
  model.model_precision = Precision::kFp32;
  DeviceSpec cpu = TestSpec();
  // The device could run INT8 four times faster, but the model is FP32.
  std::optional<Estimate> e = EstimateJob(model, 1, cpu, 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->precision, Precision::kFp32);
  ExpectClose(e->compute_s, 2.0);  // 1e9 / (1e9 · 0.5)
  EXPECT_FALSE(OpsAt(model, cpu, Precision::kInt8).has_value());

  // A device without FP32 that converts models to FP16.
  DeviceSpec npu = TestSpec();
  npu.peak_ops_per_s = {0, 2e9, 4e9, 0};
  EXPECT_FALSE(EstimateJob(model, 1, npu, 1).has_value());
  npu.converts_models_to[static_cast<int>(Precision::kFp16)] = true;
  e = EstimateJob(model, 1, npu, 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->precision, Precision::kFp16);  // not int8: not a conversion
  ExpectClose(e->compute_s, 1.0);             // 1e9 / (2e9 · 0.5)
  ExpectClose(e->bytes, 1e6);                 // 2e6 FP32 bytes at FP16
  EXPECT_EQ(*OpsAt(model, npu, Precision::kFp16), 1e9);

  // A cost the client gave is never converted.
  JobCost explicit_cost = ComputeBoundJob();
  EXPECT_FALSE(EstimateJob(explicit_cost, 1, npu, 1).has_value());

  // A model whose analysis resolved no op still runs: memory traffic only.
  JobCost bytes_only;
  bytes_only.model_precision = Precision::kFp32;
  bytes_only.activation_bytes = 5e8;
  e = EstimateJob(bytes_only, 1, cpu, 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->compute_s, 0);
  ExpectClose(e->exec_s, 1.001);  // 5e8 / 5e8 + 1 ms
}

TEST(CostModelTest, NoCommonPrecisionIsNullopt) {
  JobCost job;
  job.ops_by_precision = {0, 0, 0, 1e9};  // int4 only
  job.weight_bytes = 1e6;
  EXPECT_FALSE(EstimateJob(job, 1, TestSpec(), 1).has_value());
  EXPECT_FALSE(EstimateAt(job, 1, TestSpec(), 1, Precision::kFp32).has_value());
}

}  // namespace
}  // namespace joule
