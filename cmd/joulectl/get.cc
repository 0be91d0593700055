// joulectl get ID: shows a job's result as submit prints it.
#include <string>

#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "cmd/joulectl/print_job.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {

int Get(const Channel& ch, int argc, char** argv) {
  if (argc < 3) return Fail("get needs a job id");
  v1::GetJobRequest req;
  req.set_job_id(argv[2]);
  v1::JobResult resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->GetJob(&ctx, req, &resp);
  if (!s.ok()) return RpcFail(s);
  PrintJobResult(resp);
  return 0;
}

}  // namespace joule::joulectl
