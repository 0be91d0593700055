#include "executors/cpu_onnx_executor.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cpu_onnx/cpu_models.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- Fixtures on disk --------------------------------------------------------

using cpu_models::Case;
using cpu_models::Floats;
using cpu_models::LoadCase;
using cpu_models::ModelBytes;
using cpu_models::ModelsDir;
using cpu_models::ReadFile;

// ---- The MLP's weights, re-derived here from the generator's formulas -------
constexpr int kIn = 16, kHidden = 32, kOut = 8;
float MlpW1(int i, int j) {
  return static_cast<float>(std::sin(0.37 * (i * kHidden + j) + 0.1) * 0.5);
}
float MlpB1(int j) { return static_cast<float>(0.1 * std::cos(j)); }
float MlpW2(int i, int j) {
  return static_cast<float>(std::cos(0.23 * (i * kOut + j)) * 0.4);
}
float MlpB2(int j) { return static_cast<float>(0.05 * j - 0.2); }
std::vector<float> MlpInput(int batch) {
  std::vector<float> x;
  for (int r = 0; r < batch; ++r) {
    for (int i = 0; i < kIn; ++i) {
      x.push_back(static_cast<float>(std::sin(0.5 * (r * kIn + i))));
    }
  }
  return x;
}
// relu(x·W1 + b1)·W2 + b2 with plain loops, in double.
std::vector<float> MlpReference(const std::vector<float>& x, int batch) {
  std::vector<float> y;
  for (int r = 0; r < batch; ++r) {
    double h[kHidden];
    for (int j = 0; j < kHidden; ++j) {
      double acc = MlpB1(j);
      for (int i = 0; i < kIn; ++i) acc += x[r * kIn + i] * double{MlpW1(i, j)};
      h[j] = std::max(acc, 0.0);
    }
    for (int j = 0; j < kOut; ++j) {
      double acc = MlpB2(j);
      for (int i = 0; i < kHidden; ++i) acc += h[i] * double{MlpW2(i, j)};
      y.push_back(static_cast<float>(acc));
    }
  }
  return y;
}

// ---- Waiting for `done` without sleeping -------------------------------------

// Collects one job's results; Wait() blocks until `done` ran.
class Done {
 public:
  Executor::DoneCallback Callback() {
    return [this](const ExecResult& r) {
      absl::MutexLock l(&mu_);
      results_.push_back(r);
    };
  }
  ExecResult Wait() {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<ExecResult>* v) { return !v->empty(); }, &results_));
    return results_.front();
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return static_cast<int>(results_.size());
  }

 private:
  absl::Mutex mu_;
  std::vector<ExecResult> results_ ABSL_GUARDED_BY(mu_);
};

// Records which jobs started; WaitFor blocks until one did. Hold(id) makes
// the hook block on that job until Release(), so a model job stays running
// (the hook runs on the worker thread before the net does).
class Started {
 public:
  std::function<void(uint64_t)> Hook() {
    return [this](uint64_t id) {
      absl::MutexLock l(&mu_);
      ids_.push_back(id);
      if (id == held_) {
        mu_.Await(absl::Condition(
            +[](bool* released) { return *released; }, &released_));
      }
    };
  }
  void Hold(uint64_t id) {
    absl::MutexLock l(&mu_);
    held_ = id;
  }
  void Release() {
    absl::MutexLock l(&mu_);
    released_ = true;
  }
  void WaitFor(uint64_t id) {
    absl::MutexLock l(&mu_);
    auto has = [this, id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
    };
    mu_.Await(absl::Condition(&has));
  }

 private:
  absl::Mutex mu_;
  std::vector<uint64_t> ids_ ABSL_GUARDED_BY(mu_);
  uint64_t held_ ABSL_GUARDED_BY(mu_) = 0;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

ExecRequest Job(uint64_t id, const std::string& model,
                std::vector<Tensor> inputs) {
  ExecRequest req;
  req.job_id = id;
  req.pstate = 3;
  req.model = model;
  req.inputs = std::move(inputs);
  return req;
}

ExecResult RunOnce(CpuOnnxExecutor& ex, const ExecRequest& req) {
  Done done;
  ex.Start(req, done.Callback());
  ExecResult r = done.Wait();
  EXPECT_EQ(done.calls(), 1);
  return r;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want,
                double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, double{std::fabs(want[i])}))
        << "element " << i;
  }
}

