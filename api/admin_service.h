// AdminService: joule.v1.Admin over the gRPC callback API — read the running
// policy and reload it.
//
// Thread-safe.
#ifndef JOULE_API_ADMIN_SERVICE_H_
#define JOULE_API_ADMIN_SERVICE_H_

#include "joule/v1/admin.grpc.pb.h"
#include "core/policy_store.h"

namespace joule {

class AdminService final : public v1::Admin::CallbackService {
 public:
  explicit AdminService(PolicyStore* store) : store_(store) {}

  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* ctx,
                                      const v1::GetPolicyRequest* req,
                                      v1::Policy* resp) override;
  // Reloading parses a file: small and bounded, so done on the reactor.
  grpc::ServerUnaryReactor* ReloadPolicy(
      grpc::CallbackServerContext* ctx, const v1::ReloadPolicyRequest* req,
      v1::ReloadPolicyResponse* resp) override;

 private:
  PolicyStore* const store_;
};

}  // namespace joule

#endif  // JOULE_API_ADMIN_SERVICE_H_
