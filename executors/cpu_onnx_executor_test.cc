// Models on the host CPU: real models against independent references, the
// models OpenCV 4.6 cannot run, and jobs whose inputs do not fit the model.
// Queueing, cancelling and shutting down: cpu_onnx_executor_queue_test.cc.
#include "executors/cpu_onnx_executor.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "executors/cpu_onnx_test_helpers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cpu_onnx/cpu_models.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using cpu_models::Case;
using cpu_models::LoadCase;
using cpu_models::ModelBytes;
using cpu_models::ModelsDir;
using cpu_onnx_test::ExpectNear;
using cpu_onnx_test::Job;
using cpu_onnx_test::kIn;
using cpu_onnx_test::kOut;
using cpu_onnx_test::MlpInput;
using cpu_onnx_test::MlpReference;
using cpu_onnx_test::RunOnce;

// ---- Real models, checked against independent references
// ---------------------

TEST(CpuOnnxExecutorTest, MlpMatchesPlainLoopsAndNumpy) {
  RealClock clock;
  CpuOnnxExecutorOptions opt;
  opt.energy_for = [](Duration t, int pstate) {
    return (1.0 + pstate) * ToSeconds(t);  // 4 W at P-state 3
  };
  CpuOnnxExecutor ex(&clock, opt);
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  EXPECT_TRUE(ex.Supports("mlp"));

  const std::vector<float> x = MlpInput(1);
  ExecResult r =
      RunOnce(ex, Job(1, "mlp", {MakeFloat32Tensor("x", {1, kIn}, x)}));
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.outputs.size(), 1u);
  const Tensor& y = r.outputs[0];
  EXPECT_EQ(y.name, "y");
  EXPECT_EQ(y.dtype, DataType::kFloat32);
  EXPECT_THAT(y.shape, ElementsAre(1, kOut));
  const std::vector<float> got = *Float32Values(y);
  ExpectNear(got, MlpReference(x, 1), 1e-5);
  ExpectNear(got, LoadCase("mlp").expected, 1e-5);
  EXPECT_FALSE(r.simulated);
  EXPECT_GT(r.measured_time, Duration{0});
  EXPECT_NEAR(r.energy_j, 4.0 * ToSeconds(r.measured_time), 1e-12);
  EXPECT_GE(ex.BusyTime(), r.measured_time);
}

TEST(CpuOnnxExecutorTest, DynamicBatchRunsAtTheGivenSize) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("mlp_dynamic", ModelBytes("mlp_dynamic")).ok());
  const CpuOnnxModelInfo info = *ex.Info("mlp_dynamic");
  ASSERT_EQ(info.inputs.size(), 1u);
  EXPECT_THAT(info.inputs[0].shape, ElementsAre(-1, kIn));
  for (int batch : {3, 1, 5}) {
    const std::vector<float> x = MlpInput(batch);
    ExecResult r = RunOnce(ex, Job(batch, "mlp_dynamic",
                                   {MakeFloat32Tensor("x", {batch, kIn}, x)}));
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_THAT(r.outputs[0].shape, ElementsAre(batch, kOut));
    ExpectNear(*Float32Values(r.outputs[0]), MlpReference(x, batch), 1e-5);
  }
}

TEST(CpuOnnxExecutorTest, CnnMatchesNumpy) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("cnn", ModelBytes("cnn")).ok());
  EXPECT_TRUE(ex.Info("cnn")->fusion);  // nothing OpenCV fuses wrongly
  const Case c = LoadCase("cnn");
  ExecResult r = RunOnce(ex, Job(1, "cnn", {c.input}));
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].name, c.output_name);
  EXPECT_EQ(r.outputs[0].shape, c.output_shape);
  EXPECT_THAT(c.output_shape, ElementsAre(1, 10));
  ExpectNear(*Float32Values(r.outputs[0]), c.expected, 1e-4);
}

TEST(CpuOnnxExecutorTest, TransformerBlockMatchesNumpyWithFusionOff) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("tb", ModelBytes("transformer_bcast")).ok());
  const CpuOnnxModelInfo info = *ex.Info("tb");
  EXPECT_FALSE(info.fusion);
  EXPECT_THAT(info.fusion_note,
              HasSubstr("MatMul 'scores' multiplies two computed tensors"));
  const Case c = LoadCase("transformer_bcast");
  ExecResult r = RunOnce(ex, Job(1, "tb", {c.input}));
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.outputs[0].shape, ElementsAre(1, 8, 16));
  ExpectNear(*Float32Values(r.outputs[0]), c.expected, 1e-4);
}

