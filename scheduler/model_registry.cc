#include "scheduler/model_registry.h"

#include "absl/strings/str_cat.h"

namespace joule {

absl::Status ModelRegistry::Register(const std::string& name,
                                     const JobCost& cost) {
  if (name.empty()) return absl::InvalidArgumentError("model name is empty");
  bool any = false;
  for (Precision p : kAllPrecisions) any = any || cost.Supports(p);
  if (!any) {
    return absl::InvalidArgumentError(
        absl::StrCat("model '", name, "': no precision has ops > 0"));
  }
  std::lock_guard<std::mutex> l(mu_);
  models_[name] = cost;
  return absl::OkStatus();
}

absl::StatusOr<JobCost> ModelRegistry::Find(const std::string& name) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(
        absl::StrCat("model '", name, "' is not registered"));
  }
  return it->second;
}

std::map<std::string, JobCost> ModelRegistry::List() const {
  std::lock_guard<std::mutex> l(mu_);
  return models_;
}

}  // namespace joule
