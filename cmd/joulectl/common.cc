#include "cmd/joulectl/common.h"

#include <cctype>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace joule::joulectl {

int Fail(const std::string& what) {
  std::cerr << "joulectl: " << what << "\n";
  return 1;
}

int RpcFail(const grpc::Status& s) {
  return Fail(absl::StrFormat("%s (gRPC code %d)", s.error_message(),
                              static_cast<int>(s.error_code())));
}

std::string EnumName(const std::string& full, const std::string& prefix) {
  std::string s =
      full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

std::string PrecisionLabel(v1::Precision p) {
  if (p == v1::PRECISION_UNSPECIFIED) return "-";
  return EnumName(v1::Precision_Name(p), "PRECISION_");
}

std::string KindLabel(v1::DeviceKind k) {
  return EnumName(v1::DeviceKind_Name(k), "DEVICE_KIND_");
}

std::string StateLabel(v1::JobState s) {
  return EnumName(v1::JobState_Name(s), "JOB_STATE_");
}

std::string DataTypeLabel(v1::DataType t) {
  return EnumName(v1::DataType_Name(t), "DATA_TYPE_");
}

std::string PolicyHeader(const v1::Policy& policy) {
  return absl::StrCat("# generation ", policy.generation(), " from ",
                      policy.source(), "\n");
}

}  // namespace joule::joulectl
