// joulectl policy: prints the running policy, its generation and source
// first.
#include <iostream>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/client_context.h"
#include "joule/v1/admin.grpc.pb.h"

namespace joule::joulectl {

int Policy(const Channel& ch, int argc, char** argv) {
  v1::Policy policy;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Admin::NewStub(ch)->GetPolicy(&ctx, {}, &policy);
  if (!s.ok()) return RpcFail(s);
  std::cout << PolicyHeader(policy) << policy.yaml();
  return 0;
}

}  // namespace joule::joulectl
