// DaemonFixture: a whole jouled (server/daemon.h) on 127.0.0.1 port 0 with a
// ManualClock and no governor thread, plus gRPC stubs and helpers to submit
// asynchronously and wait for answers without sleeping.
//
// Not thread-safe: used from the test's thread.
#ifndef JOULE_TESTS_DAEMON_FIXTURE_H_
#define JOULE_TESTS_DAEMON_FIXTURE_H_

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "joule/v1/admin.grpc.pb.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "server/daemon.h"

namespace joule {

// Where the source tree is (set by CTest), for shipped profiles.
inline std::string SourcePath(const std::string& rel) {
  const char* dir = std::getenv("JOULE_SOURCE_DIR");
  return std::string(dir ? dir : ".") + "/" + rel;
}

// One Submit in flight.
struct AsyncCall {
  v1::SubmitRequest req;
  grpc::ClientContext ctx;
  v1::JobResult resp;
  grpc::Status status;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;

  void Wait() {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [this] { return done; });
  }
  std::string JobId() {
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("joule-job-id");
    return it == md.end() ? ""
                          : std::string(it->second.data(), it->second.size());
  }
};

class DaemonFixture : public ::testing::Test {
 protected:
  DaemonFixture() {
    // Tests run as parallel processes: each gets a directory of its own.
    std::string tmpl = ::testing::TempDir() + "/joule-e2e-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir_ = tmpl;
  }
  ~DaemonFixture() override {
    if (daemon_) daemon_->Shutdown(Duration::zero());
    std::filesystem::remove_all(dir_);
  }

  // Writes `text` to a file in the test's own directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // `host_root`: a (fake) host tree for the real CPU backends; empty: none.
  void StartDaemon(const std::string& policy_path = "",
                   const std::string& host_root = "") {
    DaemonOptions o;
    o.policy_path = policy_path;
    o.host_root = host_root;
    o.grpc_listen = "127.0.0.1:0";
    o.metrics_listen = "127.0.0.1:0";
    o.clock = &clock_;
    o.start_governor = false;
    absl::StatusOr<std::unique_ptr<Daemon>> d = Daemon::Create(o);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = *std::move(d);
    ASSERT_TRUE(daemon_->Start().ok());
    auto ch =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    stub_ = v1::Scheduler::NewStub(ch);
    admin_ = v1::Admin::NewStub(ch);
    channel_ = ch;
  }

  std::unique_ptr<AsyncCall> SubmitAsync(const v1::SubmitRequest& req) {
    auto call = std::make_unique<AsyncCall>();
    call->req = req;
    AsyncCall* c = call.get();
    stub_->async()->Submit(&c->ctx, &c->req, &c->resp, [c](grpc::Status s) {
      std::lock_guard<std::mutex> l(c->mu);
      c->status = std::move(s);
      c->done = true;
      c->cv.notify_all();
    });
    return call;
  }

  grpc::Status SubmitSync(const v1::SubmitRequest& req, v1::JobResult* resp) {
    grpc::ClientContext ctx;
    return stub_->Submit(&ctx, req, resp);
  }

  static v1::SubmitRequest CostJob(v1::Precision p, double ops,
                                   double weight_bytes = 0) {
    v1::SubmitRequest req;
    v1::PrecisionOps* o = req.mutable_cost()->add_ops();
    o->set_precision(p);
    o->set_ops(ops);
    req.mutable_cost()->set_weight_bytes(weight_bytes);
    return req;
  }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<Daemon> daemon_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Scheduler::Stub> stub_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

}  // namespace joule

#endif  // JOULE_TESTS_DAEMON_FIXTURE_H_
