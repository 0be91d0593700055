// SchedulerService on its own, over loopback with simulated devices: a
// model is not routable until its registration has loaded it into the
// executors. While RegisterModel is still loading it (here the load hook is
// held), a job naming the model gets UNAVAILABLE "loading", not
// INVALID_ARGUMENT or a placement on a device that has not loaded it, and
// ListModels shows it as loading; once the registration answers, jobs run.
#include "api/scheduler_service.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "core/work_queue.h"
#include "executors/simulated_device.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "tests/models/test_models.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

DeviceSpec Cpu() {
  DeviceSpec s;
  s.name = "cpu0";
  s.kind = DeviceKind::kCpu;
  s.pstates = {PState{1000000, 900, 1.0}};
  s.peak_ops_per_s[static_cast<int>(Precision::kFp32)] = 1e9;
  s.peak_ops_per_s[static_cast<int>(Precision::kFp16)] = 1e9;
  s.peak_ops_per_s[static_cast<int>(Precision::kInt8)] = 1e9;
  s.mem_bw_bytes_per_s = 1e9;
  s.thermal_resistance_c_per_w = 10;
  s.thermal_capacitance_j_per_c = 1;
  return s;
}

class SchedulerServiceTest : public ::testing::Test {
 protected:
  SchedulerServiceTest() {
    device_ = MakeSimulatedDevice(Cpu(), &clock_);
    scheduler_ = std::make_unique<Scheduler>(
        &clock_, std::vector<Device*>{device_.get()}, SchedulerTunables{},
        &registry_);
    service_ = std::make_unique<SchedulerService>(scheduler_.get(), &models_,
                                                  &clock_, &worker_);
    service_->SetModelHooks(ModelHooks{[this](const RegisteredModel&) {
                                         if (!loading_.HasBeenNotified())
                                           loading_.Notify();
                                         release_.WaitForNotification();
                                         return absl::OkStatus();
                                       },
                                       nullptr});
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(service_.get());
    server_ = b.BuildAndStart();
    stub_ = v1::Scheduler::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  ~SchedulerServiceTest() override {
    if (!release_.HasBeenNotified()) release_.Notify();
    server_->Shutdown();
    worker_.Stop();
  }

  ManualClock clock_;
  Registry registry_;
  ModelRegistry models_;
  WorkQueue worker_{"slow-calls", 4};
  std::unique_ptr<Device> device_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<SchedulerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Scheduler::Stub> stub_;
  absl::Notification loading_, release_;
};

TEST_F(SchedulerServiceTest, AModelStillLoadingIsRefusedUnavailable) {
  v1::RegisterModelRequest reg;
  reg.set_name("mlp");
  reg.set_onnx(test_models::Bytes("mlp"));
  v1::ModelInfo registered;
  grpc::ClientContext reg_ctx;
  absl::Notification answered;
  grpc::Status reg_status;
  stub_->async()->RegisterModel(&reg_ctx, &reg, &registered,
                                [&](grpc::Status s) {
                                  reg_status = std::move(s);
                                  answered.Notify();
                                });
  loading_.WaitForNotification();  // analysed, registered, loading

  v1::SubmitRequest job;
  job.set_model("mlp");
  job.set_dry_run(true);
  v1::JobResult r;
  {
    grpc::ClientContext ctx;
    grpc::Status s = stub_->Submit(&ctx, job, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(), HasSubstr("model 'mlp' is loading"));
  }
  {
    v1::ListModelsResponse list;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListModels(&ctx, {}, &list).ok());
    ASSERT_EQ(list.models_size(), 1);
    EXPECT_TRUE(list.models(0).loading());
  }

  release_.Notify();
  answered.WaitForNotification();
  ASSERT_TRUE(reg_status.ok()) << reg_status.error_message();
  EXPECT_FALSE(registered.loading());
  grpc::ClientContext ctx;
  grpc::Status s = stub_->Submit(&ctx, job, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.device(), "cpu0");
}

// The slow-call worker holds one call running and at most 4 waiting (this
// test's WorkQueue): while a registration is held in its load, 5 more are
// sent; whichever arrives last is refused RESOURCE_EXHAUSTED "busy" at once,
// the calls that do not touch files (ListModels, ListDevices) are still
// answered, and the other 4 register once the first is released.
TEST_F(SchedulerServiceTest, ACallBeyondTheWorkersBoundIsRefusedBusy) {
  struct Call {
    grpc::ClientContext ctx;
    v1::RegisterModelRequest req;
    v1::ModelInfo resp;
  };
  absl::Mutex mu;
  std::vector<grpc::Status> answers;  // of m1..m5, in the order they came
  std::vector<std::unique_ptr<Call>> calls;
  grpc::Status first_status;
  absl::Notification first_done;
  auto start = [&](const std::string& name, bool first) {
    auto c = std::make_unique<Call>();
    c->req.set_name(name);
    c->req.set_onnx(test_models::Bytes("mlp"));
    Call* p = c.get();
    stub_->async()->RegisterModel(&p->ctx, &p->req, &p->resp,
                                  [&, first](grpc::Status s) {
                                    if (first) {
                                      first_status = std::move(s);
                                      first_done.Notify();
                                      return;
                                    }
                                    absl::MutexLock l(&mu);
                                    answers.push_back(std::move(s));
                                  });
    calls.push_back(std::move(c));
  };
  auto await_answers = [&](size_t n) {
    absl::MutexLock l(&mu);
    auto enough = [&]() { return answers.size() >= n; };
    mu.Await(absl::Condition(&enough));
  };
  start("m0", true);
  loading_.WaitForNotification();  // m0 holds the worker
  for (int i = 1; i <= 5; ++i) start("m" + std::to_string(i), false);
  await_answers(1);
  {
    absl::MutexLock l(&mu);
    EXPECT_EQ(answers[0].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(answers[0].error_message(), HasSubstr("busy"));
  }

  v1::ListModelsResponse list;
  grpc::ClientContext list_ctx;
  EXPECT_TRUE(stub_->ListModels(&list_ctx, {}, &list).ok());
  v1::ListDevicesResponse devices;
  grpc::ClientContext dev_ctx;
  EXPECT_TRUE(stub_->ListDevices(&dev_ctx, {}, &devices).ok());

  release_.Notify();
  first_done.WaitForNotification();
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  await_answers(5);
  absl::MutexLock l(&mu);
  for (size_t k = 1; k < answers.size(); ++k) {
    EXPECT_TRUE(answers[k].ok()) << k << ": " << answers[k].error_message();
  }
}

}  // namespace
}  // namespace joule
