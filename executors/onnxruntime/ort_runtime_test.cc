// OrtRuntime behind the shared ModelExecutor, on the real library: the
// generated reference models run as jobs and match their numpy references,
// inputs that do not fit fail the job naming the input, models ORT refuses
// fail LoadModel with ORT's message, and an ORT error inside a run fails
// only that job. The queue, cancelling and shutdown themselves are tested
// once, in ort_executor_queue_test.cc.
#include "executors/onnxruntime/ort_runtime.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "executors/model_executor.h"
#include "executors/model_executor_test_helpers.h"
#include "executors/onnxruntime/ort_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reference_models/reference_models.h"

namespace joule {
namespace {

using model_executor_test::Done;
using model_executor_test::Job;
using model_executor_test::RunOnce;
using ort_test::Library;
using ort_test::MakeTensor;
using ort_test::OrtModelBytes;
using ort_test::Values;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<ModelExecutor> MakeExecutor(Clock* clock) {
  OrtSessionConfig config;
  config.intra_op_threads = 2;
  ModelExecutorOptions options;
  options.energy_for = [](Duration t, int pstate) {
    return (1.0 + pstate) * ToSeconds(t);
  };
  return std::make_unique<ModelExecutor>(
      clock, std::make_unique<OrtRuntime>(Library(), config), options);
}

TEST(OrtRuntimeTest, ReferenceModelsMatchNumpyAsJobs) {
  ASSERT_NE(Library(), nullptr);
  RealClock clock;
  std::unique_ptr<ModelExecutor> ex = MakeExecutor(&clock);
  EXPECT_EQ(ex->runtime_name(), "onnxruntime");
  uint64_t id = 0;
  for (const char* model :
       {"mlp", "mlp_dynamic", "cnn", "transformer", "transformer_bcast"}) {
    SCOPED_TRACE(model);
    ASSERT_TRUE(ex->LoadModel(model, reference_models::ModelBytes(model)).ok());
    EXPECT_TRUE(ex->SupportsModel(model));
    const reference_models::Case c = reference_models::LoadCase(model);
    ExecResult r = RunOnce(*ex, Job(++id, model, {c.input}));
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_FALSE(r.simulated);
    EXPECT_GT(r.measured_time, Duration{0});
    EXPECT_NEAR(r.energy_j, 4.0 * ToSeconds(r.measured_time), 1e-12);
    ASSERT_EQ(r.outputs.size(), 1u);
    const Tensor& y = r.outputs[0];
    EXPECT_EQ(y.name, c.output_name);
    EXPECT_EQ(y.dtype, DataType::kFloat32);
    EXPECT_EQ(y.shape, c.output_shape);
    const std::vector<float> got = Values<float>(y);
    ASSERT_EQ(got.size(), c.expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got[i], c.expected[i], 1e-4) << "element " << i;
    }
  }
  EXPECT_THAT(ex->Models(), ElementsAre("cnn", "mlp", "mlp_dynamic",
                                        "transformer", "transformer_bcast"));
}

TEST(OrtRuntimeTest, InputsThatDoNotFitFailTheJobNamingTheInput) {
  ASSERT_NE(Library(), nullptr);
  RealClock clock;
  std::unique_ptr<ModelExecutor> ex = MakeExecutor(&clock);
  ASSERT_TRUE(ex->LoadModel("mlp", reference_models::ModelBytes("mlp")).ok());
  const std::vector<float> x(16, 0.5f);
  struct Case {
    Tensor t;
    std::string message;
  };
  uint64_t id = 0;
  for (const Case& c : std::vector<Case>{
           {MakeTensor<int32_t>("x", DataType::kInt32, {1, 16},
                                std::vector<int32_t>(16)),
            "model 'mlp': input 'x' is float32 [1,16], got int32 [1,16]"},
           {MakeFloat32Tensor("x", {2, 8}, x),
            "model 'mlp': input 'x' is float32 [1,16], got [2,8] (dim 0)"}}) {
    ExecResult r = RunOnce(*ex, Job(++id, "mlp", {c.t}));
    EXPECT_TRUE(absl::IsInvalidArgument(r.status)) << r.status;
    EXPECT_EQ(std::string(r.status.message()), c.message);
    EXPECT_TRUE(r.outputs.empty());
  }
  const reference_models::Case c = reference_models::LoadCase("mlp");
  EXPECT_TRUE(RunOnce(*ex, Job(++id, "mlp", {c.input})).status.ok());
}

TEST(OrtRuntimeTest, ModelsOrtRefusesFailLoadWithOrtsMessage) {
  ASSERT_NE(Library(), nullptr);
  RealClock clock;
  std::unique_ptr<ModelExecutor> ex = MakeExecutor(&clock);
  absl::Status st = ex->LoadModel("garbage", "this is not an onnx model");
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              AllOf(StartsWith("onnxruntime refused model 'garbage': "),
                    HasSubstr("protobuf parsing failed")));
  st = ex->LoadModel("unknown_op", OrtModelBytes("unknown_op"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              AllOf(StartsWith("onnxruntime refused model 'unknown_op': "),
                    HasSubstr("NoSuchOperator")));
  EXPECT_FALSE(ex->SupportsModel("garbage"));
  EXPECT_FALSE(ex->SupportsModel("unknown_op"));
  EXPECT_TRUE(ex->Models().empty());
  ExecResult r = RunOnce(*ex, Job(1, "unknown_op", {}));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(r.status.message()),
            "onnxruntime: model 'unknown_op' is not loaded");
}

