#include "scheduler/scheduler.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "devices/idle.h"
#include "spdlog/spdlog.h"

namespace joule {

struct Scheduler::Slot {
  Slot(Device* d, SchedulerMetrics* m) : device(d), metrics(m, d->name()) {}
  Device* device = nullptr;
  // Mutable: Loads() const records the backlog.
  mutable SlotMetrics metrics;
  std::map<QueueKey, Job*> queue;
  JobId running = 0;
  TimePoint running_end{};
  double queued_exec_s = 0;
  // EdfViewLocked's result, reused.
  mutable std::vector<QueuedJob> edf;
};

namespace {

// The status a rejected placement returns: the most specific reason any
// candidate got to (queue full beats deadline beats critical beats
// unsupported), since that is the one the client can act on.
absl::Status RejectionStatus(const Placement& p) {
  Infeasible furthest = Infeasible::kKindNotAllowed;
  for (const CandidateResult& c : p.candidates) {
    furthest = std::max(furthest, c.infeasible);
  }
  std::string msg = absl::StrCat("rejected at admission: ", p.explanation);
  switch (furthest) {
    case Infeasible::kQueueFull:
      return absl::ResourceExhaustedError(msg);
    case Infeasible::kMissesDeadline:
      return absl::DeadlineExceededError(msg);
    case Infeasible::kCritical:
      return absl::UnavailableError(msg);
    default:
      return absl::InvalidArgumentError(msg);
  }
}

PlacementRequest RequestFor(const JobSpec& spec, TimePoint now) {
  PlacementRequest req;
  req.cost = spec.cost;
  req.batch = std::max<uint32_t>(1, spec.batch);
  req.priority_class = spec.priority_class;
  req.preference = spec.preference;
  req.allowed_kinds = spec.allowed_kinds;
  req.explain = spec.explain_placement;
  if (spec.deadline) req.deadline_s = ToSeconds(*spec.deadline - now);
  return req;
}

}  // namespace

Scheduler::Scheduler(Clock* clock, std::vector<Device*> devices,
                     const SchedulerTunables& tunables, Registry* metrics)
    : clock_(clock),
      metrics_(metrics),
      tunables_(tunables),
      finished_(tunables.max_finished_jobs),
      frames_(FrameCapacity(tunables.frame_skip)),
      rejected_metrics_(&metrics_, "none") {
  slots_.reserve(devices.size());
  for (Device* d : devices) {
    slots_.emplace_back(d, &metrics_);
    slots_.back().metrics.queue_depth().Set(0);
  }
}

Scheduler::~Scheduler() {
  absl::MutexLock l(&mu_);
  for (auto& [id, job] : live_) {
    if (job.deadline_timer) clock_->Cancel(job.deadline_timer);
  }
}

const std::vector<PlacementCandidate>& Scheduler::CandidatesLocked(
    TimePoint now, const std::string& model) {
  std::vector<PlacementCandidate>& out = candidates_;
  out.clear();
  for (const Slot& s : slots_) {
    DeviceState st = s.device->state();
    PlacementCandidate c;
    c.spec = &s.device->spec();
    c.pstate = std::min(st.pstate, st.pstate_cap);
    c.backlog_s = BacklogLocked(s, now);
    c.critical = st.critical;
    c.queue_full = s.queue.size() >= tunables_.max_queue_per_device;
    if (!model.empty()) {
      c.supports_model = s.device->executor().SupportsModel(model);
    }
    c.exec_scale = calibration_.Factor({model, s.device->name(), c.pstate});
    if (tunables_.placement == PlacementStrategy::kJoule) {
      c.running_left_s = RunningLeftLocked(s, now);
      c.hot = st.hot;
      if (!s.queue.empty()) c.queue = &EdfViewLocked(s, now);
      if (tunables_.raise_pstate_for_deadlines) {
        c.max_pstate = std::min(st.pstate_cap, s.device->spec().max_pstate());
      }
      if (!s.running && s.queue.empty()) {
        const DeviceSpec& spec = s.device->spec();
        const int sleep = s.device->idle_state();
        if (sleep >= 0 && sleep < static_cast<int>(spec.idle_states.size())) {
          const IdleWake w = WakeCost(spec, sleep);
          c.wake_latency_s = w.latency_s;
          c.wake_energy_j = w.energy_j;
          c.idle_power_w = spec.idle_states[sleep].power_w;
        }
      }
    }
    out.push_back(c);
  }
  return out;
}

double Scheduler::RunningLeftLocked(const Slot& s, TimePoint now) const {
  return s.running ? std::max(0.0, ToSeconds(s.running_end - now)) : 0.0;
}

double Scheduler::BacklogLocked(const Slot& s, TimePoint now) const {
  return s.queued_exec_s + RunningLeftLocked(s, now);
}

const std::vector<QueuedJob>& Scheduler::EdfViewLocked(const Slot& s,
                                                       TimePoint now) const {
  s.edf.clear();
  for (const auto& [key, job] : s.queue) {
    QueuedJob k;
    k.priority_class = job->spec.priority_class;
    if (job->spec.deadline) k.deadline_s = ToSeconds(*job->spec.deadline - now);
    k.exec_s = job->exec_by_pstate.data();
    s.edf.push_back(k);
  }
  return s.edf;
}

void Scheduler::RaiseLocked(Slot& s, int pstate) {
  if (s.device->state().pstate >= pstate) return;
  if (absl::Status st = s.device->ApplyPState(pstate); !st.ok()) {
    spdlog::warn("{}: P-state {} for a deadline refused: {}", s.device->name(),
                 pstate, st.ToString());
  }
}

std::vector<int> Scheduler::DeadlineFloors() const {
  absl::MutexLock l(&mu_);
  const TimePoint now = clock_->Now();
  std::vector<int> out;
  out.reserve(slots_.size());
  for (const Slot& s : slots_) {
    const DeviceState st = s.device->state();
    const int cap = std::min(st.pstate_cap, s.device->spec().max_pstate());
    out.push_back(s.queue.empty() ? -1
                                  : EdfFloor(RunningLeftLocked(s, now),
                                             EdfViewLocked(s, now), cap));
  }
  return out;
}

absl::StatusOr<JobInfo> Scheduler::Submit(JobSpec spec, DoneCallback done,
                                          JobId* id_out) {
  JobInfo info;
  absl::Status s = Admit(std::move(spec), std::move(done), id_out, &info);
  if (!s.ok()) return s;
  return info;
}

absl::Status Scheduler::Enqueue(JobSpec spec, DoneCallback done,
                                JobId* id_out) {
  return Admit(std::move(spec), std::move(done), id_out, nullptr);
}

absl::Status Scheduler::Admit(JobSpec spec, DoneCallback done, JobId* id_out,
                              JobInfo* info_out) {
  if (AdmitSkipped(spec, done, id_out, info_out)) return absl::OkStatus();
  Pending p;
  JobInfo info;
  absl::Status rejected;
  {
    absl::MutexLock l(&mu_);
    const TimePoint now = clock_->Now();
    info.model = spec.model;
    info.cost_estimated = spec.cost_estimated;
    info.priority_class = spec.priority_class;
    info.submitted = now;
    if (draining_) {
      rejected = absl::UnavailableError("draining: not accepting new jobs");
    } else {
      info.placement =
          Place(RequestFor(spec, now), CandidatesLocked(now, spec.model),
                tunables_, round_robin_cursor_);
      if (info.placement.chosen < 0) rejected = RejectionStatus(info.placement);
    }
    const int chosen = info.placement.chosen;
    if (chosen >= 0) {
      const CandidateResult& c = info.placement.candidates[chosen];
      info.device = c.device;
      info.kind = c.kind;
      info.predicted = c.estimate;
      info.pstate = c.estimate->pstate;
      info.freq_khz =
          slots_[chosen].device->spec().pstates[info.pstate].freq_khz;
      info.simulated = slots_[chosen].device->simulated();
    }
    if (spec.dry_run) {
      if (!rejected.ok()) {
        info.state = JobState::kRejected;
        info.error = rejected;
      }
      if (info_out) *info_out = std::move(info);
      return info_out ? absl::OkStatus() : rejected;
    }
    info.id = next_id_++;
    if (id_out) *id_out = info.id;
    if (chosen >= 0) round_robin_cursor_ = chosen + 1;
    submitted_cv_.SignalAll();
    if (!rejected.ok()) {
      info.state = JobState::kRejected;
      info.error = rejected;
      info.finished = now;
      rejected_metrics_.jobs(JobState::kRejected).Inc();
      spdlog::debug("job {} rejected: {}", info.id,
                    std::string(rejected.message()));
      finished_.Add(std::move(info));
      return rejected;
    }
    const JobId id = info.id;
    Job* j = &live_[id];
    j->info = std::move(info);
    j->spec = std::move(spec);
    j->done = std::move(done);
    if (j->spec.deadline) {
      j->deadline_timer =
          clock_->RunAt(*j->spec.deadline, [this, id] { OnDeadline(id); });
    }
    const CandidateResult& c = j->info.placement.candidates[chosen];
    if (c.raises_pstate) RaiseLocked(slots_[chosen], c.estimate->pstate);
    EnqueueLocked(j, chosen, *c.estimate);
    DispatchLocked(chosen, &p);  // may end the job (and free `j`)
    if (info_out) {
      if (auto it = live_.find(id); it != live_.end()) {
        *info_out = it->second.info;
      } else {
        for (const auto& [cb, terminal] : p.done) {
          if (terminal.id == id) *info_out = terminal;
        }
      }
    }
  }
  if (!p.empty()) Run(std::move(p));
  return absl::OkStatus();
}

void Scheduler::EnqueueLocked(Job* job, int slot_index, const Estimate& est) {
  Slot& s = slots_[slot_index];
  job->slot = slot_index;
  job->exec_s = est.exec_s;
  // Run times at every P-state, corrected by this one's learnt factor.
  const DeviceSpec& spec = s.device->spec();
  const uint32_t batch = std::max<uint32_t>(1, job->spec.batch);
  const double scale =
      calibration_.Factor({job->spec.model, spec.name, est.pstate});
  job->exec_by_pstate.assign(spec.pstates.size(), est.exec_s);
  for (int q = 0; q <= spec.max_pstate(); ++q) {
    if (q == est.pstate) continue;
    if (std::optional<Estimate> e =
            EstimateJob(job->spec.cost, batch, spec, q)) {
      job->exec_by_pstate[q] = e->exec_s * scale;
    }
  }
  job->key =
      QueueKey{static_cast<int>(job->spec.priority_class),
               job->spec.deadline.value_or(TimePoint::max()), job->info.id};
  s.queue.emplace(job->key, job);
  s.queued_exec_s += est.exec_s;
  job->info.state = JobState::kQueued;
  s.metrics.queue_depth().Set(s.queue.size());
}

void Scheduler::RemoveFromQueueLocked(Job* job) {
  Slot& s = slots_[job->slot];
  if (s.queue.erase(job->key) == 0) return;
  s.queued_exec_s = s.queue.empty() ? 0.0 : s.queued_exec_s - job->exec_s;
  s.metrics.queue_depth().Set(s.queue.size());
}

void Scheduler::DispatchLocked(int slot_index, Pending* p) {
  Slot& s = slots_[slot_index];
  const DeviceState st = s.device->state();
  if (s.running || st.critical) return;
  const TimePoint now = clock_->Now();
  while (!s.queue.empty()) {
    Job* job = s.queue.begin()->second;
    RemoveFromQueueLocked(job);
    const DeviceSpec& spec = s.device->spec();
    const int pstate = std::min(st.pstate, st.pstate_cap);
    std::optional<Estimate> est = EstimateJob(
        job->spec.cost, std::max<uint32_t>(1, job->spec.batch), spec, pstate);
    if (!est) {  // Placement checked support; a profile cannot change.
      FinishLocked(job->info.id, JobState::kFailed,
                   absl::InternalError("device lost support for the job"), p);
      continue;
    }
    job->analytic_exec_s = est->exec_s;
    ApplyCalibration(calibration_.Factor({job->spec.model, spec.name, pstate}),
                     &*est);
    if (job->spec.deadline &&
        now + FromSeconds(est->exec_s) > *job->spec.deadline) {
      FinishLocked(
          job->info.id, JobState::kDeadlineExceeded,
          absl::DeadlineExceededError(absl::StrCat(
              "not started: would finish ",
              ToSeconds(now + FromSeconds(est->exec_s) - *job->spec.deadline) *
                  1e3,
              " ms after its deadline on ", spec.name)),
          p);
      continue;
    }
    JobInfo& info = job->info;
    info.state = JobState::kRunning;
    info.device = spec.name;
    info.kind = spec.kind;
    info.pstate = pstate;
    info.freq_khz = spec.pstates[pstate].freq_khz;
    info.predicted = est;
    info.simulated = s.device->simulated();
    info.queue_time_s = ToSeconds(now - info.submitted);
    s.running = info.id;
    s.running_end = now + FromSeconds(est->exec_s);
    ExecRequest req;
    req.job_id = info.id;
    req.pstate = pstate;
    req.predicted_time = FromSeconds(est->exec_s);
    req.predicted_energy_j = est->energy_j;
    req.model = job->spec.model;
    req.inputs = std::move(job->spec.inputs);
    p->starts.push_back({&s.device->executor(), std::move(req)});
    ++starts_in_flight_;
    return;
  }
}

void Scheduler::Run(Pending p) {
  // An executor may finish a job inside Start() (a zero-time job), whose
  // completion dispatches the next one, and so on: rather than recursing once
  // per job, work arising on this thread while Run is active joins the
  // outermost Run's list. The list is per thread and keeps its capacity, so
  // the common case (one nested completion) allocates nothing.
  struct Work {
    bool active = false;
    std::vector<std::pair<Scheduler*, Pending>> queue;
  };
  thread_local Work work;
  if (work.active) {
    work.queue.emplace_back(this, std::move(p));
    return;
  }
  work.active = true;
  RunOne(p);
  // By index: RunOne may append (and reallocate) while an entry is handled,
  // so each is moved out first.
  for (size_t i = 0; i < work.queue.size(); ++i) {
    auto [scheduler, next] = std::move(work.queue[i]);
    scheduler->RunOne(next);
  }
  work.queue.clear();
  // A long chain (thousands of queued zero-time jobs) should not pin its
  // memory to the thread.
  if (work.queue.capacity() > 64) work.queue.shrink_to_fit();
  work.active = false;
}

void Scheduler::RunOne(Pending& p) {
  for (Pending::Start& start : p.starts) {
    // Two words, so std::function keeps it inline (no allocation).
    const JobId id = start.req.job_id;
    start.executor->Start(std::move(start.req), [this, id](ExecResult&& r) {
      OnExecDone(id, std::move(r));
    });
    if (starts_in_flight_.fetch_sub(1) == 1 && submission_waiters_.load() > 0) {
      absl::MutexLock l(&mu_);
      submitted_cv_.SignalAll();
    }
  }
  for (auto& [done, info] : p.done) {
    if (done) done(std::move(info));
  }
}

void Scheduler::OnExecDone(JobId id, ExecResult&& r) {
  Pending p;
  {
    absl::MutexLock l(&mu_);
    auto it = live_.find(id);
    // The job's device: a running job is live (a cancelled one's executor
    // does not call back); otherwise the device still marked running it.
    int slot_index = -1;
    if (it != live_.end()) {
      slot_index = it->second.slot;
    } else {
      for (size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].running == id) slot_index = static_cast<int>(i);
      }
      if (slot_index < 0) return;
    }
    Slot& s = slots_[slot_index];
    if (s.running == id) s.running = 0;
    if (it != live_.end()) {
      Job* job = &it->second;
      job->info.measured_time_s = ToSeconds(r.measured_time);
      job->info.measured_energy_j = r.energy_j;
      job->info.energy_measured = r.energy_measured;
      job->info.simulated = r.simulated;
      job->info.outputs = std::move(r.outputs);
      if (r.status.ok() && !r.simulated) {
        const CalibrationSample cs = calibration_.Record(
            {job->spec.model, s.device->name(), job->info.pstate},
            job->analytic_exec_s, job->info.measured_time_s);
        if (cs.used) {
          s.metrics.prediction_error().Observe(cs.corrected_ratio);
        }
      }
      const TimePoint now = clock_->Now();
      if (!r.status.ok()) {
        FinishLocked(id, JobState::kFailed, r.status, &p);
      } else if (job->spec.deadline && now > *job->spec.deadline) {
        FinishLocked(
            id, JobState::kDeadlineExceeded,
            absl::DeadlineExceededError(absl::StrCat(
                "finished ", ToSeconds(now - *job->spec.deadline) * 1e3,
                " ms after its deadline")),
            &p);
      } else {
        FinishLocked(id, JobState::kCompleted, absl::OkStatus(), &p);
      }
    }
    DispatchLocked(slot_index, &p);
  }
  if (!p.empty()) Run(std::move(p));
}

