// PolicyStore: the running policy, where it came from, and how it is
// replaced. A reload parses and validates the whole file first; only a good
// file is applied (through the appliers registered by the daemon), so a bad
// one leaves the running policy untouched. Every attempt is logged and told
// to the observer given at construction (the daemon counts them in
// joule_policy_reloads_total{result}).
//
// Thread-safe; reloads are serialised.
#ifndef JOULE_CORE_POLICY_STORE_H_
#define JOULE_CORE_POLICY_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/policy.h"

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
  // Called after every reload attempt with whether it was accepted; may be
  // empty.
  using ReloadObserver = std::function<void(bool accepted)>;
  explicit PolicyStore(ReloadObserver on_reload = nullptr);

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

  const ReloadObserver on_reload_;
  absl::Mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // serialises Reload
  mutable absl::Mutex mu_;
  PolicySnapshot current_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(const Policy&)>> appliers_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_CORE_POLICY_STORE_H_
