// End-to-end: ONNX models registered over gRPC on a whole daemon (port 0,
// ManualClock), listed with the analysis numbers and per-device predictions,
// and jobs naming them placed and run.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "testing/test_http_client.h"
#include "tests/daemon_fixture.h"
#include "tests/models/test_models.h"

namespace joule {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

class OnnxModelsE2eTest : public DaemonFixture {
 protected:
  // The two-device test profile: cpu0 (fp32/fp16 1e11, int8 2e11 ops/s,
  // 1e10 B/s, 10 us dispatch) and npu0 (fp16 1e11, int8 1e12, no fp32 but
  // converts models to fp16, 1 MB SRAM, 1e9 B/s link, 100 us dispatch);
  // two P-states each, the slow one at half the frequency.
  void Start() {
    StartDaemon(WriteFile(
        "policy.yaml",
        absl::StrCat("devices:\n  profile: ",
                     SourcePath("devices/profiles/test_two_device.yaml"),
                     "\n")));
  }

  grpc::Status Register(const std::string& name, const std::string& model,
                        v1::ModelInfo* info) {
    v1::RegisterModelRequest req;
    req.set_name(name);
    req.set_onnx(test_models::Bytes(model));
    grpc::ClientContext ctx;
    return stub_->RegisterModel(&ctx, req, info);
  }

  v1::ListModelsResponse List() {
    v1::ListModelsResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->ListModels(&ctx, {}, &resp).ok());
    return resp;
  }

  grpc::Status Unload(const std::string& name) {
    v1::UnloadModelRequest req;
    req.set_name(name);
    v1::UnloadModelResponse resp;
    grpc::ClientContext ctx;
    return stub_->UnloadModel(&ctx, req, &resp);
  }
};

const v1::ModelDeviceInfo& DeviceInfo(const v1::ModelInfo& m,
                                      const std::string& name) {
  for (const v1::ModelDeviceInfo& d : m.devices()) {
    if (d.device() == name) return d;
  }
  ADD_FAILURE() << "no device " << name;
  return v1::ModelDeviceInfo::default_instance();
}

TEST_F(OnnxModelsE2eTest, RegisterThenListShowsTheAnalysedNumbers) {
  Start();
  v1::ModelInfo registered;
  grpc::Status s = Register("cnn", "cnn", &registered);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const test_models::Expected e = test_models::LoadExpected("cnn");
  const double ops = static_cast<double>(e.at("ops"));
  const double weights = static_cast<double>(e.at("weight_bytes"));
  const double acts = static_cast<double>(e.at("activation_bytes"));

  EXPECT_EQ(registered.name(), "cnn");
  ASSERT_EQ(registered.ops_size(), 1);  // the model's own precision
  EXPECT_EQ(registered.ops(0).precision(), v1::PRECISION_FP32);
  EXPECT_EQ(registered.ops(0).ops(), ops);
  EXPECT_EQ(registered.macs(), static_cast<double>(e.at("macs")));
  EXPECT_EQ(registered.weight_bytes(), weights);
  EXPECT_EQ(registered.activation_bytes(), acts);
  EXPECT_DOUBLE_EQ(registered.arithmetic_intensity(), ops / (weights + acts));
  ASSERT_EQ(registered.inputs_size(), 1);
  EXPECT_EQ(registered.inputs(0).name(), "x");
  EXPECT_EQ(registered.inputs(0).dtype(), v1::DATA_TYPE_FLOAT32);
  EXPECT_THAT(registered.inputs(0).shape(),
              ::testing::ElementsAre(1, 3, 32, 32));
  ASSERT_EQ(registered.outputs_size(), 1);
  EXPECT_THAT(registered.outputs(0).shape(), ::testing::ElementsAre(1, 10));

  // cpu0 runs the FP32 model at FP32 (not at its faster INT8 peak): compute
  // ops / 1e11 at the top P-state (twice that at the slow one) against
  // (weights + activations) bytes at 1e10 B/s, plus 10 us dispatch.
  const v1::ModelDeviceInfo& cpu = DeviceInfo(registered, "cpu0");
  // cpu0 runs models for real with ONNX Runtime, which loaded it.
  EXPECT_TRUE(cpu.supported());
  EXPECT_EQ(cpu.reason(), "");
  EXPECT_EQ(cpu.precision(), v1::PRECISION_FP32);
  const double compute_top = ops / 1e11;
  const double memory = (weights + acts) / 1e10;
  EXPECT_EQ(cpu.memory_bound(), memory > compute_top);
  ASSERT_EQ(cpu.predicted_s_size(), 2);
  EXPECT_NEAR(cpu.predicted_s(0), std::max(2 * compute_top, memory) + 10e-6,
              1e-12);
  EXPECT_NEAR(cpu.predicted_s(1), std::max(compute_top, memory) + 10e-6, 1e-12);
  // npu0 has no FP32; its profile converts models to FP16: 1e11 ops/s,
  // half the bytes, weights resident in SRAM, input and output over the
  // 1e9 B/s link, 100 us dispatch.
  const v1::ModelDeviceInfo& npu = DeviceInfo(registered, "npu0");
  ASSERT_TRUE(npu.supported());
  EXPECT_EQ(npu.precision(), v1::PRECISION_FP16);
  const double link =
      static_cast<double>(e.at("input_bytes") + e.at("output_bytes")) / 1e9;
  EXPECT_NEAR(npu.predicted_s(1),
              std::max(ops / 1e11, acts / 2 / 1e10) + 100e-6 + link, 1e-12);

  const v1::ListModelsResponse list = List();
  ASSERT_EQ(list.models_size(), 1);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(list.models(0),
                                                                 registered))
      << list.models(0).DebugString() << "\nvs\n"
      << registered.DebugString();
}

