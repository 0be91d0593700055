// Policy file loader: reads the operator's policy YAML into a Policy
// (core/policy.h), one key per struct field, and validates it with
// "FILE:LINE:COL: message" errors. deploy/policy/default.yaml is the
// reference for every key, and is compiled into the binary.
//
// Stateless functions; safe to call from any thread.
#ifndef JOULE_CORE_POLICY_LOADER_H_
#define JOULE_CORE_POLICY_LOADER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/policy.h"

namespace joule {

// Parses policy YAML. Every key is optional and defaults to the struct's
// default; an empty document is the default Policy. Unknown keys, wrong types
// and out-of-range values are InvalidArgument errors naming
// "source:line:col". `source` names the text in errors (usually a path).
absl::StatusOr<Policy> ParsePolicy(std::string_view yaml,
                                   std::string_view source);

// Reads and parses a policy file. An unreadable file gives an error naming
// the path and the errno text (NotFound, PermissionDenied, ...).
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

// The text of deploy/policy/default.yaml, embedded at build time. Parses to
// a default-constructed Policy.
std::string_view DefaultPolicyYaml();

}  // namespace joule

#endif  // JOULE_CORE_POLICY_LOADER_H_
