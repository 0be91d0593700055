#include "api/worker_call.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"

namespace joule {

grpc::ServerUnaryReactor* FinishOnWorker(WorkQueue* worker,
                                         grpc::CallbackServerContext* ctx,
                                         std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  const bool queued = worker->TryPost(
      [r, work = std::move(work)] { r->Finish(ToGrpcStatus(work())); });
  if (!queued) {
    r->Finish(ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
        "busy: ", worker->max_pending(),
        " model and policy operations already queued (or shutting down); "
        "retry later"))));
  }
  return r;
}

}  // namespace joule
