#include "scheduler/scheduler.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace joule {

struct Scheduler::Job {
  JobInfo info;
  JobSpec spec;
  DoneCallback done;
  TimerId deadline_timer = 0;
  int slot = -1;      // device index while queued or running
  QueueKey key;       // valid while queued
  double exec_s = 0;  // predicted run time counted in the slot's backlog
  double analytic_exec_s = 0;  // the uncorrected prediction at dispatch
};

struct Scheduler::Slot {
  Device* device = nullptr;
  std::map<QueueKey, Job*> queue;
  JobId running = 0;
  TimePoint running_end{};
  double queued_exec_s = 0;
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

std::string OutcomeLabel(JobState s) { return std::string(JobStateName(s)); }

PlacementRequest RequestFor(const JobSpec& spec, TimePoint now) {
  PlacementRequest req;
  req.cost = spec.cost;
  req.batch = std::max<uint32_t>(1, spec.batch);
  req.priority_class = spec.priority_class;
  req.preference = spec.preference;
  req.allowed_kinds = spec.allowed_kinds;
  if (spec.deadline) req.deadline_s = ToSeconds(*spec.deadline - now);
  return req;
}

}  // namespace

Scheduler::Scheduler(Clock* clock, std::vector<Device*> devices,
                     const SchedulerTunables& tunables, Registry* metrics)
    : clock_(clock), metrics_(metrics), tunables_(tunables) {
  for (Device* d : devices) {
    Slot s;
    s.device = d;
    slots_.push_back(std::move(s));
    metrics_.queue_depth.WithLabels({d->name()}).Set(0);
  }
}

Scheduler::~Scheduler() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [id, job] : live_) {
    if (job->deadline_timer) clock_->Cancel(job->deadline_timer);
  }
}

std::vector<PlacementCandidate> Scheduler::CandidatesLocked(
    TimePoint now, const std::string& model) const {
  std::vector<PlacementCandidate> out;
  out.reserve(slots_.size());
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
    out.push_back(c);
  }
  return out;
}

double Scheduler::BacklogLocked(const Slot& s, TimePoint now) const {
  double running_left =
      s.running ? std::max(0.0, ToSeconds(s.running_end - now)) : 0.0;
  return s.queued_exec_s + running_left;
}

absl::StatusOr<JobInfo> Scheduler::Submit(const JobSpec& spec,
                                          DoneCallback done, JobId* id_out) {
  Pending p;
  JobInfo info;
  absl::Status rejected;
  {
    std::lock_guard<std::mutex> l(mu_);
    const TimePoint now = clock_->Now();
    info.model = spec.model;
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
      return info;
    }
    info.id = next_id_++;
    if (id_out) *id_out = info.id;
    if (chosen >= 0) round_robin_cursor_ = chosen + 1;
    submitted_cv_.notify_all();
    if (!rejected.ok()) {
      info.state = JobState::kRejected;
      info.error = rejected;
      info.finished = now;
      metrics_.jobs.WithLabels({"none", "rejected"}).Inc();
      RecordFinishedLocked(info);
      spdlog::debug("job {} rejected: {}", info.id,
                    std::string(rejected.message()));
      return rejected;
    }
    auto job = std::make_unique<Job>();
    job->info = info;
    job->spec = spec;
    job->done = std::move(done);
    Job* j = job.get();
    live_.emplace(info.id, std::move(job));
    if (spec.deadline) {
      JobId id = info.id;
      j->deadline_timer =
          clock_->RunAt(*spec.deadline, [this, id] { OnDeadline(id); });
    }
    EnqueueLocked(j, chosen, *info.placement.candidates[chosen].estimate);
    DispatchLocked(chosen, &p);
    info = j->info;
  }
  Run(std::move(p));
  return info;
}