// Newer opsets and ops the analysis cannot resolve never refuse a model: it
// registers with a partial cost, says so, and jobs naming it get a nonzero
// prediction (measured runs refine it on real devices).
TEST_F(OnnxModelsE2eTest, PartlyAnalysedModelsRegisterAndArePredicted) {
  Start();
  v1::ModelInfo full;
  grpc::Status s = Register("o18", "opset18_changed", &full);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(full.cost_complete());
  EXPECT_EQ(full.cost_note(), "");
  EXPECT_EQ(full.precision(), v1::PRECISION_FP32);
  EXPECT_EQ(full.nodes_resolved(), full.nodes_total());

  for (const char* model : {"opset20_partial", "unknown_only"}) {
    SCOPED_TRACE(model);
    v1::ModelInfo info;
    s = Register(model, model, &info);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_FALSE(info.cost_complete());
    EXPECT_LT(info.nodes_resolved(), info.nodes_total());
    EXPECT_THAT(
        info.cost_note(),
        HasSubstr(absl::StrCat("cost partly estimated: ", info.nodes_resolved(),
                               " of ", info.nodes_total(),
                               " nodes resolved; "
                               "refined by measured runs")));
    const v1::ModelDeviceInfo& npu = DeviceInfo(info, "npu0");
    ASSERT_TRUE(npu.supported()) << npu.reason();
    for (double t : npu.predicted_s()) EXPECT_GT(t, 0);
    v1::SubmitRequest dry;
    dry.set_model(model);
    dry.set_dry_run(true);
    v1::JobResult plan;
    s = SubmitSync(dry, &plan);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(plan.predicted_time_s(), 0);
  }
  v1::ModelInfo listed;
  const v1::ListModelsResponse all = List();
  for (const v1::ModelInfo& m : all.models()) {
    if (m.name() == "unknown_only") listed = m;
  }
  EXPECT_EQ(listed.nodes_resolved(), 0u);
  EXPECT_FALSE(listed.cost_complete());
}