// Documents the OpenCV 4.6 bug kAuto works around: with fusion forced on,
// the attention scale 1/sqrt(d) is silently dropped. If this starts failing,
// a newer OpenCV fixed it and kAuto can be relaxed.
TEST(CpuOnnxExecutorTest, ForcedFusionGivesWrongAttentionInOpenCv46) {
  RealClock clock;
  CpuOnnxExecutorOptions opt;
  opt.fusion = CpuOnnxFusion::kOn;
  CpuOnnxExecutor ex(&clock, opt);
  ASSERT_TRUE(ex.LoadModel("tb", ModelBytes("transformer_bcast")).ok());
  const Case c = LoadCase("transformer_bcast");
  ExecResult r = RunOnce(ex, Job(1, "tb", {c.input}));
  ASSERT_TRUE(r.status.ok()) << r.status;
  const std::vector<float> got = *Float32Values(r.outputs[0]);
  double max_err = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_err = std::max(max_err, double{std::fabs(got[i] - c.expected[i])});
  }
  EXPECT_GT(max_err, 0.1) << "OpenCV no longer mis-fuses MatMul+scale";
}

// ---- The "CPU unsupported for this model" path
// --------------------------------

TEST(CpuOnnxExecutorTest, OpsetElevenClipWithTensorBoundsIsRefusedClearly) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  absl::Status s = ex.LoadModel("clip11", ModelBytes("clip11"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(),
              HasSubstr("cpu_onnx cannot import model 'clip11': "));
  EXPECT_THAT(s.message(), HasSubstr("Clip"));
  EXPECT_THAT(s.message(), HasSubstr("node_proto.input_size() == 1"));
  EXPECT_EQ(s.message().find('\n'), absl::string_view::npos);
  EXPECT_FALSE(ex.Supports("clip11"));
  EXPECT_FALSE(ex.SupportsModel("clip11"));
}

TEST(CpuOnnxExecutorTest, ExportedLayerNormIsRefusedAtWarmUp) {
  // gamma/beta 1-D [16] over a [1,8,16] tensor: OpenCV 4.6 imports the graph
  // and fails its first forward pass; without the warm-up every job would.
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  absl::Status s = ex.LoadModel("transformer", ModelBytes("transformer"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      s.message(),
      HasSubstr("cpu_onnx cannot import model 'transformer': OpenCV "
                "imports it but its warm-up run at x=[1,8,16] fails: "));
  EXPECT_THAT(s.message(), HasSubstr("shape.size()"));
  EXPECT_FALSE(ex.SupportsModel("transformer"));
  // A job for it (placement should not send one) fails, done called once.
  ExecResult r =
      RunOnce(ex, Job(7, "transformer", {LoadCase("transformer").input}));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status.message(),
              HasSubstr("model 'transformer' is not loaded"));
}

TEST(CpuOnnxExecutorTest, NotAnOnnxModel) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  absl::Status s = ex.LoadModel("junk", "definitely not protobuf \xff\xff");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("cpu_onnx cannot import model 'junk'"));
  EXPECT_EQ(ex.LoadModel("", ModelBytes("mlp")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CpuOnnxExecutorTest, LoadsOnceAndUnloads) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("m", ModelBytes("mlp")).ok());
  EXPECT_TRUE(ex.LoadModel("m", ModelBytes("mlp")).ok());  // same bytes: no-op
  EXPECT_EQ(ex.LoadModel("m", ModelBytes("cnn")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(ex.Models(), ElementsAre("m"));
  ex.UnloadModel("m");
  EXPECT_FALSE(ex.Supports("m"));
  EXPECT_EQ(ex.Info("m").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ex.LoadModel("m", ModelBytes("cnn")).ok());
  EXPECT_THAT(ex.Info("m")->inputs[0].shape, ElementsAre(1, 3, 16, 16));
  // From a file: the same model under another name; a missing file names
  // its path.
  EXPECT_TRUE(ex.LoadModelFromFile("m2", ModelsDir() + "/cnn.onnx").ok());
  absl::Status s = ex.LoadModelFromFile("m3", ModelsDir() + "/nope.onnx");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("nope.onnx"));
}

