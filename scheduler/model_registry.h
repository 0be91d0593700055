// ModelRegistry: named models and what one inference of each costs, so a
// job can name a model instead of carrying its cost.
//
// Thread-safe.
#ifndef JOULE_SCHEDULER_MODEL_REGISTRY_H_
#define JOULE_SCHEDULER_MODEL_REGISTRY_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/types.h"

namespace joule {

class ModelRegistry {
 public:
  // INVALID_ARGUMENT for an empty name or a cost no precision can run.
  absl::Status Register(const std::string& name, const JobCost& cost);
  // NOT_FOUND naming the model when it is not registered.
  absl::StatusOr<JobCost> Find(const std::string& name) const;
  std::map<std::string, JobCost> List() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, JobCost> models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_MODEL_REGISTRY_H_
