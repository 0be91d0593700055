// joulectl models: lists the registered models: ops, bytes and per device
// the predicted times.
#include <iostream>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "cmd/joulectl/print_models.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {

int Models(const Channel& ch, int argc, char** argv) {
  v1::ListModelsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->ListModels(&ctx, {}, &resp);
  if (!s.ok()) return RpcFail(s);
  if (resp.models_size() == 0) {
    std::cout << "no models registered\n";
    return 0;
  }
  PrintModels(resp.models());
  return 0;
}

}  // namespace joule::joulectl
