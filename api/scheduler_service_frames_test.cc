// Frame skipping through SchedulerService over loopback, into a real
// ModelExecutor whose model echoes its input: a second frame of a stream
// with the same digest comes back skipped with the first frame's outputs
// (not its own input), a changed one runs, and a bad signal is refused.
#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/scheduler_service.h"
#include "core/work_queue.h"
#include "executors/model_executor.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "testing/null_device_parts.h"

namespace joule {
namespace {

class EchoRuntime final : public ModelRuntime {
 public:
  std::string Name() const override { return "echo"; }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string&, const std::string&) override {
    return std::make_shared<Model>(this);
  }
  std::atomic<int> runs{0};

 private:
  class Model final : public RuntimeModel {
   public:
    explicit Model(EchoRuntime* rt) : rt_(rt) {}
    absl::StatusOr<std::vector<Tensor>> Run(
        const std::vector<Tensor>& inputs) override {
      ++rt_->runs;
      return inputs;
    }

   private:
    EchoRuntime* const rt_;
  };
};

DeviceSpec Cpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1000000, 900, 1.0}};
  s.peak_ops_per_s[static_cast<int>(Precision::kFp32)] = 1e9;
  s.mem_bw_bytes_per_s = 1e9;
  s.thermal_resistance_c_per_w = 10;
  s.thermal_capacitance_j_per_c = 1;
  return s;
}

