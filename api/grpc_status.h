// The one place where absl::Status becomes grpc::Status (STYLE.md point 4).
//
// Thread-safe (pure).
#ifndef JOULE_API_GRPC_STATUS_H_
#define JOULE_API_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace joule {

inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  // absl::StatusCode and grpc::StatusCode share their numbering (both follow
  // google.rpc.Code).
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

}  // namespace joule

#endif  // JOULE_API_GRPC_STATUS_H_
