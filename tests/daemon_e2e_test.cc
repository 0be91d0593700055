// End-to-end: a whole daemon over loopback gRPC and HTTP, on a ManualClock.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "testing/test_http_client.h"
#include "tests/daemon_fixture.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

using std::chrono::seconds;

class DaemonE2eTest : public DaemonFixture {
 protected:
  // A policy on the two-device test profile plus `extra` YAML.
  std::string TestPolicy(const std::string& extra = "") {
    return WriteFile(
        "policy.yaml",
        absl::StrCat("devices:\n  profile: ",
                     SourcePath("devices/profiles/test_two_device.yaml"), "\n",
                     extra));
  }

  std::string Metrics() {
    absl::StatusOr<TestResponse> r =
        HttpGet(daemon_->metrics_port(), "/metrics");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->body() : "";
  }
};

TEST_F(DaemonE2eTest, SubmittedJobComesBackWithDeviceTimesEnergyAndWhy) {
  StartDaemon();  // embedded policy and RK3588-class profile
  v1::SubmitRequest req = CostJob(v1::PRECISION_INT8, 2e9, 4e6);
  v1::PrecisionOps* fp32 = req.mutable_cost()->add_ops();
  fp32->set_precision(v1::PRECISION_FP32);
  fp32->set_ops(2e9);
  auto call = SubmitAsync(req);
  daemon_->scheduler().WaitForSubmissions(1);
  clock_.Advance(seconds(10));
  call->Wait();
  ASSERT_TRUE(call->status.ok()) << call->status.error_message();
  const v1::JobResult& r = call->resp;
  EXPECT_EQ(r.state(), v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(r.job_id(), call->JobId());
  EXPECT_FALSE(r.device().empty());
  EXPECT_TRUE(r.simulated());
  EXPECT_GT(r.predicted_time_s(), 0);
  EXPECT_NEAR(r.measured_time_s(), r.predicted_time_s(), 1e-9);  // ns clock
  EXPECT_GT(r.measured_energy_j(), 0);
  EXPECT_NE(r.explanation().find(r.device()), std::string::npos);
  ASSERT_EQ(r.candidates_size(), 3);
  int chosen = 0;
  for (const v1::DeviceEstimate& e : r.candidates()) {
    if (e.chosen()) {
      ++chosen;
      EXPECT_EQ(e.device(), r.device());
      EXPECT_TRUE(e.feasible());
    }
  }
  EXPECT_EQ(chosen, 1);
}

TEST_F(DaemonE2eTest, DryRunExplainsWithoutRunning) {
  StartDaemon(TestPolicy());
  v1::SubmitRequest req = CostJob(v1::PRECISION_INT8, 1e9);
  req.set_dry_run(true);
  v1::JobResult r;
  ASSERT_TRUE(SubmitSync(req, &r).ok());
  EXPECT_TRUE(r.dry_run());
  EXPECT_TRUE(r.job_id().empty());
  EXPECT_FALSE(r.explanation().empty());
  EXPECT_EQ(r.candidates_size(), 2);
  EXPECT_EQ(daemon_->scheduler().Loads()[0].queued, 0u);
}

TEST_F(DaemonE2eTest, ManyJobsOfMixedClassesEachEndExactlyOnce) {
  StartDaemon(TestPolicy());
  const v1::PriorityClass classes[] = {v1::PRIORITY_CLASS_REALTIME,
                                       v1::PRIORITY_CLASS_INTERACTIVE,
                                       v1::PRIORITY_CLASS_BATCH};
  const int kJobs = 60;
  std::vector<std::unique_ptr<AsyncCall>> calls;
  for (int i = 0; i < kJobs; ++i) {
    v1::SubmitRequest req = CostJob(v1::PRECISION_FP32, 1e8 * (1 + i % 4));
    v1::PrecisionOps* int8 = req.mutable_cost()->add_ops();
    int8->set_precision(v1::PRECISION_INT8);
    int8->set_ops(1e8 * (1 + i % 4));
    req.set_priority_class(classes[i % 3]);
    calls.push_back(SubmitAsync(req));
  }
  daemon_->scheduler().WaitForSubmissions(kJobs);
  for (int i = 0; i < 600; ++i) clock_.Advance(std::chrono::milliseconds(100));
  std::set<std::string> ids;
  for (auto& c : calls) {
    c->Wait();
    EXPECT_TRUE(c->status.ok()) << c->status.error_message();
    EXPECT_EQ(c->resp.state(), v1::JOB_STATE_COMPLETED);
    ids.insert(c->resp.job_id());
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kJobs));
  daemon_->scheduler().WaitIdle();
  // Every job was counted once, under its device.
  const std::string m = Metrics();
  double total = 0;
  for (const char* d : {"cpu0", "npu0"}) {
    std::string key = absl::StrCat("joule_jobs_total{device=\"", d,
                                   "\",outcome=\"completed\"} ");
    size_t at = m.find(key);
    if (at != std::string::npos) total += std::stod(m.substr(at + key.size()));
  }
  EXPECT_EQ(total, kJobs);
}

