#include "core/work_queue.h"

#include <utility>

namespace joule {

WorkQueue::WorkQueue(std::string name, size_t max_pending)
    : name_(std::move(name)), max_pending_(max_pending) {
  worker_ = std::thread([this] { Run(); });
}

WorkQueue::~WorkQueue() { Stop(); }

bool WorkQueue::TryPost(std::function<void()> fn) {
  absl::MutexLock l(&mu_);
  if (stopping_ || pending_.size() >= max_pending_) return false;
  pending_.push_back(std::move(fn));
  return true;
}

void WorkQueue::Stop() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

void WorkQueue::Run() {
  for (;;) {
    std::function<void()> fn;
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !pending_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (pending_.empty()) return;  // stopping, and nothing left to run
      fn = std::move(pending_.front());
      pending_.pop_front();
    }
    fn();
  }
}

}  // namespace joule
