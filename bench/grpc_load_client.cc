// grpc_load_client: closed-loop load on joule.v1.Scheduler/Submit with the
// gRPC callback API: `--concurrency` calls outstanding at all times, spread
// round-robin over `--channels` connections, until `--total` calls have
// completed (after `--warmup` calls that are not counted). Every call sends
// the same SubmitRequest: an explicit-cost job of 1 op at INT8, so the
// simulated execution is as short as the device profile allows and what is
// measured is the RPC path.
//
// Prints one line:
//   RESULT calls=N ok=N errors=0 wall_s=… calls_per_s=… p50_us=… p99_us=…
// (latency = call start to completion callback). Exits 1 if any call failed.
//
// Other modes:
//   --write-body PATH   writes that request as one gRPC message (5-byte
//                       frame header + bytes), the body h2load sends, and
//                       exits.
//   --verify            one call; prints its status and the JobResult.
//   --verify-body PATH  as --verify, sending the request parsed from a body
//                       file, so the exact bytes h2load sends are checked.
//
// Benchmark tool; not a test.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
namespace v1 = joule::v1;

struct Options {
  std::string target;
  int total = 20000;
  int warmup = 1000;
  int concurrency = 64;
  int channels = 4;
  int timeout_s = 120;
  std::string write_body;
  std::string verify_body;
  bool verify = false;
};

v1::SubmitRequest TinyJob() {
  v1::SubmitRequest req;
  v1::PrecisionOps* ops = req.mutable_cost()->add_ops();
  ops->set_precision(v1::PRECISION_INT8);
  ops->set_ops(1);
  return req;
}

std::string Frame(const std::string& payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::string out(5, '\0');
  out[1] = static_cast<char>((n >> 24) & 0xff);
  out[2] = static_cast<char>((n >> 16) & 0xff);
  out[3] = static_cast<char>((n >> 8) & 0xff);
  out[4] = static_cast<char>(n & 0xff);
  return out + payload;
}

bool Unframe(const std::string& body, v1::SubmitRequest* req,
             std::string* why) {
  if (body.size() < 5) {
    *why = "shorter than the 5-byte gRPC frame header";
    return false;
  }
  if (body[0] != 0) {
    *why = "compressed flag set";
    return false;
  }
  const auto b = [&](int i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(body[i]));
  };
  const uint32_t n = b(1) << 24 | b(2) << 16 | b(3) << 8 | b(4);
  if (n != body.size() - 5) {
    *why = "frame length " + std::to_string(n) +
           " != " + std::to_string(body.size() - 5) + " bytes after the header";
    return false;
  }
  if (!req->ParseFromString(body.substr(5))) {
    *why = "not a SubmitRequest";
    return false;
  }
  return true;
}

// The closed loop. Calls complete on gRPC's threads; each completion starts
// the next call. Counters are atomics; first_error_ is under mu_.
class Load {
 public:
  Load(const Options& o, v1::SubmitRequest req) : o_(o), req_(std::move(req)) {
    for (int i = 0; i < o.channels; ++i) {
      grpc::ChannelArguments args;
      // One TCP connection per channel, as h2load -c opens.
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      std::shared_ptr<grpc::Channel> ch = grpc::CreateCustomChannel(
          o.target, grpc::InsecureChannelCredentials(), args);
      if (!ch->WaitForConnected(std::chrono::system_clock::now() +
                                std::chrono::seconds(5))) {
        std::fprintf(stderr, "cannot connect to %s\n", o.target.c_str());
        std::exit(1);
      }
      stubs_.push_back(v1::Scheduler::NewStub(ch));
    }
  }

  // Runs `total` calls with `concurrency` outstanding; false on timeout.
  bool Run(int total) {
    total_ = total;
    started_ = 0;
    finished_ = 0;
    errors_ = 0;
    latency_us_.assign(total, 0);
    start_ = SteadyClock::now();
    for (int i = 0; i < std::min(o_.concurrency, total); ++i) StartNext();
    std::unique_lock<std::mutex> l(mu_);
    const bool done = cv_.wait_for(l, std::chrono::seconds(o_.timeout_s),
                                   [this] { return finished_ == total_; });
    wall_s_ =
        std::chrono::duration<double>(SteadyClock::now() - start_).count();
    return done;
  }

  void Report() {
    std::vector<double> lat = latency_us_;
    std::sort(lat.begin(), lat.end());
    auto at = [&](double q) {
      return lat.empty() ? 0.0 : lat[static_cast<size_t>(q * (lat.size() - 1))];
    };
    std::printf(
        "RESULT calls=%d ok=%d errors=%d wall_s=%.3f calls_per_s=%.0f "
        "p50_us=%.1f p99_us=%.1f max_us=%.1f concurrency=%d channels=%d\n",
        total_.load(), total_ - errors_.load(), errors_.load(), wall_s_,
        total_ / wall_s_, at(0.5), at(0.99), at(1.0), o_.concurrency,
        o_.channels);
    std::lock_guard<std::mutex> l(mu_);
    if (!first_error_.empty()) {
      std::printf("first error: %s\n", first_error_.c_str());
    }
  }
  int errors() const { return errors_; }