void Scheduler::OnDeadline(JobId id) {
  Pending p;
  {
    absl::MutexLock l(&mu_);
    auto it = live_.find(id);
    if (it == live_.end()) return;
    Job* job = &it->second;
    job->deadline_timer = 0;
    if (job->info.state != JobState::kQueued) return;  // running: let it end
    RemoveFromQueueLocked(job);
    FinishLocked(id, JobState::kDeadlineExceeded,
                 absl::DeadlineExceededError("deadline passed while queued"),
                 &p);
  }
  Run(std::move(p));
}

SlotMetrics& Scheduler::MetricsForLocked(const Job& job) {
  // job.slot is the device of info.device (placement and migration set both).
  return job.slot >= 0 ? slots_[job.slot].metrics : rejected_metrics_;
}

void Scheduler::FinishLocked(JobId id, JobState state, absl::Status error,
                             Pending* p) {
  auto it = live_.find(id);
  if (it == live_.end()) return;
  Job job = std::move(it->second);
  live_.erase(it);
  if (job.deadline_timer) clock_->Cancel(job.deadline_timer);
  JobInfo& info = job.info;
  info.state = state;
  info.error = std::move(error);
  info.finished = clock_->Now();
  SlotMetrics& m = MetricsForLocked(job);
  m.jobs(state).Inc();
  if (state == JobState::kCompleted) {
    m.latency().Observe(ToSeconds(info.finished - info.submitted));
  }
  // The record keeps everything but the outputs: they reach the client once,
  // through `done`. One copy for the record; the callback gets the original.
  FinishFrameLocked(state, &job.spec, &info);
  std::vector<Tensor> outputs = std::move(info.outputs);
  info.outputs.clear();
  finished_.Add(info);
  info.outputs = std::move(outputs);
  p->done.emplace_back(std::move(job.done), std::move(info));
  if (live_.empty()) idle_cv_.SignalAll();
}

