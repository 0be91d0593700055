// SkipMutexDeadlockDetectionInRelease: called first in the mains of the
// binaries that run the scheduler (jouled, joule-sim).
//
// Thread-safe: call before starting threads.
#ifndef JOULE_CMD_MUTEX_MODE_H_
#define JOULE_CMD_MUTEX_MODE_H_

namespace joule {

// Debian's Abseil is built without NDEBUG, so by default every
// absl::Mutex::Lock also maintains a global lock-order graph to detect
// deadlocks (GraphCycles, under a global lock): a cost on every job's path.
// Release builds turn it off; debug builds and the tests keep the check.
void SkipMutexDeadlockDetectionInRelease();

}  // namespace joule

#endif  // JOULE_CMD_MUTEX_MODE_H_
