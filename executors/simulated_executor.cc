#include "executors/simulated_executor.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace joule {

SimulatedExecutor::SimulatedExecutor(Clock* clock) : clock_(clock) {}

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
    r.start = clock_->Now();
    seq = r.seq;
    const TimePoint due = r.start + r.req.predicted_time;
    const bool zero_time = r.req.predicted_time == Duration{0};
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
  }
  if (done) done(std::move(result));
}

bool SimulatedExecutor::Cancel(uint64_t job_id) {
  absl::MutexLock l(&mu_);
  if (!running_ || running_->req.job_id != job_id) return false;
  // False: the completion has started running and will call `done`.
  if (!clock_->Cancel(running_->timer)) return false;
  busy_ += RunningBusyLocked(clock_->Now());
  running_.reset();
  return true;
}

Duration SimulatedExecutor::BusyTime() const {
  absl::MutexLock l(&mu_);
  return busy_ + RunningBusyLocked(clock_->Now());
}

Duration SimulatedExecutor::RunningBusyLocked(TimePoint now) const {
  if (!running_) return Duration{0};
  const Duration elapsed = std::max(now - running_->start, Duration{0});
  return std::min(elapsed, running_->req.predicted_time);
}

}  // namespace joule