absl::StatusOr<JobInfo> Scheduler::GetJob(JobId id) const {
  absl::MutexLock l(&mu_);
  if (auto it = live_.find(id); it != live_.end()) return it->second.info;
  if (const JobInfo* f = finished_.Find(id)) return *f;
  return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
}

absl::StatusOr<JobState> Scheduler::Cancel(JobId id) {
  Pending p;
  JobState after;
  {
    absl::MutexLock l(&mu_);
    auto it = live_.find(id);
    if (it == live_.end()) {
      if (const JobInfo* f = finished_.Find(id)) return f->state;
      return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
    }
    Job* job = &it->second;
    const absl::Status cancelled =
        absl::CancelledError("cancelled by the client");
    if (job->info.state == JobState::kQueued) {
      RemoveFromQueueLocked(job);
      FinishLocked(id, JobState::kCancelled, cancelled, &p);
      after = JobState::kCancelled;
    } else {
      const int slot_index = job->slot;
      Slot& s = slots_[slot_index];
      if (s.device->executor().Cancel(id)) {
        s.running = 0;
        FinishLocked(id, JobState::kCancelled, cancelled, &p);
        DispatchLocked(slot_index, &p);
        after = JobState::kCancelled;
      } else {
        after = job->info.state;  // completing right now
      }
    }
  }
  Run(std::move(p));
  return after;
}