// ---- Real models, checked against independent references ---------------------

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
  ExecResult r = RunOnce(ex, Job(1, "mlp", {MakeFloat32Tensor("x", {1, kIn}, x)}));
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
    ExecResult r = RunOnce(
        ex, Job(batch, "mlp_dynamic", {MakeFloat32Tensor("x", {batch, kIn}, x)}));
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

// ---- The "CPU unsupported for this model" path --------------------------------

TEST(CpuOnnxExecutorTest, OpsetElevenClipWithTensorBoundsIsRefusedClearly) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  absl::Status s = ex.LoadModel("clip11", ModelBytes("clip11"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("cpu_onnx cannot import model 'clip11': "));
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
  EXPECT_THAT(s.message(),
              HasSubstr("cpu_onnx cannot import model 'transformer': OpenCV "
                        "imports it but its warm-up run at x=[1,8,16] fails: "));
  EXPECT_THAT(s.message(), HasSubstr("shape.size()"));
  EXPECT_FALSE(ex.SupportsModel("transformer"));
  // A job for it (placement should not send one) fails, done called once.
  ExecResult r = RunOnce(ex, Job(7, "transformer", {LoadCase("transformer").input}));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status.message(), HasSubstr("model 'transformer' is not loaded"));
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

// ---- Bad inputs: the job fails with a clear status, `done` once ----------------

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
  t.bytes.assign(4 * kIn, '\0');
  absl::Status s = Run("mlp", {t});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
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
  t.bytes.resize(t.bytes.size() - 4);
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

// ---- Queueing, cancelling, shutting down --------------------------------------

ExecRequest CostOnly(uint64_t id, Duration predicted) {
  ExecRequest req;
  req.job_id = id;
  req.predicted_time = predicted;
  req.predicted_energy_j = 0.25;
  return req;
}

TEST(CpuOnnxExecutorQueueTest, CostOnlyJobsAreSimulatedLikeSimulatedExecutor) {
  ManualClock clock;
  CpuOnnxExecutor ex(&clock);
  EXPECT_TRUE(ex.SupportsModel(""));
  Done done;
  ex.Start(CostOnly(1, std::chrono::seconds(2)), done.Callback());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(done.calls(), 0);
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(1));
  clock.Advance(std::chrono::seconds(1));
  // `done` ran inside Advance(), on this thread, as with SimulatedExecutor.
  ASSERT_EQ(done.calls(), 1);
  ExecResult r = done.Wait();
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.simulated);
  EXPECT_EQ(r.measured_time, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(r.energy_j, 0.25);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(2));
}

TEST(CpuOnnxExecutorQueueTest, ARunningCostOnlyJobCanBeCancelled) {
  ManualClock clock;
  CpuOnnxExecutor ex(&clock);
  Done done;
  ex.Start(CostOnly(1, std::chrono::seconds(2)), done.Callback());
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(ex.Cancel(1));
  EXPECT_FALSE(ex.Cancel(1));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(done.calls(), 0);
  EXPECT_EQ(ex.BusyTime(), std::chrono::milliseconds(500));
}

TEST(CpuOnnxExecutorQueueTest, CancelsAQueuedJobButNotARunningModel) {
  ManualClock clock;
  Started started;
  started.Hold(1);  // job 1 stays running until Release()
  CpuOnnxExecutorOptions opt;
  opt.on_job_started = started.Hook();
  CpuOnnxExecutor ex(&clock, opt);
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());

  Done d1, d2, d3, d4;
  const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
  ex.Start(Job(1, "mlp", {x}), d1.Callback());
  started.WaitFor(1);
  ex.Start(Job(2, "mlp", {x}), d2.Callback());
  ex.Start(Job(3, "mlp", {x}), d3.Callback());
  ex.Start(CostOnly(4, std::chrono::seconds(1)), d4.Callback());
  EXPECT_EQ(ex.QueuedJobs(), 3u);
  EXPECT_TRUE(ex.Cancel(2));   // queued: cancelled, `done` never runs
  EXPECT_FALSE(ex.Cancel(2));  // already gone
  EXPECT_FALSE(ex.Cancel(1));  // a running model cannot be stopped
  EXPECT_FALSE(ex.Cancel(99));
  EXPECT_EQ(ex.QueuedJobs(), 2u);

  started.Release();
  EXPECT_TRUE(d1.Wait().status.ok());
  ExecResult r3 = d3.Wait();
  ASSERT_TRUE(r3.status.ok()) << r3.status;
  ExpectNear(*Float32Values(r3.outputs[0]), MlpReference(MlpInput(1), 1), 1e-5);
  started.WaitFor(4);  // queued behind the models; now on the clock
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(d4.Wait().simulated);
  // The manual clock does not move while a net runs: busy = job 4 only.
  EXPECT_EQ(ex.BusyTime(), std::chrono::seconds(1));
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2.calls(), 0);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_EQ(d4.calls(), 1);
}

