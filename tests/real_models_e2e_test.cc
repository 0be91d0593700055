// End-to-end: real ONNX models on the real host. A whole daemon on port 0
// with the embedded policy, whose first CPU `cpu0` runs registered models
// with ONNX Runtime (executors/onnxruntime/), gets the models of
// tests/reference_models/make_reference_models.py by bytes over gRPC, runs
// jobs that carry real input tensors and answers with outputs that match the
// generator's numpy reference; bad inputs are refused with INVALID_ARGUMENT
// naming the input; a model ONNX Runtime refuses is listed as unsupported on
// cpu0 with ORT's reason and refused there at admission.
//
// The daemon runs on a ManualClock (DaemonFixture): a model job runs on the
// executor's worker thread and completes without the clock moving, so its
// measured time is 0 there. The one test that needs measured times (the
// prediction-error histogram ignores a 0 s sample) starts the daemon on a
// RealClock; it still waits only on the calls' completion callbacks.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/scheduler_service.h"
#include "executors/onnxruntime/ort_library.h"
#include "gmock/gmock.h"
#include "testing/fake_host.h"
#include "testing/test_http_client.h"
#include "tests/daemon_fixture.h"
#include "tests/reference_models/reference_models.h"

#ifndef JOULE_REFERENCE_MODELS_DIR
#error "build with tests/CMakeLists.txt (defines JOULE_REFERENCE_MODELS_DIR)"
#endif

namespace joule {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// ---- The generated models and their reference data --------------------------

using reference_models::Floats;
using reference_models::ModelBytes;

// tests/reference_models/reference_models.h's case, with the input as the proto
// a client sends.
struct Case {
  v1::Tensor input;  // FLOAT32, the generator's input
  std::string output_name;
  std::vector<int64_t> output_shape;
  std::vector<float> expected;  // numpy's output for `input`
};

Case LoadCase(const std::string& name) {
  reference_models::Case m = reference_models::LoadCase(name);
  Case c;
  c.input.set_name(m.input.name);
  c.input.set_dtype(v1::DATA_TYPE_FLOAT32);
  for (int64_t d : m.input.shape) c.input.add_shape(d);
  c.input.set_data(std::string(m.input.bytes.view()));
  c.output_name = m.output_name;
  c.output_shape = m.output_shape;
  c.expected = std::move(m.expected);
  return c;
}

const v1::ModelDeviceInfo* DeviceInfo(const v1::ModelInfo& m,
                                      const std::string& device) {
  for (const v1::ModelDeviceInfo& d : m.devices()) {
    if (d.device() == device) return &d;
  }
  return nullptr;
}

// Every generated model with a reference (both forms of the transformer: see
// make_reference_models.py).
constexpr const char* kRunnable[] = {"mlp", "cnn", "transformer",
                                     "transformer_bcast", "clip11"};
constexpr double kTolerance = 1e-4;

class RealModelsE2eTest : public DaemonFixture {
 protected:
  // The embedded policy and RK3588-class profile: cpu0 runs models for real,
  // gpu0 and npu0 are simulated.
  void Start() { StartDaemon(); }

  // As DaemonFixture::StartDaemon, on a RealClock owned by the daemon.
  void StartOnRealClock() {
    DaemonOptions o;
    o.grpc_listen = "127.0.0.1:0";
    o.metrics_listen = "127.0.0.1:0";
    o.start_governor = false;
    absl::StatusOr<std::unique_ptr<Daemon>> d = Daemon::Create(o);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = *std::move(d);
    ASSERT_TRUE(daemon_->Start().ok());
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    stub_ = v1::Scheduler::NewStub(channel_);
  }

  grpc::Status Register(const std::string& name, v1::ModelInfo* info) {
    v1::RegisterModelRequest req;
    req.set_name(name);
    req.set_onnx(ModelBytes(name));
    grpc::ClientContext ctx;
    return stub_->RegisterModel(&ctx, req, info);
  }