void Scheduler::EnqueueLocked(Job* job, int slot_index, const Estimate& est) {
  Slot& s = slots_[slot_index];
  job->slot = slot_index;
  job->exec_s = est.exec_s;
  job->key =
      QueueKey{static_cast<int>(job->spec.priority_class),
               job->spec.deadline.value_or(TimePoint::max()), job->info.id};
  s.queue.emplace(job->key, job);
  s.queued_exec_s += est.exec_s;
  job->info.state = JobState::kQueued;
  metrics_.queue_depth.WithLabels({s.device->name()}).Set(s.queue.size());
}

void Scheduler::RemoveFromQueueLocked(Job* job) {
  Slot& s = slots_[job->slot];
  if (s.queue.erase(job->key) == 0) return;
  s.queued_exec_s = s.queue.empty() ? 0.0 : s.queued_exec_s - job->exec_s;
  metrics_.queue_depth.WithLabels({s.device->name()}).Set(s.queue.size());
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
    const double factor =
        calibration_.Factor({job->spec.model, spec.name, pstate});
    est->exec_s *= factor;
    est->energy_j *= factor;
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
    p->starts.emplace_back(slot_index, req);
    ++starts_in_flight_;
    return;
  }
}

void Scheduler::Run(Pending p) {
  // An executor may finish a job inside Start() (a zero-time job), whose
  // completion dispatches the next one, and so on: rather than recursing once
  // per job, work arising on this thread while Run is active joins the
  // outermost Run's list.
  thread_local std::deque<std::pair<Scheduler*, Pending>>* active = nullptr;
  if (active) {
    active->emplace_back(this, std::move(p));
    return;
  }
  std::deque<std::pair<Scheduler*, Pending>> work;
  work.emplace_back(this, std::move(p));
  active = &work;
  while (!work.empty()) {
    auto [scheduler, next] = std::move(work.front());
    work.pop_front();
    scheduler->RunOne(std::move(next));
  }
  active = nullptr;
}

void Scheduler::RunOne(Pending p) {
  for (auto& [slot_index, req] : p.starts) {
    Executor* executor;
    {
      std::lock_guard<std::mutex> l(mu_);
      executor = &slots_[slot_index].device->executor();
    }
    const int slot = slot_index;
    const JobId id = req.job_id;
    executor->Start(req, [this, slot, id](const ExecResult& r) {
      OnExecDone(slot, id, r);
    });
    std::lock_guard<std::mutex> l(mu_);
    --starts_in_flight_;
    submitted_cv_.notify_all();
  }
  for (auto& [done, info] : p.done) {
    if (done) done(info);
  }
}