 private:
  struct Call {
    grpc::ClientContext ctx;
    v1::JobResult resp;
    SteadyClock::time_point start;
    int index = 0;
  };

  void StartNext() {
    const int i = started_.fetch_add(1);
    if (i >= total_) return;
    auto* call = new Call;
    call->index = i;
    call->start = SteadyClock::now();
    stubs_[i % stubs_.size()]->async()->Submit(
        &call->ctx, &req_, &call->resp, [this, call](grpc::Status s) {
          latency_us_[call->index] = std::chrono::duration<double, std::micro>(
                                         SteadyClock::now() - call->start)
                                         .count();
          if (!s.ok()) {
            ++errors_;
            std::lock_guard<std::mutex> l(mu_);
            if (first_error_.empty()) {
              first_error_ =
                  std::to_string(s.error_code()) + " " + s.error_message();
            }
          }
          delete call;
          StartNext();
          if (finished_.fetch_add(1) + 1 == total_) {
            std::lock_guard<std::mutex> l(mu_);
            cv_.notify_all();
          }
        });
  }

  const Options o_;
  const v1::SubmitRequest req_;
  std::vector<std::unique_ptr<v1::Scheduler::Stub>> stubs_;
  std::atomic<int> total_{0};  // read by completions still unwinding
  std::atomic<int> started_{0};
  std::atomic<int> finished_{0};
  std::atomic<int> errors_{0};
  std::vector<double> latency_us_;
  SteadyClock::time_point start_;
  double wall_s_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string first_error_;
};

int VerifyOne(const Options& o, const v1::SubmitRequest& req) {
  auto stub = v1::Scheduler::NewStub(
      grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::JobResult resp;
  grpc::Status s = stub->Submit(&ctx, req, &resp);
  std::printf(
      "VERIFY %s grpc-status=%d%s%s state=%s device=%s job_id=%s "
      "simulated=%d\n",
      o.target.c_str(), s.error_code(),
      s.ok() ? "" : " message=", s.ok() ? "" : s.error_message().c_str(),
      v1::JobState_Name(resp.state()).c_str(), resp.device().c_str(),
      resp.job_id().c_str(), resp.simulated() ? 1 : 0);
  return s.ok() ? 0 : 1;
}

bool ParseInt(const char* s, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v <= 0 || v > 100000000) return false;
  *out = static_cast<int>(v);
  return true;
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --target HOST:PORT [--total N] [--warmup N] "
               "[--concurrency N] [--channels N] [--timeout-s N]\n"
               "       %s --write-body PATH\n"
               "       %s --target HOST:PORT --verify | --verify-body PATH\n",
               argv0, argv0, argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    auto int_flag = [&](const char* name, int* out) {
      return a == name && has_value && ParseInt(argv[++i], out);
    };
    if (a == "--target" && has_value) {
      o.target = argv[++i];
    } else if (a == "--write-body" && has_value) {
      o.write_body = argv[++i];
    } else if (a == "--verify-body" && has_value) {
      o.verify_body = argv[++i];
    } else if (a == "--verify") {
      o.verify = true;
    } else if (int_flag("--total", &o.total) ||
               int_flag("--warmup", &o.warmup) ||
               int_flag("--concurrency", &o.concurrency) ||
               int_flag("--channels", &o.channels) ||
               int_flag("--timeout-s", &o.timeout_s)) {
    } else {
      return Usage(argv[0]);
    }
  }

  const v1::SubmitRequest req = TinyJob();
  if (!o.write_body.empty()) {
    std::ofstream f(o.write_body, std::ios::binary);
    f << Frame(req.SerializeAsString());
    return f.good() ? 0 : 1;
  }
  if (o.target.empty()) return Usage(argv[0]);
  if (!o.verify_body.empty()) {
    std::ifstream f(o.verify_body, std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(f)),
                           std::istreambuf_iterator<char>());
    v1::SubmitRequest parsed;
    std::string why;
    if (!Unframe(body, &parsed, &why)) {
      std::fprintf(stderr, "%s: %s\n", o.verify_body.c_str(), why.c_str());
      return 1;
    }
    return VerifyOne(o, parsed);
  }
  if (o.verify) return VerifyOne(o, req);

  Load load(o, req);
  if (o.warmup > 0 && !load.Run(o.warmup)) {
    std::fprintf(stderr, "warm-up did not finish in %d s\n", o.timeout_s);
    std::_Exit(1);  // calls still outstanding: do not tear gRPC down
  }
  if (!load.Run(o.total)) {
    std::fprintf(stderr, "load did not finish in %d s\n", o.timeout_s);
    load.Report();
    std::_Exit(1);
  }
  load.Report();
  return load.errors() == 0 ? 0 : 1;
}