  v1::ListModelsResponse List() {
    v1::ListModelsResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->ListModels(&ctx, {}, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  // A job for `model` on a CPU with `input`.
  static v1::SubmitRequest CpuJob(const std::string& model,
                                  const v1::Tensor& input) {
    v1::SubmitRequest req;
    req.set_model(model);
    req.add_allowed_kinds(v1::DEVICE_KIND_CPU);
    *req.add_inputs() = input;
    return req;
  }

  v1::JobResult GetJob(const std::string& id) {
    v1::GetJobRequest req;
    req.set_job_id(id);
    v1::JobResult r;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->GetJob(&ctx, req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }
};

void ExpectMatchesReference(const std::string& model, const Case& c,
                            const v1::JobResult& r) {
  SCOPED_TRACE(model);
  EXPECT_EQ(r.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(r.device(), "cpu0");
  EXPECT_EQ(r.kind(), v1::DEVICE_KIND_CPU);
  EXPECT_FALSE(r.simulated());  // ONNX Runtime ran it on this host
  EXPECT_TRUE(r.error().empty()) << r.error();
  ASSERT_EQ(r.outputs_size(), 1);
  const v1::Tensor& out = r.outputs(0);
  EXPECT_EQ(out.name(), c.output_name);
  EXPECT_EQ(out.dtype(), v1::DATA_TYPE_FLOAT32);
  EXPECT_THAT(out.shape(), ElementsAreArray(c.output_shape));
  ASSERT_EQ(out.data().size(), c.expected.size() * sizeof(float));
  const std::vector<float> got = Floats(out.data());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], c.expected[i], kTolerance) << "element " << i;
  }
}

TEST_F(RealModelsE2eTest, ModelsRegisteredByBytesAreListedRunnableOnCpu0) {
  Start();
  for (const char* name : {"mlp", "cnn"}) {
    SCOPED_TRACE(name);
    v1::ModelInfo info;
    grpc::Status s = Register(name, &info);
    ASSERT_TRUE(s.ok()) << s.error_message();
    const Case c = LoadCase(name);
    ASSERT_EQ(info.inputs_size(), 1);
    EXPECT_EQ(info.inputs(0).name(), c.input.name());
    EXPECT_EQ(info.inputs(0).dtype(), v1::DATA_TYPE_FLOAT32);
    EXPECT_THAT(info.inputs(0).shape(), ElementsAreArray(c.input.shape()));
    ASSERT_EQ(info.outputs_size(), 1);
    EXPECT_EQ(info.outputs(0).name(), c.output_name);
    EXPECT_THAT(info.outputs(0).shape(), ElementsAreArray(c.output_shape));
    const v1::ModelDeviceInfo* cpu = DeviceInfo(info, "cpu0");
    ASSERT_NE(cpu, nullptr);
    EXPECT_TRUE(cpu->supported());
    EXPECT_EQ(cpu->reason(), "");
  }

  const v1::ListModelsResponse list = List();
  ASSERT_EQ(list.models_size(), 2);
  std::vector<std::string> names;
  for (const v1::ModelInfo& m : list.models()) {
    names.push_back(m.name());
    const v1::ModelDeviceInfo* cpu = DeviceInfo(m, "cpu0");
    ASSERT_NE(cpu, nullptr) << m.name();
    EXPECT_TRUE(cpu->supported()) << m.name() << ": " << cpu->reason();
    EXPECT_GT(cpu->predicted_s_size(), 0) << m.name();
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("mlp", "cnn"));
}

TEST_F(RealModelsE2eTest, JobsWithRealInputsReturnTheNumpyReferenceOutputs) {
  Start();
  for (const char* name : kRunnable) {
    v1::ModelInfo info;
    grpc::Status s = Register(name, &info);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
  }
  // Two jobs per model, all in flight at once: cpu0 runs one at a time, so
  // most of them wait in its queue.
  struct Pending {
    std::string model;
    Case c;
    std::unique_ptr<AsyncCall> call;
  };
  std::vector<Pending> pending;
  for (int round = 0; round < 2; ++round) {
    for (const char* name : kRunnable) {
      Pending p{name, LoadCase(name), nullptr};
      p.call = SubmitAsync(CpuJob(name, p.c.input));
      pending.push_back(std::move(p));
    }
  }
  for (Pending& p : pending) {
    p.call->Wait();  // no clock advance: the job runs on the worker thread
    ASSERT_TRUE(p.call->status.ok())
        << p.model << ": " << p.call->status.error_message();
    ExpectMatchesReference(p.model, p.c, p.call->resp);
    EXPECT_EQ(p.call->resp.job_id(), p.call->JobId());
  }
}

TEST_F(RealModelsE2eTest, WrongInputsFailInvalidArgumentNamingTheInput) {
  Start();
  v1::ModelInfo info;
  ASSERT_TRUE(Register("cnn", &info).ok());
  const Case c = LoadCase("cnn");  // x: float32 [1,3,16,16]

  struct BadInput {
    const char* what;
    v1::Tensor tensor;
    const char* message;  // a substring of the status message
  };
  // A wrong dtype, input name or static dim is refused at admission,
  // against the model's declared inputs, whichever device would have run
  // the job: no job is created.
  std::vector<BadInput> refused;
  {
    v1::Tensor t = c.input;  // self-consistent, the model's size: wrong shape
    t.clear_shape();
    for (int64_t d : {1, 3, 8, 32}) t.add_shape(d);
    refused.push_back({"shape", t,
                       "inputs[0].shape[2]: input 'x' of model 'cnn' dim 2 "
                       "is 16 in the model, got 8"});
  }
  {
    v1::Tensor t = c.input;  // same bytes read as int32
    t.set_dtype(v1::DATA_TYPE_INT32);
    refused.push_back(
        {"dtype", t, "inputs[0].dtype: input 'x' of model 'cnn' is float32"});
  }
  {
    v1::Tensor t = c.input;
    t.set_name("image");
    refused.push_back(
        {"name", t, "inputs[0].name: model 'cnn' has no input 'image'"});
  }
  for (const BadInput& b : refused) {
    SCOPED_TRACE(b.what);
    v1::SubmitRequest req = CpuJob("cnn", b.tensor);
    req.clear_allowed_kinds();  // also where a simulated device would win
    auto call = SubmitAsync(req);
    call->Wait();
    EXPECT_EQ(call->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(call->status.error_message(), HasSubstr(b.message));
    EXPECT_TRUE(call->JobId().empty());
  }

  // No inputs at all: the same, naming the missing one.
  v1::SubmitRequest none;
  none.set_model("cnn");
  none.add_allowed_kinds(v1::DEVICE_KIND_CPU);
  auto call = SubmitAsync(none);
  call->Wait();
  EXPECT_EQ(call->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(call->status.error_message(),
              HasSubstr("model 'cnn': input 'x' (float32 [1,3,16,16]) not "
                        "given"));

  // Bytes that do not fill the shape never become a job: INVALID_ARGUMENT
  // from the request's validation, before admission (no job id).
  v1::Tensor short_bytes = c.input;
  short_bytes.mutable_data()->resize(c.input.data().size() - 4);
  v1::JobResult r;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->Submit(&ctx, CpuJob("cnn", short_bytes), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("inputs[0]"));
  EXPECT_EQ(ctx.GetServerTrailingMetadata().count(kJobIdMetadataKey), 0u);

  // cpu0 still works after all that.
  auto good = SubmitAsync(CpuJob("cnn", c.input));
  good->Wait();
  ASSERT_TRUE(good->status.ok()) << good->status.error_message();
  ExpectMatchesReference("cnn", c, good->resp);
}

TEST_F(RealModelsE2eTest, ModelOnnxRuntimeRefusesIsUnsupportedOnCpu0Only) {
  Start();
  // A node of an operator no runtime implements: the analysis takes the
  // model (the node unresolved), ONNX Runtime does not. Registration
  // succeeds; cpu0 is marked unable, with ORT's own message.
  v1::ModelInfo info;
  grpc::Status s = Register("custom_op", &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::ModelDeviceInfo* cpu = DeviceInfo(info, "cpu0");
  ASSERT_NE(cpu, nullptr);
  EXPECT_FALSE(cpu->supported());
  EXPECT_THAT(cpu->reason(),
              HasSubstr("onnxruntime refused model 'custom_op'"));
  EXPECT_THAT(cpu->reason(), HasSubstr("Frobnicate"));  // ORT's own words

  const v1::ListModelsResponse list = List();
  ASSERT_EQ(list.models_size(), 1);
  const v1::ModelDeviceInfo* listed = DeviceInfo(list.models(0), "cpu0");
  ASSERT_NE(listed, nullptr);
  EXPECT_FALSE(listed->supported());
  EXPECT_EQ(listed->reason(), cpu->reason());
  // The simulated devices can still take it.
  const v1::ModelDeviceInfo* npu = DeviceInfo(list.models(0), "npu0");
  ASSERT_NE(npu, nullptr);
  EXPECT_TRUE(npu->supported()) << npu->reason();

  // On CPUs only: rejected at admission, INVALID_ARGUMENT, saying why.
  v1::Tensor x;
  x.set_name("x");
  x.set_dtype(v1::DATA_TYPE_FLOAT32);
  x.add_shape(1);
  x.add_shape(8);
  x.set_data(std::string(8 * sizeof(float), '\0'));
  v1::JobResult r;
  grpc::ClientContext ctx;
  s = stub_->Submit(&ctx, CpuJob("custom_op", x), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("rejected at admission"));
  EXPECT_THAT(s.error_message(), HasSubstr("cpu0"));
  EXPECT_THAT(s.error_message(),
              HasSubstr("its executor cannot run this model"));
  auto md = ctx.GetServerTrailingMetadata();
  auto id = md.find(kJobIdMetadataKey);
  ASSERT_NE(id, md.end());
  const v1::JobResult job =
      GetJob(std::string(id->second.data(), id->second.size()));
  EXPECT_EQ(job.state(), v1::JOB_STATE_REJECTED);

  // Without the restriction placement goes elsewhere (dry run: no clock).
  v1::SubmitRequest any;
  any.set_model("custom_op");
  any.set_dry_run(true);
  v1::JobResult plan;
  grpc::ClientContext plan_ctx;
  ASSERT_TRUE(stub_->Submit(&plan_ctx, any, &plan).ok());
  EXPECT_FALSE(plan.device().empty());
  EXPECT_NE(plan.device(), "cpu0");
  for (const v1::DeviceEstimate& e : plan.candidates()) {
    if (e.device() != "cpu0") continue;
    EXPECT_FALSE(e.feasible());
    EXPECT_EQ(e.reason(), "its executor cannot run this model");
  }
}

const v1::DeviceStatus* FindDevice(const v1::ListDevicesResponse& l,
                                   const std::string& name) {
  for (const v1::DeviceStatus& d : l.devices()) {
    if (d.name() == name) return &d;
  }
  return nullptr;
}

TEST_F(RealModelsE2eTest, ListDevicesSaysWhatRunsJobsOnEachDevice) {
  Start();
  v1::ListDevicesResponse l;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListDevices(&ctx, {}, &l).ok());
  const v1::DeviceStatus* cpu = FindDevice(l, "cpu0");
  ASSERT_NE(cpu, nullptr);
  EXPECT_FALSE(cpu->simulated());
  EXPECT_THAT(cpu->executor(), HasSubstr("onnxruntime 1.30"));
  EXPECT_THAT(cpu->executor(), HasSubstr("provider cpu"));
  const v1::DeviceStatus* npu = FindDevice(l, "npu0");
  ASSERT_NE(npu, nullptr);
  EXPECT_TRUE(npu->simulated());
  EXPECT_EQ(npu->executor(),
            "simulated: no execution provider named in the profile");
}

// executors.onnxruntime.library naming a file that is not a loadable ONNX
// Runtime: the daemon still starts, cpu0 is simulated and says why (one
// start-up message), models still register and are costed, and a job naming
// one completes simulated.
TEST_F(RealModelsE2eTest, AMissingOrBrokenLibraryLeavesCpu0SimulatedSayingWhy) {
  const std::string real = DefaultOrtLibraryOptions().path;
  const std::string bytes = reference_models::ReadFile(real);
  ASSERT_GT(bytes.size(), 4096u);
  struct Bad {
    std::string path;
    const char* says;
  };
  const std::vector<Bad> libraries = {
      {dir_ + "/missing/libonnxruntime.so.1", "no such file"},
      {WriteFile("truncated.so", bytes.substr(0, bytes.size() / 2)),
       "truncated"},
      {WriteFile("text.so", "not a library\n"), "no ELF header"},
  };
  for (const Bad& b : libraries) {
    SCOPED_TRACE(b.path);
    const std::string policy =
        WriteFile("policy.yaml", "executors:\n  onnxruntime:\n    library: \"" +
                                     b.path + "\"\n");
    StartDaemon(policy);
    v1::ListDevicesResponse l;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListDevices(&ctx, {}, &l).ok());
    const v1::DeviceStatus* cpu = FindDevice(l, "cpu0");
    ASSERT_NE(cpu, nullptr);
    EXPECT_TRUE(cpu->simulated());
    EXPECT_THAT(cpu->executor(),
                HasSubstr("simulated: ONNX Runtime did not load: "));
    EXPECT_THAT(cpu->executor(), HasSubstr(b.path));
    EXPECT_THAT(cpu->executor(), HasSubstr(b.says));

    v1::ModelInfo info;
    ASSERT_TRUE(Register("mlp", &info).ok());
    const Case c = LoadCase("mlp");
    auto call = SubmitAsync(CpuJob("mlp", c.input));
    daemon_->scheduler().WaitForSubmissions(1);
    clock_.Advance(std::chrono::seconds(1));
    call->Wait();
    ASSERT_TRUE(call->status.ok()) << call->status.error_message();
    EXPECT_TRUE(call->resp.simulated());
    EXPECT_EQ(call->resp.outputs_size(), 0);
    daemon_->Shutdown(Duration::zero());
    daemon_.reset();
  }
}

// A device whose profile names an execution provider this library lacks
// stays simulated, saying which provider and why; the others are unchanged.
TEST_F(RealModelsE2eTest, AProviderTheLibraryLacksLeavesItsDeviceSimulated) {
  std::string profile = reference_models::ReadFile(
      SourcePath("devices/profiles/test_two_device.yaml"));
  const std::string kind = "    kind: npu\n";
  const size_t at = profile.find(kind);
  ASSERT_NE(at, std::string::npos);
  profile.insert(at + kind.size(), "    provider: cuda\n");
  const std::string profile_path = WriteFile("profile.yaml", profile);
  StartDaemon(WriteFile("policy.yaml",
                        "devices:\n  profile: \"" + profile_path + "\"\n"));
  v1::ListDevicesResponse l;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListDevices(&ctx, {}, &l).ok());
  const v1::DeviceStatus* npu = FindDevice(l, "npu0");
  ASSERT_NE(npu, nullptr);
  EXPECT_TRUE(npu->simulated());
  EXPECT_THAT(npu->executor(),
              HasSubstr("simulated: execution provider 'cuda' unavailable: "
                        "provider 'cuda' not available in "));
  const v1::DeviceStatus* cpu = FindDevice(l, "cpu0");
  ASSERT_NE(cpu, nullptr);
  EXPECT_FALSE(cpu->simulated());
}

// On a host with RAPL (here a fake tree with cpufreq, a thermal zone, a RAPL
// package and /proc/stat), cpu0's sensors are the host's and each job's
// energy is the package counter's difference around its run, marked
// measured; without RAPL it is modelled and marked so.
TEST_F(RealModelsE2eTest, JobEnergyIsMeasuredWhereTheHostHasRapl) {
  FakeTree host;
  BuildFullHost(host);
  StartDaemon("", host.root());
  v1::ModelInfo info;
  ASSERT_TRUE(Register("mlp", &info).ok());
  const Case c = LoadCase("mlp");
  auto call = SubmitAsync(CpuJob("mlp", c.input));
  call->Wait();
  ASSERT_TRUE(call->status.ok()) << call->status.error_message();
  EXPECT_FALSE(call->resp.simulated());
  EXPECT_TRUE(call->resp.energy_measured());
  EXPECT_GE(call->resp.measured_energy_j(), 0);
  daemon_->Shutdown(Duration::zero());
  daemon_.reset();

  StartDaemon();  // no host tree: no RAPL
  ASSERT_TRUE(Register("mlp", &info).ok());
  auto modelled = SubmitAsync(CpuJob("mlp", c.input));
  modelled->Wait();
  ASSERT_TRUE(modelled->status.ok()) << modelled->status.error_message();
  EXPECT_FALSE(modelled->resp.simulated());
  EXPECT_FALSE(modelled->resp.energy_measured());
}

TEST_F(RealModelsE2eTest, PredictionErrorIsExportedAfterRealCompletions) {
  // A RealClock: the histogram records measured / predicted and ignores a
  // run measured as 0 s, which is what every run is on a ManualClock.
  StartOnRealClock();
  v1::ModelInfo info;
  ASSERT_TRUE(Register("mlp", &info).ok());
  const Case c = LoadCase("mlp");
  constexpr int kJobs = 5;
  std::vector<std::unique_ptr<AsyncCall>> calls;
  for (int i = 0; i < kJobs; ++i)
    calls.push_back(SubmitAsync(CpuJob("mlp", c.input)));
  int pstate = -1;
  for (auto& call : calls) {
    call->Wait();
    ASSERT_TRUE(call->status.ok()) << call->status.error_message();
    ExpectMatchesReference("mlp", c, call->resp);
    EXPECT_GT(call->resp.measured_time_s(), 0);
    EXPECT_GT(call->resp.measured_energy_j(), 0);  // modelled: P · t
    EXPECT_GT(call->resp.predicted_time_s(), 0);
    if (pstate < 0) pstate = call->resp.pstate();
    EXPECT_EQ(call->resp.pstate(), pstate);  // no governor thread here
  }

  // Every completion was fed back to the calibration...
  const std::optional<CalibrationStats> stats =
      daemon_->scheduler().calibration().Stats({"mlp", "cpu0", pstate});
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->accepted + stats->outliers, static_cast<uint64_t>(kJobs));
  EXPECT_EQ(stats->ignored, 0u);
  EXPECT_TRUE(stats->warm);

  // ...and observed in the histogram, one sample per job.
  absl::StatusOr<TestResponse> m = HttpGet(daemon_->metrics_port(), "/metrics");
  ASSERT_TRUE(m.ok()) << m.status();
  const std::string body = m->body();
  EXPECT_THAT(body, HasSubstr("# TYPE joule_prediction_error_ratio histogram"));
  EXPECT_THAT(body,
              HasSubstr("joule_prediction_error_ratio_count{device=\"cpu0\"} " +
                        std::to_string(kJobs) + "\n"));
  EXPECT_THAT(
      body,
      HasSubstr(
          "joule_prediction_error_ratio_bucket{device=\"cpu0\",le=\"+Inf\"} " +
          std::to_string(kJobs) + "\n"));
  // Real completions only: the simulated devices observe nothing.
  EXPECT_THAT(body,
              ::testing::Not(HasSubstr(
                  "joule_prediction_error_ratio_count{device=\"npu0\"}")));
}

}  // namespace
}  // namespace joule
