// joulectl cancel ID: cancels a job; prints the state it ends in.
#include <iostream>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {

int Cancel(const Channel& ch, int argc, char** argv) {
  if (argc < 3) return Fail("cancel needs a job id");
  v1::CancelJobRequest req;
  req.set_job_id(argv[2]);
  v1::CancelJobResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->CancelJob(&ctx, req, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << "job " << argv[2] << ": " << StateLabel(resp.state()) << "\n";
  return 0;
}

}  // namespace joule::joulectl
