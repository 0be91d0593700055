// End-to-end: public model exports (PaddleOCR detection, recognition and
// direction classifier, Silero VAD, openWakeWord's front end, embedding and
// a keyword head; scripts/fetch-test-models.sh) registered by path from the
// daemon's model directory over gRPC, run on cpu0 for real (ONNX Runtime)
// with the manifest's inputs, and compared with the reference that ONNX
// Runtime's own node binding computed independently of the daemon
// (tests/public_models/reference.js). Several models are run at two input
// shapes: their dynamic dimensions are fixed per job by the request.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tests/daemon_fixture.h"
#include "tests/public_models/public_models.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

// "ppocr_rec.onnx" -> "ppocr_rec".
std::string ModelName(const public_models::Case& c) {
  return c.model_file.substr(0, c.model_file.rfind('.'));
}

v1::Tensor ToProto(const Tensor& t) {
  v1::Tensor p;
  p.set_name(t.name);
  p.set_dtype(static_cast<v1::DataType>(t.dtype));
  for (int64_t d : t.shape) p.add_shape(d);
  p.set_data(t.bytes.data(), t.bytes.size());
  return p;
}

Tensor FromProto(const v1::Tensor& p) {
  Tensor t;
  t.name = p.name();
  t.dtype = static_cast<DataType>(p.dtype());
  t.shape.assign(p.shape().begin(), p.shape().end());
  t.bytes = p.data();
  return t;
}

class PublicModelsE2eTest : public DaemonFixture {
 protected:
  void SetUp() override {
    const public_models::Manifest& m = public_models::Get();
    ASSERT_FALSE(m.cases.empty());
    StartDaemon(WriteFile("policy.yaml",
                          "models:\n  model_dir: \"" + m.models_dir + "\"\n"));
  }

  // Registers each model file once, at the shapes of its first case.
  void RegisterAll() {
    std::set<std::string> done;
    for (const public_models::Case& c : public_models::Get().cases) {
      const std::string name = ModelName(c);
      if (!done.insert(name).second) continue;
      v1::RegisterModelRequest req;
      req.set_name(name);
      req.set_path(c.model_file);
      for (const auto& [input, dims] : c.InputShapes()) {
        if (dims.empty()) continue;  // a scalar has no dimension to fix
        v1::InputShape* s = req.add_input_shapes();
        s->set_name(input);
        for (int64_t d : dims) s->add_dims(d);
      }
      v1::ModelInfo info;
      grpc::ClientContext ctx;
      grpc::Status s = stub_->RegisterModel(&ctx, req, &info);
      ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
      for (const v1::ModelDeviceInfo& d : info.devices()) {
        if (d.device() == "cpu0") {
          EXPECT_TRUE(d.supported()) << name << ": " << d.reason();
        }
      }
    }
  }

  v1::SubmitRequest Job(const public_models::Case& c) {
    v1::SubmitRequest req;
    req.set_model(ModelName(c));
    req.add_allowed_kinds(v1::DEVICE_KIND_CPU);
    for (const Tensor& t : c.inputs) *req.add_inputs() = ToProto(t);
    return req;
  }
};

TEST_F(PublicModelsE2eTest, EveryCaseRunsOnCpu0AndMatchesTheReference) {
  RegisterAll();
  for (const public_models::Case& c : public_models::Get().cases) {
    SCOPED_TRACE(c.name);
    auto call = SubmitAsync(Job(c));
    call->Wait();
    ASSERT_TRUE(call->status.ok()) << call->status.error_message();
    const v1::JobResult& r = call->resp;
    EXPECT_EQ(r.state(), v1::JOB_STATE_COMPLETED);
    EXPECT_EQ(r.device(), "cpu0");
    EXPECT_FALSE(r.simulated());
    std::vector<Tensor> got;
    for (const v1::Tensor& t : r.outputs()) got.push_back(FromProto(t));
    absl::StatusOr<std::vector<public_models::OutputError>> err =
        public_models::CompareOutputs(c, got);
    EXPECT_TRUE(err.ok()) << err.status();
  }
}

// Inputs that do not fit a real model: a wrong static dimension fails the
// job INVALID_ARGUMENT naming the input, a wrong dtype is refused at
// admission, and the model keeps serving.
TEST_F(PublicModelsE2eTest, BadInputsAreRefusedNamingTheInput) {
  RegisterAll();
  const public_models::Case* cls = nullptr;
  for (const public_models::Case& c : public_models::Get().cases) {
    if (ModelName(c) == "ppocr_cls") cls = &c;
  }
  ASSERT_NE(cls, nullptr);
  ASSERT_EQ(cls->inputs.size(), 1u);
  {
    // 4 channels where the model has 3 (a static dim), bytes consistent.
    v1::SubmitRequest req = Job(*cls);
    v1::Tensor* x = req.mutable_inputs(0);
    x->set_shape(1, 4);
    x->mutable_data()->append(x->data().size() / 3, '\0');
    auto call = SubmitAsync(req);
    call->Wait();
    EXPECT_EQ(call->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(call->status.error_message(), HasSubstr("input 'x'"));
  }
  {
    v1::SubmitRequest req = Job(*cls);
    req.mutable_inputs(0)->set_dtype(v1::DATA_TYPE_INT32);
    auto call = SubmitAsync(req);
    call->Wait();
    EXPECT_EQ(call->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(call->status.error_message(),
                HasSubstr("input 'x' of model 'ppocr_cls' is float32"));
  }
  auto good = SubmitAsync(Job(*cls));
  good->Wait();
  EXPECT_TRUE(good->status.ok()) << good->status.error_message();
}

}  // namespace
}  // namespace joule