TEST(CpuOnnxExecutorQueueTest, DestructorFailsQueuedJobsOnceEach) {
  ManualClock clock;
  Started started;
  Done d1, d2, d3;
  {
    CpuOnnxExecutorOptions opt;
    opt.on_job_started = started.Hook();
    CpuOnnxExecutor ex(&clock, opt);
    ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
    ex.Start(CostOnly(1, std::chrono::hours(1)), d1.Callback());
    started.WaitFor(1);
    const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
    ex.Start(Job(2, "mlp", {x}), d2.Callback());
    ex.Start(Job(3, "mlp", {x}), d3.Callback());
  }  // joins the worker: every `done` has run by now
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2.calls(), 1);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_THAT(d1.Wait().status.message(),
              HasSubstr("shut down while the cost-only job was running"));
  EXPECT_THAT(d2.Wait().status.message(), HasSubstr("shut down before the job"));
  EXPECT_EQ(d3.Wait().status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(clock.PendingTimers(), 0u);  // job 1's timer was cancelled
  clock.Advance(std::chrono::hours(2));  // and nothing fires late
}

TEST(CpuOnnxExecutorQueueTest, JobsStartedFromDoneDuringShutdownAreFailedToo) {
  // At shutdown the scheduler answers a CANCELLED job by dispatching the next
  // one from inside `done`; that one must get its `done` as well.
  ManualClock clock;
  Started started;
  Done d1, d3;
  int d2_calls = 0;
  {
    CpuOnnxExecutorOptions opt;
    opt.on_job_started = started.Hook();
    CpuOnnxExecutor ex(&clock, opt);
    ex.Start(CostOnly(1, std::chrono::hours(1)), d1.Callback());
    started.WaitFor(1);
    ex.Start(CostOnly(2, std::chrono::hours(1)), [&](const ExecResult& r) {
      ++d2_calls;  // on the worker thread, during the destructor
      EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled);
      ex.Start(CostOnly(3, std::chrono::hours(1)), d3.Callback());
    });
  }
  EXPECT_EQ(d1.calls(), 1);
  EXPECT_EQ(d2_calls, 1);
  EXPECT_EQ(d3.calls(), 1);
  EXPECT_EQ(d3.Wait().status.code(), absl::StatusCode::kCancelled);
}

TEST(CpuOnnxExecutorQueueTest, DoneMayStartTheNextJob) {
  // The scheduler dispatches the next job from inside `done`.
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  const Tensor x = MakeFloat32Tensor("x", {1, kIn}, MlpInput(1));
  Done second;
  ex.Start(Job(1, "mlp", {x}), [&](const ExecResult& r) {
    EXPECT_TRUE(r.status.ok());
    ex.Start(Job(2, "mlp", {x}), second.Callback());
  });
  EXPECT_TRUE(second.Wait().status.ok());
}

TEST(CpuOnnxExecutorQueueTest, ManyJobsFromManyThreadsEachDoneOnce) {
  RealClock clock;
  CpuOnnxExecutor ex(&clock);
  ASSERT_TRUE(ex.LoadModel("mlp", ModelBytes("mlp")).ok());
  constexpr int kThreads = 3, kPerThread = 40;
  absl::Mutex mu;
  std::vector<int> calls(kThreads * kPerThread, 0);
  int total = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        ex.Start(Job(id, "mlp",
                     {MakeFloat32Tensor("x", {1, kIn}, MlpInput(1))}),
                 [&, id](const ExecResult& r) {
                   EXPECT_TRUE(r.status.ok());
                   absl::MutexLock l(&mu);
                   ++calls[id];
                   ++total;
                 });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  absl::MutexLock l(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == kThreads * kPerThread; }, &total));
  for (int c : calls) EXPECT_EQ(c, 1);
}

// ---- Timings for the record (not asserted: the host is shared) -----------------

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
