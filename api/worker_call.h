// FinishOnWorker: a unary call whose work may block (reading a file,
// analysing a model) runs on a WorkQueue instead of the gRPC reactor thread
// that delivered it; the call finishes from the worker when the work
// returns. The request and response messages stay valid until then (gRPC's
// callback API keeps them until Finish). When the queue is full the call
// ends at once with RESOURCE_EXHAUSTED and nothing is done.
//
// Thread-safe.
#ifndef JOULE_API_WORKER_CALL_H_
#define JOULE_API_WORKER_CALL_H_

#include <functional>

#include "absl/status/status.h"
#include "core/work_queue.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace joule {

grpc::ServerUnaryReactor* FinishOnWorker(WorkQueue* worker,
                                         grpc::CallbackServerContext* ctx,
                                         std::function<absl::Status()> work);

}  // namespace joule

#endif  // JOULE_API_WORKER_CALL_H_
