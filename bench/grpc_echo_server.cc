// grpc_echo_server: the comparison point for jouled's Submit throughput. A
// bare gRPC callback server, built from the same gRPC library and the same
// generated joule.v1.Scheduler service, whose Submit returns an empty
// JobResult at once. Same method, same framing: whatever jouled costs above
// this server is joule's own work (validation, cost model, placement, queue,
// simulated execution, response).
//
// Usage: grpc_echo_server [--listen 127.0.0.1:0]
// Prints "echo: gRPC (joule.v1.Scheduler/Submit echo) on HOST:PORT" once
// serving; stops on SIGINT/SIGTERM. Benchmark tool; not a test.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace {

class EchoScheduler final : public joule::v1::Scheduler::CallbackService {
 public:
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx,
                                   const joule::v1::SubmitRequest*,
                                   joule::v1::JobResult*) override {
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
      listen = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--listen HOST:PORT]\n", argv[0]);
      return 2;
    }
  }
  // Signals are taken by sigwait: block them before gRPC starts threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EchoScheduler service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "echo: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("echo: gRPC (joule.v1.Scheduler/Submit echo) on %s:%d\n",
              listen.substr(0, listen.rfind(':')).c_str(), port);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown();
  return 0;
}
