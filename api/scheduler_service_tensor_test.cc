// A Submit's input tensors through SchedulerService over loopback into a
// real ModelExecutor (docs/ARCHITECTURE.md, "Tensor bytes"): the runtime
// sees them borrowed from the request, not copied, and they stay valid for
// as long as anything holds them: through a call the client cancelled while
// the model ran, and after the call is over.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "api/scheduler_service.h"
#include "core/work_queue.h"
#include "executors/model_executor.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "testing/null_device_parts.h"

namespace joule {
namespace {

// Its model's Run() says it started, waits for `release`, then keeps a copy
// of its first input (which shares the input's keep-alive) and echoes it.
class HoldingRuntime final : public ModelRuntime {
 public:
  std::string Name() const override { return "holding"; }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string&, const std::string&) override {
    return std::make_shared<Model>(this);
  }
  absl::Notification running, release;
  absl::Mutex mu;
  std::vector<Tensor> kept ABSL_GUARDED_BY(mu);

 private:
  class Model final : public RuntimeModel {
   public:
    explicit Model(HoldingRuntime* rt) : rt_(rt) {}
    absl::StatusOr<std::vector<Tensor>> Run(
        const std::vector<Tensor>& inputs) override {
      if (!rt_->running.HasBeenNotified()) rt_->running.Notify();
      rt_->release.WaitForNotification();
      absl::MutexLock l(&rt_->mu);
      rt_->kept.push_back(inputs[0]);
      return inputs;
    }

   private:
    HoldingRuntime* const rt_;
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

class SchedulerServiceTensorTest : public ::testing::Test {
 protected:
  SchedulerServiceTensorTest() {
    auto runtime = std::make_unique<HoldingRuntime>();
    runtime_ = runtime.get();
    auto executor =
        std::make_unique<ModelExecutor>(&clock_, std::move(runtime));
    EXPECT_TRUE(executor->LoadModel("m", "bytes").ok());
    device_ = std::make_unique<Device>(Cpu(), std::move(executor),
                                       std::make_unique<NullSensor>(),
                                       std::make_unique<NullActuator>());
    scheduler_ = std::make_unique<Scheduler>(
        &clock_, std::vector<Device*>{device_.get()}, SchedulerTunables{},
        &registry_);
    JobCost cost;
    cost.ops_by_precision[static_cast<int>(Precision::kFp32)] = 1e6;
    EXPECT_TRUE(models_.Register("m", cost).ok());
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
  ~SchedulerServiceTensorTest() override {
    if (!runtime_->release.HasBeenNotified()) runtime_->release.Notify();
    server_->Shutdown();
    worker_.Stop();
  }

  static v1::SubmitRequest Job() {
    v1::SubmitRequest req;
    req.set_model("m");
    v1::Tensor* x = req.add_inputs();
    x->set_name("x");
    x->set_dtype(v1::DATA_TYPE_UINT8);
    x->add_shape(kBytes);
    std::string bytes(kBytes, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i);
    x->set_data(std::move(bytes));
    return req;
  }
  static constexpr int kBytes = 1 << 20;

  ManualClock clock_;
  Registry registry_;
  ModelRegistry models_;
  WorkQueue worker_{"slow-calls", 4};
  HoldingRuntime* runtime_ = nullptr;
  std::unique_ptr<Device> device_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<SchedulerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Scheduler::Stub> stub_;
};

TEST_F(SchedulerServiceTensorTest, TheRuntimeReadsTheRequestsBytesInPlace) {
  runtime_->release.Notify();
  const v1::SubmitRequest req = Job();
  v1::JobResult result;
  grpc::ClientContext ctx;
  grpc::Status s = stub_->Submit(&ctx, req, &result);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(result.outputs_size(), 1);
  EXPECT_EQ(result.outputs(0).data(), req.inputs(0).data());
  absl::MutexLock l(&runtime_->mu);
  ASSERT_EQ(runtime_->kept.size(), 1u);
  EXPECT_TRUE(runtime_->kept[0].bytes.borrowed());  // from the request
}

// The client cancels while the model runs: the job cannot stop, so the call
// ends when it does; the model reads the request's bytes after the client
// gave up, and a tensor it kept still reads them after the call is over.
TEST_F(SchedulerServiceTensorTest, InputsOutliveACancelledCall) {
  const v1::SubmitRequest req = Job();
  v1::JobResult result;
  grpc::ClientContext ctx;
  absl::Notification answered;
  grpc::Status status;
  stub_->async()->Submit(&ctx, &req, &result, [&](grpc::Status s) {
    status = std::move(s);
    answered.Notify();
  });
  runtime_->running.WaitForNotification();
  ctx.TryCancel();
  answered.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  runtime_->release.Notify();
  scheduler_->WaitIdle();  // the job ended,
  server_->Shutdown();     // and so did its call: gRPC released its messages
  absl::MutexLock l(&runtime_->mu);
  ASSERT_EQ(runtime_->kept.size(), 1u);
  EXPECT_EQ(runtime_->kept[0].bytes.view(), req.inputs(0).data());
  runtime_->kept.clear();  // lets go of the call's messages
}

}  // namespace
}  // namespace joule
