#include "cmd/mutex_mode.h"

#include "absl/synchronization/mutex.h"

namespace joule {

void SkipMutexDeadlockDetectionInRelease() {
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

}  // namespace joule
