#include "core/clock.h"

#include <sys/prctl.h>

#include <cassert>

namespace joule {

TimerId TimerQueue::Add(TimePoint when, Clock::Callback cb) {
  TimerId id = next_id_++;
  timers_.emplace(Key{when, id}, std::move(cb));
  when_.emplace(id, when);
  return id;
}

bool TimerQueue::Remove(TimerId id) {
  auto it = when_.find(id);
  if (it == when_.end()) return false;
  timers_.erase(Key{it->second, id});
  when_.erase(it);
  return true;
}

bool TimerQueue::PopDue(TimePoint now, TimePoint* when, Clock::Callback* cb) {
  if (timers_.empty() || timers_.begin()->first.first > now) return false;
  auto it = timers_.begin();
  *when = it->first.first;
  *cb = std::move(it->second);
  when_.erase(it->first.second);
  timers_.erase(it);
  return true;
}

TimePoint TimerQueue::Earliest() const {
  assert(!timers_.empty());
  return timers_.begin()->first.first;
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