// ---- Bad inputs: the job fails with a clear status, `done` once
// ----------------

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ex_.LoadModel("mlp", ModelBytes("mlp")).ok());
    ASSERT_TRUE(ex_.LoadModel("cnn", ModelBytes("cnn")).ok());
  }
  absl::Status Run(const std::string& model, std::vector<Tensor> inputs) {
    ExecResult r = RunOnce(ex_, Job(++id_, model, std::move(inputs)));
    EXPECT_TRUE(r.outputs.empty());
    return r.status;
  }
  Tensor X(std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return MakeFloat32Tensor("x", shape, std::vector<float>(n, 0.5f));
  }

  RealClock clock_;
  CpuOnnxExecutor ex_{&clock_};
  uint64_t id_ = 0;
};

TEST_F(BadInputTest, WrongDtype) {
  Tensor t;
  t.name = "x";
  t.dtype = DataType::kInt32;
  t.shape = {1, kIn};
  t.bytes = std::string(4 * kIn, '\0');
  absl::Status s = Run("mlp", {t});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      s.message(),
      HasSubstr("input 'x' is int32; cpu_onnx runs float32 inputs only"));
}

TEST_F(BadInputTest, WrongShape) {
  absl::Status s = Run("mlp", {X({1, kIn + 1})});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x' has shape [1,17]; model 'mlp' "
                                     "expects float32 [1,16]"));
  // OpenCV itself would run this CNN on a 17-wide image without a word (the
  // pooling floors it back to 8): the executor checks against the graph.
  s = Run("cnn", {X({1, 3, 16, 17})});
  EXPECT_THAT(s.message(), HasSubstr("input 'x' has shape [1,3,16,17]"));
  s = Run("mlp", {X({kIn})});  // wrong rank
  EXPECT_THAT(s.message(), HasSubstr("has shape [16]"));
  s = Run("mlp", {X({1, 0})});  // empty
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BadInputTest, MissingExtraAndDuplicateInputs) {
  absl::Status s = Run("mlp", {});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("missing input 'x': model 'mlp' takes "
                                     "'x' float32 [1,16]"));
  Tensor z = X({1, kIn});
  z.name = "z";
  s = Run("mlp", {X({1, kIn}), z});
  EXPECT_THAT(s.message(), HasSubstr("unknown input 'z'"));
  s = Run("mlp", {X({1, kIn}), X({1, kIn})});
  EXPECT_THAT(s.message(), HasSubstr("input 'x' given twice"));
}

TEST_F(BadInputTest, BytesThatDoNotMatchTheShape) {
  Tensor t = X({1, kIn});
  t.bytes = std::string(t.bytes.view().substr(0, t.bytes.size() - 4));
  absl::Status s = Run("mlp", {t});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("input 'x': tensor 'x': 60 bytes"));
}

TEST_F(BadInputTest, CostOnlyJobsFailWhenNotSimulated) {
  ManualClock clock;
  CpuOnnxExecutorOptions opt;
  opt.simulate_cost_only_jobs = false;
  CpuOnnxExecutor ex(&clock, opt);
  EXPECT_FALSE(ex.SupportsModel(""));
  ExecResult r = RunOnce(ex, Job(1, "", {}));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
}
// ---- Timings for the record (not asserted: the host is shared)
// -----------------

TEST(CpuOnnxExecutorTimingTest, PrintsMedianRunTimes) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  for (const char* name : {"mlp", "cnn", "transformer_bcast"}) {
    ASSERT_TRUE(ex.LoadModel(name, ModelBytes(name)).ok());
    const Case c = LoadCase(name);
    std::vector<double> us;
    for (int i = 0; i < 200; ++i) {
      ExecResult r = RunOnce(ex, Job(i, name, {c.input}));
      ASSERT_TRUE(r.status.ok());
      us.push_back(ToSeconds(r.measured_time) * 1e6);
    }
    std::sort(us.begin(), us.end());
    std::printf("cpu_onnx %-18s p50 %8.1f us  p10 %8.1f us  p90 %8.1f us\n",
                name, us[us.size() / 2], us[us.size() / 10],
                us[us.size() * 9 / 10]);
  }
}

}  // namespace
}  // namespace joule