// A job's input tensors fix the model's dynamic dims, and the job is costed
// for them: at once by an estimate scaled from the registered shape, then,
// once the slow-call worker has analysed that shape, exactly.
TEST_F(OnnxModelsE2eTest, JobsAreCostedForTheirOwnInputShapes) {
  Start();
  auto register_at = [this](const std::string& name, int64_t width) {
    v1::RegisterModelRequest req;
    req.set_name(name);
    req.set_onnx(test_models::Bytes("ocr_dyn"));
    v1::InputShape* shape = req.add_input_shapes();
    shape->set_name("x");
    for (int64_t d : {int64_t{1}, int64_t{1}, int64_t{32}, width}) {
      shape->add_dims(d);
    }
    v1::ModelInfo info;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->RegisterModel(&ctx, req, &info);
    EXPECT_TRUE(s.ok()) << s.error_message();
  };
  register_at("ocr", 160);
  register_at("ocr320", 320);  // the reference: analysed at 320
  auto plan = [this](const std::string& model, int64_t width) {
    v1::SubmitRequest req;
    req.set_model(model);
    req.set_dry_run(true);
    req.add_allowed_kinds(v1::DEVICE_KIND_NPU);  // simulated: no real run
    v1::Tensor* x = req.add_inputs();
    x->set_name("x");
    x->set_dtype(v1::DATA_TYPE_FLOAT32);
    for (int64_t d : {int64_t{1}, int64_t{1}, int64_t{32}, width}) {
      x->add_shape(d);
    }
    x->mutable_data()->assign(32 * width * 4, '\0');
    v1::JobResult r;
    grpc::Status s = SubmitSync(req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  };
  const v1::JobResult w160 = plan("ocr", 160);
  EXPECT_FALSE(w160.cost_estimated());
  const v1::JobResult estimate = plan("ocr", 320);
  EXPECT_TRUE(estimate.cost_estimated());
  EXPECT_GT(estimate.predicted_time_s(), w160.predicted_time_s());
  // The analysis of width 320 was posted to the slow-call worker; a call
  // that queues behind it returns once it has run.
  v1::UnloadModelRequest unload;
  unload.set_name("none");
  v1::UnloadModelResponse unloaded;
  grpc::ClientContext ctx;
  EXPECT_EQ(stub_->UnloadModel(&ctx, unload, &unloaded).error_code(),
            grpc::StatusCode::NOT_FOUND);
  const v1::JobResult exact = plan("ocr", 320);
  EXPECT_FALSE(exact.cost_estimated());
  EXPECT_GT(exact.predicted_time_s(), w160.predicted_time_s());
  EXPECT_DOUBLE_EQ(exact.predicted_time_s(),
                   plan("ocr320", 320).predicted_time_s());

  // Static dims must match, dynamic ones be at least 1: INVALID_ARGUMENT
  // naming the input and the dim.
  v1::SubmitRequest bad;
  bad.set_model("ocr");
  bad.set_dry_run(true);
  v1::Tensor* x = bad.add_inputs();
  x->set_name("x");
  x->set_dtype(v1::DATA_TYPE_FLOAT32);
  for (int64_t d : {1, 1, 16, 8}) x->add_shape(d);
  x->mutable_data()->assign(16 * 8 * 4, '\0');
  v1::JobResult r;
  grpc::Status s = SubmitSync(bad, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("inputs[0].shape[2]: input 'x' of model 'ocr' dim 2 "
                        "is 32 in the model, got 16"));
  x->clear_shape();
  for (int64_t d : {1, 1, 32, 0}) x->add_shape(d);
  x->clear_data();
  s = SubmitSync(bad, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("dim 3 is dynamic: 1 to"));
}

TEST_F(OnnxModelsE2eTest, JobNamingARegisteredModelIsPlacedAndRuns) {
  Start();
  v1::ModelInfo info;
  ASSERT_TRUE(Register("transformer", "transformer", &info).ok());
  v1::SubmitRequest dry;
  dry.set_model("transformer");
  dry.set_dry_run(true);
  v1::JobResult plan;
  ASSERT_TRUE(SubmitSync(dry, &plan).ok());
  EXPECT_FALSE(plan.device().empty());
  EXPECT_EQ(plan.candidates_size(), 2);

  // Without inputs the job runs on a simulated device (cpu0 would run the
  // model for real, which needs them).
  v1::SubmitRequest req;
  req.set_model("transformer");
  req.add_allowed_kinds(v1::DEVICE_KIND_NPU);
  req.add_allowed_kinds(v1::DEVICE_KIND_GPU);
  auto call = SubmitAsync(req);
  daemon_->scheduler().WaitForSubmissions(1);
  clock_.Advance(seconds(1));
  call->Wait();
  ASSERT_TRUE(call->status.ok()) << call->status.error_message();
  EXPECT_EQ(call->resp.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_FALSE(call->resp.device().empty());
  // The prediction is the one ListModels gives for that device and P-state.
  const v1::ModelDeviceInfo& d = DeviceInfo(info, call->resp.device());
  ASSERT_GT(d.predicted_s_size(), call->resp.pstate());
  EXPECT_NEAR(call->resp.predicted_time_s(), d.predicted_s(call->resp.pstate()),
              1e-12);
}

// The policy's frame_skip reaches the daemon's scheduler: a second frame of
// a stream with the same digest comes back at once, skipped, with the first
// one's job id; a changed frame runs; /metrics counts the skip.
TEST_F(OnnxModelsE2eTest, AnUnchangedFrameOfAStreamIsSkipped) {
  StartDaemon(WriteFile(
      "policy.yaml",
      absl::StrCat(
          "devices:\n  profile: ",
          SourcePath("devices/profiles/test_two_device.yaml"),
          "\nscheduler:\n  frame_skip:\n    models:\n"
          "      transformer: {threshold: 0.02, max_age_ms: 60000}\n")));
  v1::ModelInfo info;
  ASSERT_TRUE(Register("transformer", "transformer", &info).ok());
  auto frame = [](const std::string& digest) {
    v1::SubmitRequest req;
    req.set_model("transformer");
    req.add_allowed_kinds(v1::DEVICE_KIND_NPU);  // simulated: no inputs
    req.set_stream("door");
    req.set_change_digest(digest);
    return req;
  };
  auto run = [&](const v1::SubmitRequest& req, uint64_t submitted) {
    auto call = SubmitAsync(req);
    daemon_->scheduler().WaitForSubmissions(submitted);
    clock_.Advance(seconds(1));
    call->Wait();
    EXPECT_TRUE(call->status.ok()) << call->status.error_message();
    return call->resp;
  };
  const v1::JobResult first = run(frame("a"), 1);
  EXPECT_FALSE(first.skipped());
  EXPECT_FALSE(first.device().empty());

  v1::JobResult second;
  ASSERT_TRUE(SubmitSync(frame("a"), &second).ok());  // no clock advance
  EXPECT_EQ(second.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_TRUE(second.skipped());
  EXPECT_EQ(second.reused_job_id(), first.job_id());
  EXPECT_EQ(second.measured_energy_j(), 0);
  EXPECT_THAT(second.explanation(), HasSubstr("skipped"));

  const v1::JobResult changed = run(frame("b"), 3);
  EXPECT_FALSE(changed.skipped());
  EXPECT_EQ(changed.frame_change(), 1);
  EXPECT_FALSE(changed.device().empty());

  absl::StatusOr<TestResponse> m = HttpGet(daemon_->metrics_port(), "/metrics");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(m->body(),
              HasSubstr("joule_jobs_skipped_total{model=\"transformer\"} 1"));
}

TEST_F(OnnxModelsE2eTest, StatusCodesForBadRequests) {
  Start();
  v1::ModelInfo info;
  ASSERT_TRUE(Register("mlp", "mlp", &info).ok());
  grpc::Status s = Register("mlp", "mlp", &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  s = Register("cyc", "cyclic", &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("cycle"));
  // Would crash ONNX's own shape inference: refused, the daemon lives on.
  s = Register("crash", "crash_convtranspose", &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("has rank 1"));
  EXPECT_EQ(List().models_size(), 1);

  v1::RegisterModelRequest req;
  req.set_name("shaped");
  req.set_onnx(test_models::Bytes("cnn"));
  req.add_input_shapes()->set_name("x");  // no dims
  grpc::ClientContext ctx1;
  s = stub_->RegisterModel(&ctx1, req, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("input_shapes[0].dims"));

  req.clear_input_shapes();
  req.set_path("cnn.onnx");  // no model directory configured
  grpc::ClientContext ctx2;
  s = stub_->RegisterModel(&ctx2, req, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  EXPECT_EQ(Unload("nope").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Unload("mlp").ok());
  v1::SubmitRequest job;
  job.set_model("mlp");
  v1::JobResult r;
  EXPECT_EQ(SubmitSync(job, &r).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List().models_size(), 0);
}

TEST_F(OnnxModelsE2eTest, RegistersByPathFromTheModelDirectory) {
  Start();
  const std::string dir = ::testing::TempDir() + "/e2e_models";
  ::mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/chain.onnx", std::ios::binary)
      << test_models::Bytes("reshape_chain");
  ASSERT_TRUE(daemon_->models().SetModelDir(dir).ok());
  v1::RegisterModelRequest req;
  req.set_name("chain3");
  req.set_path("chain.onnx");
  v1::InputShape* shape = req.add_input_shapes();
  shape->set_name("x");
  for (int64_t d : {3, 4, 8, 8}) shape->add_dims(d);
  v1::ModelInfo info;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->RegisterModel(&ctx, req, &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(info.ops(0).ops(),
            static_cast<double>(
                test_models::LoadExpected("reshape_chain_b3").at("ops")));
  req.set_name("escape");
  req.set_path("../e2e_models/../../etc/passwd");
  grpc::ClientContext ctx2;
  s = stub_->RegisterModel(&ctx2, req, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("path"));
}

}  // namespace
}  // namespace joule
