// joulectl reload [FILE]: reloads jouled's policy from FILE (default: its
// current file); prints the generation now running and its source.
#include <iostream>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/client_context.h"
#include "joule/v1/admin.grpc.pb.h"

namespace joule::joulectl {

int Reload(const Channel& ch, int argc, char** argv) {
  v1::ReloadPolicyRequest req;
  if (argc >= 3) req.set_path(argv[2]);
  v1::ReloadPolicyResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Admin::NewStub(ch)->ReloadPolicy(&ctx, req, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << PolicyHeader(resp.policy());
  return 0;
}

}  // namespace joule::joulectl
