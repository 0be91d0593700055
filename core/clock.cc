#include "core/clock.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cassert>

namespace joule {

TimerId TimerQueue::Add(TimePoint when, Clock::Callback cb) {
  TimerId id = next_id_++;
  heap_.push_back(Entry{when, id, std::move(cb)});
  std::push_heap(heap_.begin(), heap_.end(), Later);
  pending_.insert(id);
  return id;
}

bool TimerQueue::Remove(TimerId id) {
  if (pending_.erase(id) == 0) return false;
  DropRemoved();
  return true;
}

void TimerQueue::DropRemoved() {
  if (pending_.empty()) {
    heap_.clear();
    return;
  }
  // Removed entries hold their callbacks (and what those capture) until
  // dropped: bound them to the pending ones, amortised O(1) per Remove.
  if (heap_.size() > 2 * pending_.size() + 64) {
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(),
                               [this](const Entry& e) {
                                 return !pending_.contains(e.id);
                               }),
                heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), Later);
  }
  while (!pending_.contains(heap_.front().id)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    heap_.pop_back();
  }
}

bool TimerQueue::PopDue(TimePoint now, TimePoint* when, Clock::Callback* cb) {
  if (heap_.empty() || heap_.front().when > now) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  Entry& e = heap_.back();
  *when = e.when;
  *cb = std::move(e.cb);
  pending_.erase(e.id);
  heap_.pop_back();
  DropRemoved();
  return true;
}

TimePoint TimerQueue::Earliest() const {
  assert(!heap_.empty());
  return heap_.front().when;
}

RealClock::RealClock() : thread_([this] { TimerThreadMain(); }) {}

RealClock::~RealClock() { Stop(); }

void RealClock::Stop() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

TimerId RealClock::RunAt(TimePoint when, Callback cb) {
  TimerId id;
  {
    absl::MutexLock l(&mu_);
    id = queue_.Add(when, std::move(cb));
  }
  cv_.SignalAll();
  return id;
}

bool RealClock::Cancel(TimerId id) {
  absl::MutexLock l(&mu_);
  return queue_.Remove(id);
}

void RealClock::TimerThreadMain() {
  // Linux lets a timed wait end up to the thread's timer slack late (50 us
  // by default) so it can batch wake-ups; simulated device runs are tens of
  // microseconds (a 20 us CPU dispatch), so ask for 1 us. Best effort: on
  // failure the default slack only makes simulated runs end later.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  mu_.Lock();
  while (!stop_) {
    TimePoint when;
    Callback cb;
    if (queue_.PopDue(Now(), &when, &cb)) {
      mu_.Unlock();
      cb();
      mu_.Lock();
    } else if (queue_.Empty()) {
      cv_.Wait(&mu_);
    } else {
      cv_.WaitWithTimeout(&mu_, absl::FromChrono(queue_.Earliest() - Now()));
    }
  }
  mu_.Unlock();
}

TimePoint ManualClock::Now() const {
  absl::MutexLock l(&mu_);
  return now_;
}

TimerId ManualClock::RunAt(TimePoint when, Callback cb) {
  absl::MutexLock l(&mu_);
  return queue_.Add(when, std::move(cb));
}

bool ManualClock::Cancel(TimerId id) {
  absl::MutexLock l(&mu_);
  return queue_.Remove(id);
}

void ManualClock::AdvanceTo(TimePoint t) {
  for (;;) {
    TimePoint when;
    Callback cb;
    {
      absl::MutexLock l(&mu_);
      if (!queue_.PopDue(t, &when, &cb)) {
        if (t > now_) now_ = t;
        return;
      }
      if (when > now_) now_ = when;
    }
    cb();
  }
}

bool ManualClock::RunNext() {
  TimePoint when;
  Callback cb;
  {
    absl::MutexLock l(&mu_);
    if (queue_.Empty()) return false;
    if (!queue_.PopDue(queue_.Earliest(), &when, &cb)) return false;
    if (when > now_) now_ = when;
  }
  cb();
  return true;
}

size_t ManualClock::PendingTimers() const {
  absl::MutexLock l(&mu_);
  return queue_.Size();
}

}  // namespace joule
