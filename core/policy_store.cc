#include "core/policy_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/policy_loader.h"
#include "core/yaml_util.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

bool SameModels(const ModelsPolicy& a, const ModelsPolicy& b) {
  if (a.model_dir != b.model_dir || a.preload.size() != b.preload.size()) {
    return false;
  }
  for (size_t i = 0; i < a.preload.size(); ++i) {
    const ModelPreload& x = a.preload[i];
    const ModelPreload& y = b.preload[i];
    if (x.name != y.name || x.path != y.path ||
        x.input_shapes != y.input_shapes) {
      return false;
    }
  }
  return true;
}

}  // namespace

PolicyStore::PolicyStore(ReloadObserver on_reload)
    : on_reload_(std::move(on_reload)) {}

absl::StatusOr<PolicySnapshot> PolicyStore::Read(
    const std::string& path) const {
  PolicySnapshot s;
  if (path.empty() || path == kEmbeddedPolicySource) {
    s.yaml = std::string(DefaultPolicyYaml());
    s.source = kEmbeddedPolicySource;
  } else {
    // A FIFO, a device or an oversized file is refused at once (it would
    // block or flood the caller: the slow-call worker).
    absl::StatusOr<std::string> text = ReadTextFile(path);
    if (!text.ok()) return absl::InvalidArgumentError(text.status().message());
    s.yaml = *std::move(text);
    s.source = path;
  }
  absl::StatusOr<Policy> p = ParsePolicy(s.yaml, s.source);
  if (!p.ok()) return p.status();
  s.policy = *std::move(p);
  return s;
}

absl::Status PolicyStore::Init(const std::string& path) {
  absl::StatusOr<PolicySnapshot> s = Read(path);
  if (!s.ok()) return s.status();
  absl::MutexLock l(&mu_);
  current_ = *std::move(s);
  current_.generation = 1;
  return absl::OkStatus();
}

absl::StatusOr<PolicySnapshot> PolicyStore::Reload(const std::string& path) {
  absl::MutexLock reload(&reload_mu_);
  PolicySnapshot old = Current();
  absl::StatusOr<PolicySnapshot> next = Read(path.empty() ? old.source : path);
  if (next.ok() && next->policy.device_profile != old.policy.device_profile) {
    next = absl::InvalidArgumentError(absl::StrCat(
        next->source, ": devices.profile changed from '",
        old.policy.device_profile, "' to '", next->policy.device_profile,
        "': a new device profile needs a restart"));
  }
  if (next.ok() && !SameModels(next->policy.models, old.policy.models)) {
    next = absl::InvalidArgumentError(absl::StrCat(
        next->source,
        ": models changed: model_dir and preload are read at start; restart "
        "to apply (register models at run time with RegisterModel)"));
  }
  if (next.ok() && next->policy.onnxruntime != old.policy.onnxruntime) {
    next = absl::InvalidArgumentError(absl::StrCat(
        next->source,
        ": executors.onnxruntime changed: the library and session options "
        "are read at start; restart to apply"));
  }
  if (!next.ok()) {
    if (on_reload_) on_reload_(false);
    spdlog::error("policy reload rejected, keeping generation {} from {}: {}",
                  old.generation, old.source,
                  std::string(next.status().message()));
    return next.status();
  }
  std::vector<std::function<void(const Policy&)>> appliers;
  {
    absl::MutexLock l(&mu_);
    next->generation = current_.generation + 1;
    current_ = *next;
    appliers = appliers_;
  }
  for (const auto& apply : appliers) apply(next->policy);
  if (on_reload_) on_reload_(true);
  spdlog::info("policy generation {} loaded from {}", next->generation,
               next->source);
  return next;
}

PolicySnapshot PolicyStore::Current() const {
  absl::MutexLock l(&mu_);
  return current_;
}

void PolicyStore::OnApply(std::function<void(const Policy&)> apply) {
  absl::MutexLock l(&mu_);
  appliers_.push_back(std::move(apply));
}

}  // namespace joule