TEST(OrtRuntimeTest, AnOrtErrorInsideARunFailsOnlyThatJob) {
  ASSERT_NE(Library(), nullptr);
  RealClock clock;
  std::unique_ptr<ModelExecutor> ex = MakeExecutor(&clock);
  ASSERT_TRUE(ex->LoadModel("reshape", OrtModelBytes("reshape")).ok());
  const Tensor x = MakeFloat32Tensor("x", {6}, {1, 2, 3, 4, 5, 6});
  auto shape = [](std::vector<int64_t> dims) {
    return MakeTensor<int64_t>("shape", DataType::kInt64, {2}, dims);
  };
  // Queued together: the failing job sits between two that run.
  Done before, failing, after;
  ex->Start(Job(1, "reshape", {x, shape({3, 2})}), before.Callback());
  ex->Start(Job(2, "reshape", {x, shape({4, 2})}), failing.Callback());
  ex->Start(Job(3, "reshape", {x, shape({2, 3})}), after.Callback());
  ExecResult r = failing.Wait();
  EXPECT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              AllOf(StartsWith("model 'reshape': run: "),
                    HasSubstr("cannot be reshaped")));
  EXPECT_TRUE(r.outputs.empty());
  for (Done* d : {&before, &after}) {
    ExecResult ok = d->Wait();
    ASSERT_TRUE(ok.status.ok()) << ok.status;
    EXPECT_THAT(Values<float>(ok.outputs[0]), ElementsAre(1, 2, 3, 4, 5, 6));
  }
  EXPECT_THAT(before.Wait().outputs[0].shape, ElementsAre(3, 2));
  EXPECT_THAT(after.Wait().outputs[0].shape, ElementsAre(2, 3));
  // Still serving, models and cost-only jobs alike.
  EXPECT_TRUE(RunOnce(*ex, Job(4, "reshape", {x, shape({6, 1})})).status.ok());
  ExecResult cost_only = RunOnce(*ex, Job(5, "", {}));
  EXPECT_TRUE(cost_only.status.ok()) << cost_only.status;
  EXPECT_TRUE(cost_only.simulated);
  EXPECT_EQ(before.calls() + failing.calls() + after.calls(), 3);
}

}  // namespace
}  // namespace joule