std::vector<Scheduler::DeviceLoad> Scheduler::Loads() const {
  absl::MutexLock l(&mu_);
  const TimePoint now = clock_->Now();
  std::vector<DeviceLoad> out;
  for (const Slot& s : slots_) {
    DeviceLoad d;
    d.device = s.device;
    d.queued = s.queue.size();
    d.running = s.running != 0;
    d.backlog_s = BacklogLocked(s, now);
    s.metrics.backlog().Set(d.backlog_s);
    out.push_back(d);
  }
  return out;
}

void Scheduler::SetTunables(const SchedulerTunables& tunables) {
  absl::MutexLock l(&mu_);
  tunables_ = tunables;
  finished_.SetCapacity(tunables.max_finished_jobs);
  frames_.SetCapacity(FrameCapacity(tunables.frame_skip));
}

void Scheduler::OnDeviceChanged(const Device& device) {
  Pending p;
  {
    absl::MutexLock l(&mu_);
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].device == &device && device.state().critical) {
        MigrateLocked(static_cast<int>(i));
      }
    }
    for (size_t i = 0; i < slots_.size(); ++i) {
      DispatchLocked(static_cast<int>(i), &p);
    }
  }
  Run(std::move(p));
}

void Scheduler::MigrateLocked(int from) {
  const TimePoint now = clock_->Now();
  std::vector<Job*> jobs;
  for (auto& [key, job] : slots_[from].queue) jobs.push_back(job);
  for (Job* job : jobs) {
    Placement pl = Place(RequestFor(job->spec, now),
                         CandidatesLocked(now, job->spec.model), tunables_,
                         round_robin_cursor_);
    if (pl.chosen < 0 || pl.chosen == from) continue;  // stays until it cools
    round_robin_cursor_ = pl.chosen + 1;
    RemoveFromQueueLocked(job);
    const CandidateResult& c = pl.candidates[pl.chosen];
    metrics_.migrations.WithLabels({slots_[from].device->name(), c.device})
        .Inc();
    spdlog::info("job {} migrated {} -> {} ({} is critical)", job->info.id,
                 slots_[from].device->name(), c.device,
                 slots_[from].device->name());
    job->info.placement = pl;
    job->info.device = c.device;
    job->info.kind = c.kind;
    job->info.predicted = c.estimate;
    if (c.raises_pstate) RaiseLocked(slots_[pl.chosen], c.estimate->pstate);
    EnqueueLocked(job, pl.chosen, *c.estimate);
  }
}

void Scheduler::StartDraining() {
  absl::MutexLock l(&mu_);
  draining_ = true;
}

bool Scheduler::draining() const {
  absl::MutexLock l(&mu_);
  return draining_;
}

bool Scheduler::WaitIdleFor(Duration timeout) {
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  absl::MutexLock l(&mu_);
  while (!live_.empty()) {
    if (idle_cv_.WaitWithDeadline(&mu_, deadline)) return live_.empty();
  }
  return true;
}

void Scheduler::CancelAll() {
  std::vector<JobId> ids;
  {
    absl::MutexLock l(&mu_);
    for (const auto& [id, job] : live_) ids.push_back(id);
  }
  for (JobId id : ids) Cancel(id).IgnoreError();
}

void Scheduler::WaitForSubmissions(uint64_t n) {
  absl::MutexLock l(&mu_);
  ++submission_waiters_;
  while (next_id_ - 1 < n || starts_in_flight_ != 0) submitted_cv_.Wait(&mu_);
  --submission_waiters_;
}

void Scheduler::WaitIdle() {
  absl::MutexLock l(&mu_);
  while (!live_.empty()) idle_cv_.Wait(&mu_);
}

}  // namespace joule
