// PolicyStore: the running policy, where it came from, and how it is
// replaced. A reload parses and validates the whole file first; only a good
// file is applied (through the appliers registered by the daemon), so a bad
// one leaves the running policy untouched. Every attempt is logged and
// counted in joule_policy_reloads_total{result}.
//
// Thread-safe; reloads are serialised.
#ifndef JOULE_SERVER_POLICY_STORE_H_
#define JOULE_SERVER_POLICY_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/policy.h"
#include "telemetry/metrics.h"

namespace joule {

inline constexpr char kEmbeddedPolicySource[] = "<embedded>";

struct PolicySnapshot {
  Policy policy;
  std::string yaml;
  std::string source;  // file path or kEmbeddedPolicySource
  uint64_t generation = 0;
};

class PolicyStore {
 public:
  explicit PolicyStore(Registry* metrics);

  // First load: `path` empty means the embedded default policy.
  absl::Status Init(const std::string& path);
  // Loads `path` (empty: the current source again). On error returns
  // INVALID_ARGUMENT with file:line:column and keeps the running policy.
  absl::StatusOr<PolicySnapshot> Reload(const std::string& path);
  PolicySnapshot Current() const;
  // Called with every newly accepted policy, in registration order.
  void OnApply(std::function<void(const Policy&)> apply);

 private:
  absl::StatusOr<PolicySnapshot> Read(const std::string& path) const;

  Family<Counter>& reloads_;
  absl::Mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // serialises Reload
  mutable absl::Mutex mu_;
  PolicySnapshot current_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(const Policy&)>> appliers_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_SERVER_POLICY_STORE_H_
