#include "api/admin_service.h"

#include "api/grpc_status.h"
#include "api/worker_call.h"

namespace joule {
namespace {

void SnapshotToProto(const PolicySnapshot& s, v1::Policy* out) {
  out->set_yaml(s.yaml);
  out->set_source(s.source);
  out->set_generation(s.generation);
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::GetPolicy(
    grpc::CallbackServerContext* ctx, const v1::GetPolicyRequest*,
    v1::Policy* resp) {
  SnapshotToProto(store_->Current(), resp);
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(grpc::Status::OK);
  return r;
}

grpc::ServerUnaryReactor* AdminService::ReloadPolicy(
    grpc::CallbackServerContext* ctx, const v1::ReloadPolicyRequest* req,
    v1::ReloadPolicyResponse* resp) {
  return FinishOnWorker(worker_, ctx, [this, req, resp] {
    absl::StatusOr<PolicySnapshot> s = store_->Reload(req->path());
    if (s.ok()) SnapshotToProto(*s, resp->mutable_policy());
    return s.status();
  });
}

}  // namespace joule