TEST_F(DaemonE2eTest, CancelJobEndsAQueuedJobAndTellsItsClient) {
  StartDaemon(TestPolicy());
  std::vector<std::unique_ptr<AsyncCall>> calls;
  for (int i = 1; i <= 3; ++i) {
    v1::SubmitRequest req = CostJob(v1::PRECISION_FP32, 1e9);
    req.add_allowed_kinds(v1::DEVICE_KIND_CPU);
    calls.push_back(SubmitAsync(req));
    daemon_->scheduler().WaitForSubmissions(i);  // ids are 1, 2, 3
  }
  grpc::ClientContext ctx;
  v1::CancelJobRequest creq;
  creq.set_job_id("3");
  v1::CancelJobResponse cresp;
  ASSERT_TRUE(stub_->CancelJob(&ctx, creq, &cresp).ok());
  EXPECT_EQ(cresp.state(), v1::JOB_STATE_CANCELLED);
  calls[2]->Wait();
  EXPECT_EQ(calls[2]->status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(calls[2]->JobId(), "3");
  clock_.Advance(seconds(100));
  calls[0]->Wait();
  calls[1]->Wait();
  EXPECT_TRUE(calls[0]->status.ok());
  EXPECT_TRUE(calls[1]->status.ok());
}

TEST_F(DaemonE2eTest, ClientCancellationCancelsItsJob) {
  StartDaemon(TestPolicy());
  auto call = SubmitAsync(CostJob(v1::PRECISION_FP32, 1e10));
  daemon_->scheduler().WaitForSubmissions(1);
  call->ctx.TryCancel();
  call->Wait();
  EXPECT_EQ(call->status.error_code(), grpc::StatusCode::CANCELLED);
  daemon_->scheduler().WaitIdle();  // the server saw the cancellation
  EXPECT_EQ(daemon_->scheduler().GetJob(1)->state, JobState::kCancelled);
}

TEST_F(DaemonE2eTest, ZeroTimeJobIsAnsweredAtOnceWithItsJobId) {
  // The test profile without dispatch overheads: a 1-op job runs 0 ns, so it
  // completes inside Submit without the clock moving, and the service ends
  // the call there (the path jouled0 in bench/run.sh measures).
  std::ifstream in(SourcePath("devices/profiles/test_two_device.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string zero = std::regex_replace(
      text.str(), std::regex("dispatch_overhead_s: [0-9.eE+-]+"),
      "dispatch_overhead_s: 0");
  ASSERT_NE(zero, text.str());
  StartDaemon(
      WriteFile("zero-policy.yaml",
                "devices:\n  profile: " + WriteFile("zero.yaml", zero) + "\n"));
  auto trailing_id = [](const grpc::ClientContext& ctx) {
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("joule-job-id");
    return it == md.end() ? std::string()
                          : std::string(it->second.data(), it->second.size());
  };
  for (int i = 1; i <= 3; ++i) {
    grpc::ClientContext ctx;
    v1::JobResult r;
    grpc::Status s = stub_->Submit(&ctx, CostJob(v1::PRECISION_INT8, 1), &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(r.state(), v1::JOB_STATE_COMPLETED);
    EXPECT_EQ(r.job_id(), std::to_string(i));
    EXPECT_EQ(trailing_id(ctx), std::to_string(i));
    EXPECT_EQ(r.measured_time_s(), 0);
    EXPECT_FALSE(r.explanation().empty());
    EXPECT_EQ(r.candidates_size(), 2);
  }
  // Rejected at admission: the error, and still the job's id.
  grpc::ClientContext ctx;
  v1::SubmitRequest slow = CostJob(v1::PRECISION_FP32, 1e14);
  slow.set_deadline_ms(5);
  v1::JobResult r;
  EXPECT_EQ(stub_->Submit(&ctx, slow, &r).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(trailing_id(ctx), "4");
  EXPECT_EQ(daemon_->scheduler().GetJob(4)->state, JobState::kRejected);
  EXPECT_EQ(daemon_->scheduler().GetJob(3)->state, JobState::kCompleted);
}

TEST_F(DaemonE2eTest, FullQueueIsResourceExhausted) {
  StartDaemon(TestPolicy("scheduler:\n  max_queue_per_device: 1\n"));
  v1::SubmitRequest req = CostJob(v1::PRECISION_FP32, 1e9);
  req.add_allowed_kinds(v1::DEVICE_KIND_CPU);
  auto running = SubmitAsync(req);
  daemon_->scheduler().WaitForSubmissions(1);
  auto queued = SubmitAsync(req);
  daemon_->scheduler().WaitForSubmissions(2);
  grpc::ClientContext ctx;
  v1::JobResult r;
  grpc::Status s = stub_->Submit(&ctx, req, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("queue full"), std::string::npos);
  clock_.Advance(seconds(100));
  running->Wait();
  queued->Wait();
  EXPECT_TRUE(running->status.ok());
  EXPECT_TRUE(queued->status.ok());
}

TEST_F(DaemonE2eTest, InfeasibleDeadlineIsRejectedAtAdmission) {
  StartDaemon(TestPolicy());
  v1::SubmitRequest req = CostJob(v1::PRECISION_FP32, 1e12);
  req.set_deadline_ms(5);
  v1::JobResult r;
  grpc::Status s = SubmitSync(req, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(s.error_message().find("rejected at admission"), std::string::npos);
  EXPECT_NE(s.error_message().find("misses deadline"), std::string::npos);
}

TEST_F(DaemonE2eTest, TheCallsOwnDeadlineBoundsTheJob) {
  StartDaemon(TestPolicy());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  v1::JobResult r;
  // Minutes of work cannot fit in a 5 s call.
  grpc::Status s = stub_->Submit(&ctx, CostJob(v1::PRECISION_FP32, 1e14), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(s.error_message().find("rejected at admission"), std::string::npos);
}

TEST_F(DaemonE2eTest, BadInputGetsAClearErrorNamingTheField) {
  StartDaemon(TestPolicy());
  v1::JobResult r;
  v1::SubmitRequest empty;
  grpc::Status s = SubmitSync(empty, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("work"), std::string::npos);

  s = SubmitSync(CostJob(v1::PRECISION_FP32, -5), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("cost.ops[0].ops"), std::string::npos);

  v1::SubmitRequest model;
  model.set_model("no-such-model");
  s = SubmitSync(model, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(s.error_message().find("no-such-model"), std::string::npos);

  grpc::ClientContext c1;
  v1::GetJobRequest g;
  g.set_job_id("12345");
  EXPECT_EQ(stub_->GetJob(&c1, g, &r).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext c2;
  g.set_job_id("abc");
  EXPECT_EQ(stub_->GetJob(&c2, g, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DaemonE2eTest, ReloadAcceptsAGoodPolicyAndKeepsItAgainstABadOne) {
  const std::string path = TestPolicy();
  StartDaemon(path);
  grpc::ClientContext c1;
  v1::ReloadPolicyRequest req;
  req.set_path(TestPolicy("governor:\n  k: 2.0\n"));
  v1::ReloadPolicyResponse resp;
  ASSERT_TRUE(admin_->ReloadPolicy(&c1, req, &resp).ok());
  EXPECT_EQ(resp.policy().generation(), 2u);

  const std::string bad =
      WriteFile("bad.yaml", "governor:\n  k: 2.0\n  up_thresold: 0.9\n");
  grpc::ClientContext c2;
  req.set_path(bad);
  grpc::Status s = admin_->ReloadPolicy(&c2, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find(bad + ":3:3"), std::string::npos)
      << s.error_message();

  grpc::ClientContext c3;
  v1::Policy current;
  ASSERT_TRUE(admin_->GetPolicy(&c3, {}, &current).ok());
  EXPECT_EQ(current.generation(), 2u);
  EXPECT_NE(current.yaml().find("k: 2.0"), std::string::npos);
  const std::string m = Metrics();
  EXPECT_NE(m.find("joule_policy_reloads_total{result=\"success\"} 1"),
            std::string::npos);
  EXPECT_NE(m.find("joule_policy_reloads_total{result=\"failure\"} 1"),
            std::string::npos);
}

// A reload naming a FIFO nobody writes, or a device such as /dev/zero, is
// refused at once (it would block the slow-call worker, and with it every
// later reload, model registration and the shutdown), and the running
// policy stays. That the worker's bound answers "busy" while it is held:
// api/scheduler_service_test.cc.
TEST_F(DaemonE2eTest, ReloadOfAFifoOrADeviceIsRefusedAtOnce) {
  StartDaemon(TestPolicy());
  const std::string fifo = dir_ + "/policy.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& [path, what] :
       std::vector<std::pair<std::string, std::string>>{
           {fifo, "a FIFO"}, {"/dev/zero", "a character device"}}) {
    SCOPED_TRACE(path);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(30));
    v1::ReloadPolicyRequest req;
    req.set_path(path);
    v1::ReloadPolicyResponse resp;
    grpc::Status s = admin_->ReloadPolicy(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("is not a regular file"));
    EXPECT_THAT(s.error_message(), HasSubstr(what));
  }
  grpc::ClientContext ctx;
  v1::Policy current;
  ASSERT_TRUE(admin_->GetPolicy(&ctx, {}, &current).ok());
  EXPECT_EQ(current.generation(), 1u);
}

TEST_F(DaemonE2eTest, HealthCheckingServesAndHealthzSaysOk) {
  StartDaemon(TestPolicy());
  grpc::GenericStub generic(channel_);
  grpc::ClientContext ctx;
  grpc::ByteBuffer request, response;
  {
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
  }
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                    &request, &response, [&](grpc::Status s) {
                      std::lock_guard<std::mutex> l(mu);
                      status = s;
                      done = true;
                      cv.notify_all();
                    });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING

  absl::StatusOr<TestResponse> h = HttpGet(daemon_->metrics_port(), "/healthz");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->result_int(), 200);
}

TEST_F(DaemonE2eTest, MetricsPassPromtoolAndNameEveryRequiredFamily) {
  StartDaemon(TestPolicy());
  auto call = SubmitAsync(CostJob(v1::PRECISION_FP32, 1e8));
  daemon_->scheduler().WaitForSubmissions(1);
  clock_.Advance(seconds(1));
  call->Wait();
  daemon_->governor().Tick();
  const std::string m = Metrics();
  for (const char* name :
       {"joule_jobs_total", "joule_job_latency_seconds", "joule_queue_depth",
        "joule_device_frequency_hertz", "joule_device_temperature_celsius",
        "joule_device_power_watts", "joule_device_energy_joules_total",
        "joule_dvfs_transitions_total", "joule_thermal_throttled",
        "joule_policy_reloads_total", "joule_build_info",
        "joule_dvfs_decisions_total", "joule_dvfs_deadline_floor",
        "joule_device_hot"}) {
    EXPECT_NE(m.find(std::string("# TYPE ") + name), std::string::npos) << name;
  }
  // The default governor is "slack"; its decisions are counted by reason.
  EXPECT_NE(m.find("joule_dvfs_decisions_total{device=\"cpu0\",reason=\""),
            std::string::npos);
  absl::StatusOr<TestResponse> page = HttpGet(daemon_->metrics_port(), "/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_NE(page->body().find("Governor slack, placement joule."),
            std::string::npos)
      << page->body();
  const std::string file = WriteFile("metrics.txt", m);
  const std::string cmd = "promtool check metrics < " + file + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int rc = pclose(p);
  EXPECT_EQ(rc, 0) << "promtool (Debian package prometheus) said:\n" << out;
  EXPECT_EQ(out, "") << out;
}

}  // namespace
}  // namespace joule
