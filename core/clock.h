// Clock: the one source of time and timers for joule.
//
// Everything time-based (simulated execution, the governor tick, deadlines,
// sliding windows) reads Now() and schedules with RunAt() on an injected
// Clock, so tests and the simulator drive it with a ManualClock and no thread
// ever sleeps to wait for a result.
//
// Thread-safety: all methods of both implementations are safe to call from
// any thread. Callbacks run without the clock's lock held, so they may call
// RunAt()/Cancel() themselves.
#ifndef JOULE_CORE_CLOCK_H_
#define JOULE_CORE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace joule {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;
using TimerId = uint64_t;

inline double ToSeconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}
inline Duration FromSeconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

class Clock {
 public:
  using Callback = std::function<void()>;
  virtual ~Clock() = default;

  virtual TimePoint Now() const = 0;
  // Runs `cb` once at or after `when` (at once, on the timer's thread, if
  // `when` has passed). Timers due at the same instant run in the order they
  // were scheduled.
  virtual TimerId RunAt(TimePoint when, Callback cb) = 0;
  // Returns true if the timer had not started running and never will.
  virtual bool Cancel(TimerId id) = 0;

  TimerId RunAfter(Duration d, Callback cb) {
    return RunAt(Now() + d, std::move(cb));
  }
};

// Timers kept in (when, sequence) order; shared by both clocks.
//
// A binary min-heap of (when, id, callback) and the set of pending ids. A
// removed timer leaves the set at once and its heap entry is dropped when
// it reaches the top (or when removed entries outnumber pending ones, by a
// rebuild), so Add, Remove and PopDue allocate nothing per timer once the
// heap and the set have grown, unlike a node per timer in a tree. Invariant:
// the heap's top, if any, is pending.
class TimerQueue {
 public:
  TimerId Add(TimePoint when, Clock::Callback cb);
  bool Remove(TimerId id);
  // The earliest timer, if any is due at or before `now`, removed.
  bool PopDue(TimePoint now, TimePoint* when, Clock::Callback* cb);
  bool Empty() const { return pending_.empty(); }
  size_t Size() const { return pending_.size(); }
  TimePoint Earliest() const;  // REQUIRES: !Empty().

 private:
  struct Entry {
    TimePoint when;
    TimerId id;
    Clock::Callback cb;
  };
  // std::push_heap keeps the greatest on top: "greater" puts the earliest
  // (when, id) there.
  static bool Later(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.id > b.id;
  }
  // Pops removed entries off the top; rebuilds when they are most of it.
  void DropRemoved();

  std::vector<Entry> heap_;
  absl::flat_hash_set<TimerId> pending_;
  TimerId next_id_ = 1;
};

// Wall time from std::chrono::steady_clock; timers run on one owned thread.
class RealClock final : public Clock {
 public:
  RealClock();
  ~RealClock() override;  // Stop()s.

  // Joins the timer thread (waiting for a callback running now) and drops
  // pending timers; later RunAt() timers never run. Lets an owner stop all
  // callbacks before destroying what they point to. Idempotent.
  void Stop();

  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  TimerId RunAt(TimePoint when, Callback cb) override;
  bool Cancel(TimerId id) override;

 private:
  void TimerThreadMain();

  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  TimerQueue queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// Time that moves only when told to. Advance() runs due timers on the calling
// thread, in time order, with Now() equal to each timer's due time while it
// runs; it is also the discrete-event engine of the simulator.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1))
      : now_(start) {}

  TimePoint Now() const override;
  TimerId RunAt(TimePoint when, Callback cb) override;
  bool Cancel(TimerId id) override;

  // Moves time to `t` (never backwards), running every timer due by then,
  // including timers those timers schedule.
  void AdvanceTo(TimePoint t);
  void Advance(Duration d) { AdvanceTo(Now() + d); }
  // Runs the next pending timer, moving time to it. False if none.
  bool RunNext();
  size_t PendingTimers() const;

 private:
  mutable absl::Mutex mu_;
  TimePoint now_ ABSL_GUARDED_BY(mu_);
  TimerQueue queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_CORE_CLOCK_H_
