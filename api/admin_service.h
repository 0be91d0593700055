// AdminService: joule.v1.Admin over the gRPC callback API — read the running
// policy and reload it.
//
// Thread-safe.
#ifndef JOULE_API_ADMIN_SERVICE_H_
#define JOULE_API_ADMIN_SERVICE_H_

#include "core/policy_store.h"
#include "core/work_queue.h"
#include "joule/v1/admin.grpc.pb.h"

namespace joule {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // Both outlive the service; `worker` runs ReloadPolicy.
  AdminService(PolicyStore* store, WorkQueue* worker)
      : store_(store), worker_(worker) {}

  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* ctx,
                                      const v1::GetPolicyRequest* req,
                                      v1::Policy* resp) override;
  // Reloading reads and parses a file: done on `worker`, never on the
  // reactor (api/worker_call.h).
  grpc::ServerUnaryReactor* ReloadPolicy(
      grpc::CallbackServerContext* ctx, const v1::ReloadPolicyRequest* req,
      v1::ReloadPolicyResponse* resp) override;

 private:
  PolicyStore* const store_;
  WorkQueue* const worker_;
};

}  // namespace joule

#endif  // JOULE_API_ADMIN_SERVICE_H_
