// What joulectl's subcommands share: reporting a failure the same way, the
// short lower-case labels they print for the API's enums, and the line that
// names a policy.
//
// Thread-safe: plain functions without state.
#ifndef JOULE_CMD_JOULECTL_COMMON_H_
#define JOULE_CMD_JOULECTL_COMMON_H_

#include <string>

#include "grpcpp/support/status.h"
#include "joule/v1/admin.pb.h"
#include "joule/v1/scheduler.pb.h"

namespace joule::joulectl {

// Prints "joulectl: WHAT" to stderr; returns the exit code 1.
int Fail(const std::string& what);
// Fail() with the RPC's message and its gRPC code.
int RpcFail(const grpc::Status& s);

// The enum's name without its prefix, in lower case:
// "PRECISION_FP32" -> "fp32", "JOB_STATE_COMPLETED" -> "completed".
std::string EnumName(const std::string& full, const std::string& prefix);

std::string PrecisionLabel(v1::Precision p);  // "-" when unspecified
std::string KindLabel(v1::DeviceKind k);      // "npu"
std::string StateLabel(v1::JobState s);       // "completed"
std::string DataTypeLabel(v1::DataType t);    // "float32"

// "# generation 2 from /etc/joule/policy.yaml\n"
std::string PolicyHeader(const v1::Policy& policy);

}  // namespace joule::joulectl

#endif  // JOULE_CMD_JOULECTL_COMMON_H_
