// WorkQueue: one worker thread that runs posted closures in order, with a
// bound on how many may wait. The gRPC services hand it the calls that read
// files or analyse models (RegisterModel, UnloadModel, ReloadPolicy), so no
// reactor thread ever blocks on I/O or analysis (docs/ARCHITECTURE.md,
// "Threads").
//
// Thread-safe: TryPost and Stop may be called from any thread. Closures run
// on the worker thread, one at a time, without the queue's lock held (a
// closure may TryPost more work).
#ifndef JOULE_CORE_WORK_QUEUE_H_
#define JOULE_CORE_WORK_QUEUE_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace joule {

class WorkQueue {
 public:
  // `max_pending`: closures that may wait behind the running one; TryPost
  // refuses beyond it. REQUIRES: max_pending >= 1.
  WorkQueue(std::string name, size_t max_pending);
  // Stop().
  ~WorkQueue();

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `fn`; false (and `fn` dropped unrun) when max_pending closures
  // already wait or the queue is stopped.
  bool TryPost(std::function<void()> fn);

  // Refuses new work, runs every closure already queued, joins the worker.
  // Idempotent. REQUIRES: not called from a closure.
  void Stop();

  const std::string& name() const { return name_; }
  size_t max_pending() const { return max_pending_; }

 private:
  void Run();

  const std::string name_;
  const size_t max_pending_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;
};

}  // namespace joule

#endif  // JOULE_CORE_WORK_QUEUE_H_
