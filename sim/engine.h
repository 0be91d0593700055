// EventEngine: joule-sim's discrete-event loop. It is a thin layer over
// ManualClock (core/clock.h), which already is a discrete-event engine:
// timers run in (due time, scheduling order) order, on the calling thread,
// with Now() equal to each timer's due time while it runs, and a cancelled
// timer never runs. The daemon's own components (Scheduler deadline timers,
// SimulatedExecutor completions) schedule on the same clock, so arrivals,
// governor ticks and completions interleave exactly as their times say.
//
// Sim time is a Duration since the engine's start; the clock starts at
// ManualClock's default epoch. Nothing here reads the wall clock.
//
// Not thread-safe: one engine per simulation, driven by one thread (the
// clock itself is thread-safe, as core/clock.h says).
#ifndef JOULE_SIM_ENGINE_H_
#define JOULE_SIM_ENGINE_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "core/clock.h"

namespace joule {

class EventEngine {
 public:
  EventEngine() : start_(clock_.Now()) {}
  EventEngine(const EventEngine&) = delete;
  EventEngine& operator=(const EventEngine&) = delete;

  // The clock to hand to the daemon's components.
  Clock* clock() { return &clock_; }
  TimePoint start() const { return start_; }
  // Sim time now, and the clock time of sim time `t`.
  Duration Now() const { return clock_.Now() - start_; }
  TimePoint ToTimePoint(Duration t) const { return start_ + t; }

  // Runs `cb` at sim time `t` (at the next event if `t` has passed).
  TimerId At(Duration t, Clock::Callback cb) {
    return clock_.RunAt(start_ + t, std::move(cb));
  }
  bool Cancel(TimerId id) { return clock_.Cancel(id); }

  // Calls `tick` at first, first + period, first + 2·period, ... (exact
  // multiples, no drift) until it returns false. REQUIRES: period > 0.
  void Every(Duration first, Duration period, std::function<bool()> tick);

  // Runs every event due by sim time `t`, then sets the time to `t`.
  void RunUntil(Duration t) { clock_.AdvanceTo(start_ + t); }
  // Runs events one at a time until `stop()` is true (checked before each)
  // or none is left; returns stop().
  bool RunUntilTrue(const std::function<bool()>& stop);
  size_t Pending() const { return clock_.PendingTimers(); }

 private:
  ManualClock clock_;
  const TimePoint start_;
};

}  // namespace joule

#endif  // JOULE_SIM_ENGINE_H_