void Scheduler::OnExecDone(int slot_index, JobId id, const ExecResult& r) {
  Pending p;
  {
    std::lock_guard<std::mutex> l(mu_);
    Slot& s = slots_[slot_index];
    if (s.running == id) s.running = 0;
    auto it = live_.find(id);
    if (it != live_.end()) {
      Job* job = it->second.get();
      job->info.measured_time_s = ToSeconds(r.measured_time);
      job->info.measured_energy_j = r.energy_j;
      job->info.simulated = r.simulated;
      job->info.outputs = r.outputs;
      if (r.status.ok() && !r.simulated) {
        const CalibrationSample cs = calibration_.Record(
            {job->spec.model, s.device->name(), job->info.pstate},
            job->analytic_exec_s, job->info.measured_time_s);
        if (cs.used) {
          metrics_.prediction_error.WithLabels({s.device->name()})
              .Observe(cs.corrected_ratio);
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
  Run(std::move(p));
}

void Scheduler::OnDeadline(JobId id) {
  Pending p;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = live_.find(id);
    if (it == live_.end()) return;
    Job* job = it->second.get();
    job->deadline_timer = 0;
    if (job->info.state != JobState::kQueued) return;  // running: let it end
    RemoveFromQueueLocked(job);
    FinishLocked(id, JobState::kDeadlineExceeded,
                 absl::DeadlineExceededError("deadline passed while queued"),
                 &p);
  }
  Run(std::move(p));
}

void Scheduler::FinishLocked(JobId id, JobState state, absl::Status error,
                             Pending* p) {
  auto it = live_.find(id);
  if (it == live_.end()) return;
  std::unique_ptr<Job> job = std::move(it->second);
  live_.erase(it);
  if (job->deadline_timer) clock_->Cancel(job->deadline_timer);
  JobInfo& info = job->info;
  info.state = state;
  info.error = std::move(error);
  info.finished = clock_->Now();
  const std::string device = info.device.empty() ? "none" : info.device;
  metrics_.jobs.WithLabels({device, OutcomeLabel(state)}).Inc();
  if (state == JobState::kCompleted) {
    metrics_.latency.WithLabels({device}).Observe(
        ToSeconds(info.finished - info.submitted));
  }
  p->done.emplace_back(std::move(job->done), info);
  info.outputs.clear();  // they reach the client once, through `done`
  RecordFinishedLocked(std::move(info));
  if (live_.empty()) idle_cv_.notify_all();
}

void Scheduler::RecordFinishedLocked(JobInfo info) {
  const JobId id = info.id;
  finished_[id] = std::move(info);
  finished_order_.push_back(id);
  while (finished_order_.size() > tunables_.max_finished_jobs) {
    finished_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

absl::StatusOr<JobInfo> Scheduler::GetJob(JobId id) const {
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = live_.find(id); it != live_.end()) return it->second->info;
  if (auto it = finished_.find(id); it != finished_.end()) return it->second;
  return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
}

absl::StatusOr<JobState> Scheduler::Cancel(JobId id) {
  Pending p;
  JobState after;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = live_.find(id);
    if (it == live_.end()) {
      if (auto f = finished_.find(id); f != finished_.end()) {
        return f->second.state;
      }
      return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
    }
    Job* job = it->second.get();
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
  std::lock_guard<std::mutex> l(mu_);
  const TimePoint now = clock_->Now();
  std::vector<DeviceLoad> out;
  for (const Slot& s : slots_) {
    DeviceLoad d;
    d.device = s.device;
    d.queued = s.queue.size();
    d.running = s.running != 0;
    d.backlog_s = BacklogLocked(s, now);
    metrics_.backlog.WithLabels({s.device->name()}).Set(d.backlog_s);
    out.push_back(d);
  }
  return out;
}

void Scheduler::SetTunables(const SchedulerTunables& tunables) {
  std::lock_guard<std::mutex> l(mu_);
  tunables_ = tunables;
}

void Scheduler::OnDeviceChanged(const Device& device) {
  Pending p;
  {
    std::lock_guard<std::mutex> l(mu_);
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
    EnqueueLocked(job, pl.chosen, *c.estimate);
  }
}

void Scheduler::StartDraining() {
  std::lock_guard<std::mutex> l(mu_);
  draining_ = true;
}

bool Scheduler::draining() const {
  std::lock_guard<std::mutex> l(mu_);
  return draining_;
}

bool Scheduler::WaitIdleFor(Duration timeout) {
  std::unique_lock<std::mutex> l(mu_);
  return idle_cv_.wait_for(l, timeout, [this] { return live_.empty(); });
}

void Scheduler::CancelAll() {
  std::vector<JobId> ids;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, job] : live_) ids.push_back(id);
  }
  for (JobId id : ids) Cancel(id).IgnoreError();
}

void Scheduler::WaitForSubmissions(uint64_t n) {
  std::unique_lock<std::mutex> l(mu_);
  submitted_cv_.wait(
      l, [this, n] { return next_id_ - 1 >= n && starts_in_flight_ == 0; });
}

void Scheduler::WaitIdle() {
  std::unique_lock<std::mutex> l(mu_);
  idle_cv_.wait(l, [this] { return live_.empty(); });
}

}  // namespace joule
