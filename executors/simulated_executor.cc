#include "executors/simulated_executor.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace joule {

SimulatedExecutor::SimulatedExecutor(Clock* clock)
    : SimulatedExecutor(clock, DeviceSpec{}) {}

SimulatedExecutor::SimulatedExecutor(Clock* clock, DeviceSpec spec)
    : clock_(clock), spec_(std::move(spec)) {
  absl::MutexLock l(&mu_);
  idle_since_ = clock_->Now();
  residency_.in_state.assign(spec_.idle_states.size(), Duration{0});
  residency_.entries.assign(spec_.idle_states.size(), 0);
}

SimulatedExecutor::~SimulatedExecutor() {
  absl::MutexLock l(&mu_);
  if (running_) clock_->Cancel(running_->timer);
}

void SimulatedExecutor::Start(ExecRequest req, DoneCallback done) {
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    if (running_) {
      // A broken scheduler invariant: one job per device at a time.
      std::fprintf(stderr,
                   "SimulatedExecutor::Start(job %" PRIu64
                   ") while job %" PRIu64 " is running\n",
                   req.job_id, running_->req.job_id);
      std::abort();
    }
    Running r;
    r.seq = next_seq_++;
    r.req = std::move(req);
    r.req.predicted_time = std::max(r.req.predicted_time, Duration{0});
    r.done = std::move(done);
    const TimePoint now = clock_->Now();
    r.start = WakeLocked(now);
    seq = r.seq;
    const TimePoint due = r.start + r.req.predicted_time;
    const bool zero_time =
        r.req.predicted_time == Duration{0} && r.start == now;
    running_ = std::move(r);
    if (!zero_time) {
      // Holding mu_ across RunAt is safe: a Clock never runs a callback inside
      // RunAt on the caller's thread, and callbacks run without its lock.
      running_->timer = clock_->RunAt(due, [this, seq] { Complete(seq); });
      return;
    }
  }
  // A job that takes no time completes here, on the caller's thread: a
  // timer would only add a thread hand-off (Executor allows `done` inside
  // Start).
  Complete(seq);
}

void SimulatedExecutor::Complete(uint64_t seq) {
  DoneCallback done;
  ExecResult result;
  {
    absl::MutexLock l(&mu_);
    if (!running_ || running_->seq != seq) return;  // cancelled meanwhile
    busy_ += running_->req.predicted_time;
    result.status = absl::OkStatus();
    result.measured_time = running_->req.predicted_time;
    result.energy_j = running_->req.predicted_energy_j;
    result.simulated = true;
    done = std::move(running_->done);
    running_.reset();
    idle_since_ = clock_->Now();
  }
  if (done) done(std::move(result));
  // Only now: `done` usually starts the next queued job, and a device with
  // work waiting does not go to sleep.
  absl::MutexLock l(&mu_);
  if (!running_) WentIdleLocked(idle_since_);
}

bool SimulatedExecutor::Cancel(uint64_t job_id) {
  absl::MutexLock l(&mu_);
  if (!running_ || running_->req.job_id != job_id) return false;
  // False: the completion has started running and will call `done`.
  if (!clock_->Cancel(running_->timer)) return false;
  const TimePoint now = clock_->Now();
  busy_ += RunningBusyLocked(now);
  running_.reset();
  WentIdleLocked(now);
  return true;
}

Duration SimulatedExecutor::BusyTime() const {
  absl::MutexLock l(&mu_);
  return busy_ + RunningBusyLocked(clock_->Now());
}

void SimulatedExecutor::SetIdlePolicy(const IdlePolicy& policy) {
  absl::MutexLock l(&mu_);
  policy_ = policy;
  MaybeSleepLocked(clock_->Now());
}

int SimulatedExecutor::CurrentIdleState() const {
  absl::MutexLock l(&mu_);
  return state_;
}

IdleResidency SimulatedExecutor::IdleTime() const {
  absl::MutexLock l(&mu_);
  IdleResidency r = residency_;
  if (state_ >= 0) {
    r.in_state[state_] += std::max(clock_->Now() - state_since_, Duration{0});
  }
  r.current = state_;
  return r;
}

void SimulatedExecutor::WentIdleLocked(TimePoint now) {
  idle_ = true;
  idle_since_ = now;
  MaybeSleepLocked(now);
}

void SimulatedExecutor::MaybeSleepLocked(TimePoint now) {
  if (running_ || !idle_ || spec_.idle_states.empty()) return;
  const double elapsed_s = ToSeconds(now - idle_since_);
  const int s = ChooseIdleState(spec_, policy_, predictor_.PredictS(elapsed_s));
  if (s <= state_) return;  // never shallower while idle
  if (state_ >= 0) {
    residency_.in_state[state_] += std::max(now - state_since_, Duration{0});
  }
  const IdleState& st = spec_.idle_states[s];
  state_ = s;
  state_since_ = now + FromSeconds(st.entry_latency_us / 1e6);
  ++residency_.entries[s];
  residency_.transition_energy_j += st.transition_energy_j;
}

TimePoint SimulatedExecutor::WakeLocked(TimePoint now) {
  if (idle_) {
    predictor_ =
        predictor_.Observe(ToSeconds(now - idle_since_), policy_.ewma_weight);
    idle_ = false;
  }
  if (state_ < 0) return now;
  const IdleState& st = spec_.idle_states[state_];
  residency_.in_state[state_] += std::max(now - state_since_, Duration{0});
  const TimePoint ready =
      std::max(now, state_since_) + FromSeconds(st.exit_latency_us / 1e6);
  residency_.wake_delay += ready - now;
  state_ = -1;
  return ready;
}

Duration SimulatedExecutor::RunningBusyLocked(TimePoint now) const {
  if (!running_) return Duration{0};
  const Duration elapsed = std::max(now - running_->start, Duration{0});
  return std::min(elapsed, running_->req.predicted_time);
}

}  // namespace joule