class SchedulerServiceFramesTest : public ::testing::Test {
 protected:
  SchedulerServiceFramesTest() {
    auto runtime = std::make_unique<EchoRuntime>();
    runtime_ = runtime.get();
    auto executor =
        std::make_unique<ModelExecutor>(&clock_, std::move(runtime));
    EXPECT_TRUE(executor->LoadModel("cam", "bytes").ok());
    device_ = std::make_unique<Device>(Cpu(), std::move(executor),
                                       std::make_unique<NullSensor>(),
                                       std::make_unique<NullActuator>());
    SchedulerTunables t;
    t.frame_skip.models["cam"] = FrameSkipModel{0.02, 1000};
    scheduler_ = std::make_unique<Scheduler>(
        &clock_, std::vector<Device*>{device_.get()}, t, &registry_);
    JobCost cost;
    cost.ops_by_precision[static_cast<int>(Precision::kFp32)] = 1e6;
    EXPECT_TRUE(models_.Register("cam", cost).ok());
    service_ = std::make_unique<SchedulerService>(scheduler_.get(), &models_,
                                                  &clock_, &worker_);
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(service_.get());
    server_ = b.BuildAndStart();
    stub_ = v1::Scheduler::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  ~SchedulerServiceFramesTest() override {
    server_->Shutdown();
    worker_.Stop();
  }

  // A frame of stream "door": its input bytes are `pixels`.
  static v1::SubmitRequest Frame(const std::string& pixels,
                                 const std::string& digest) {
    v1::SubmitRequest req;
    req.set_model("cam");
    v1::Tensor* x = req.add_inputs();
    x->set_name("x");
    x->set_dtype(v1::DATA_TYPE_UINT8);
    x->add_shape(static_cast<int64_t>(pixels.size()));
    x->set_data(pixels);
    req.set_stream("door");
    req.set_change_digest(digest);
    return req;
  }
  grpc::Status Submit(const v1::SubmitRequest& req, v1::JobResult* out) {
    grpc::ClientContext ctx;
    return stub_->Submit(&ctx, req, out);
  }

  ManualClock clock_;
  Registry registry_;
  ModelRegistry models_;
  WorkQueue worker_{"slow-calls", 4};
  EchoRuntime* runtime_ = nullptr;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<SchedulerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Scheduler::Stub> stub_;
};

TEST_F(SchedulerServiceFramesTest,
       ASecondIdenticalFrameIsSkippedAChangedOneRuns) {
  v1::JobResult first;
  ASSERT_TRUE(Submit(Frame("AAAA", "digest-a"), &first).ok());
  EXPECT_EQ(first.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_FALSE(first.skipped());
  EXPECT_FALSE(first.has_frame_change());
  ASSERT_EQ(first.outputs_size(), 1);
  EXPECT_EQ(first.outputs(0).data(), "AAAA");

  // Same digest, other bytes: the digest is what is compared, so the answer
  // is the first frame's result.
  v1::JobResult second;
  ASSERT_TRUE(Submit(Frame("BBBB", "digest-a"), &second).ok());
  EXPECT_EQ(second.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_TRUE(second.skipped());
  EXPECT_EQ(second.reused_job_id(), first.job_id());
  ASSERT_TRUE(second.has_frame_change());
  EXPECT_EQ(second.frame_change(), 0);
  EXPECT_EQ(second.measured_energy_j(), 0);
  EXPECT_EQ(second.device(), "");
  ASSERT_EQ(second.outputs_size(), 1);
  EXPECT_EQ(second.outputs(0).data(), "AAAA");
  EXPECT_EQ(runtime_->runs.load(), 1);

  v1::JobResult changed;
  ASSERT_TRUE(Submit(Frame("CCCC", "digest-c"), &changed).ok());
  EXPECT_FALSE(changed.skipped());
  EXPECT_EQ(changed.frame_change(), 1);
  ASSERT_EQ(changed.outputs_size(), 1);
  EXPECT_EQ(changed.outputs(0).data(), "CCCC");
  EXPECT_EQ(runtime_->runs.load(), 2);

  grpc::ClientContext ctx;
  v1::GetJobRequest get;
  get.set_job_id(second.job_id());
  v1::JobResult got;
  ASSERT_TRUE(stub_->GetJob(&ctx, get, &got).ok());
  EXPECT_TRUE(got.skipped());
  EXPECT_EQ(got.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(got.outputs_size(), 0);  // outputs reach the client once
}

TEST_F(SchedulerServiceFramesTest, ThumbnailsWithinTheThresholdAreSkipped) {
  v1::SubmitRequest a = Frame("AAAA", "");
  for (float v : {0.5f, 0.5f, 0.5f, 0.5f}) a.add_change_thumbnail(v);
  v1::SubmitRequest b = Frame("BBBB", "");
  for (float v : {0.51f, 0.5f, 0.5f, 0.5f}) b.add_change_thumbnail(v);
  v1::JobResult ra, rb;
  ASSERT_TRUE(Submit(a, &ra).ok());
  ASSERT_TRUE(Submit(b, &rb).ok());
  EXPECT_TRUE(rb.skipped());
  EXPECT_NEAR(rb.frame_change(), 0.0025, 1e-6);
  EXPECT_EQ(rb.outputs(0).data(), "AAAA");
}

TEST_F(SchedulerServiceFramesTest, BadSignalsAreInvalidArgument) {
  struct Case {
    const char* name;
    v1::SubmitRequest req;
  };
  std::vector<Case> cases;
  cases.push_back({"NaN", Frame("AAAA", "")});
  cases.back().req.add_change_thumbnail(
      std::numeric_limits<float>::quiet_NaN());
  cases.push_back({"above 1", Frame("AAAA", "")});
  cases.back().req.add_change_thumbnail(2.0f);
  cases.push_back({"too long", Frame("AAAA", "")});
  for (size_t i = 0; i <= kMaxThumbnailElements; ++i) {
    cases.back().req.add_change_thumbnail(0.5f);
  }
  cases.push_back({"digest too long",
                   Frame("AAAA", std::string(kMaxChangeDigestBytes + 1, 'd'))});
  cases.push_back({"no stream", Frame("AAAA", "d")});
  cases.back().req.clear_stream();
  cases.push_back({"stream too long", Frame("AAAA", "d")});
  cases.back().req.set_stream(std::string(kMaxStreamIdBytes + 1, 's'));
  for (const Case& c : cases) {
    v1::JobResult r;
    const grpc::Status s = Submit(c.req, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << s.error_message();
  }
  EXPECT_EQ(runtime_->runs.load(), 0);
}

}  // namespace
}  // namespace joule
