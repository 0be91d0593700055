// joulectl unload NAME: unregisters a model.
#include <iostream>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {

int Unload(const Channel& ch, int argc, char** argv) {
  if (argc != 3) return Fail("unload needs exactly one NAME");
  v1::UnloadModelRequest req;
  req.set_name(argv[2]);
  v1::UnloadModelResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->UnloadModel(&ctx, req, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << "model " << argv[2] << " unloaded\n";
  return 0;
}

}  // namespace joule::joulectl
