// Scheduler: frame skipping (scheduler/frame_skip.h), kept apart from
// admission and dispatch in scheduler.cc: a skipped job is issued an id,
// recorded and answered here without being placed.
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scheduler/scheduler.h"

namespace joule {

bool Scheduler::AdmitSkipped(JobSpec& spec, DoneCallback& done, JobId* id_out,
                             JobInfo* info_out) {
  if (spec.stream.empty() || spec.signal.empty() || spec.dry_run) return false;
  Pending p;
  {
    absl::MutexLock l(&mu_);
    const FrameSkipTunables& fs = tunables_.frame_skip;
    if (draining_ || !fs.enabled) return false;
    auto model = fs.models.find(spec.model);
    if (model == fs.models.end()) return false;
    const HeldFrame* held = frames_.Find(spec.model, spec.stream);
    if (held == nullptr) return false;
    const TimePoint now = clock_->Now();
    const FrameDecision d =
        DecideFrame(held->signal, spec.signal, model->second.threshold,
                    now - held->produced,
                    std::chrono::milliseconds(model->second.max_age_ms));
    spec.frame_change = d.change;
    if (!d.skip()) return false;

    JobInfo info;
    info.id = next_id_++;
    info.state = JobState::kCompleted;
    info.model = spec.model;
    info.priority_class = spec.priority_class;
    info.cost_estimated = spec.cost_estimated;
    info.skipped = true;
    info.reused_job = held->job_id;
    info.frame_change = d.change;
    info.submitted = now;
    info.finished = now;
    info.placement.explanation = absl::StrCat(
        "skipped: frame changed ", d.change, " <= threshold ",
        model->second.threshold, " since job ", held->job_id, " (ran on ",
        held->device, ", ", ToSeconds(now - held->produced) * 1e3,
        " ms ago); its result reused");
    if (id_out) *id_out = info.id;
    submitted_cv_.SignalAll();
    rejected_metrics_.jobs(JobState::kCompleted).Inc();
    metrics_.skipped.WithLabels({spec.model}).Inc();
    finished_.Add(info);  // before the outputs: the record keeps none
    info.outputs = FrameCache::Borrow(held->outputs);
    if (info_out) *info_out = info;
    p.done.emplace_back(std::move(done), std::move(info));
  }
  Run(std::move(p));
  return true;
}

void Scheduler::FinishFrameLocked(JobState state, JobSpec* spec,
                                  JobInfo* info) {
  if (spec->stream.empty()) return;
  info->frame_change = spec->frame_change;
  if (state != JobState::kCompleted || spec->signal.empty()) return;
  const FrameSkipTunables& fs = tunables_.frame_skip;
  if (!fs.enabled || fs.models.count(spec->model) == 0) return;
  HeldFrame held;
  held.job_id = info->id;
  held.produced = info->finished;
  held.signal = std::move(spec->signal);
  held.device = info->device;
  auto outputs =
      std::make_shared<std::vector<Tensor>>(std::move(info->outputs));
  info->outputs = FrameCache::Borrow(outputs);
  held.outputs = std::move(outputs);
  frames_.Remember(spec->model, spec->stream, std::move(held));
  metrics_.frame_streams.WithLabels({}).Set(frames_.size());
}

void Scheduler::ForgetModel(const std::string& model) {
  calibration_.ForgetModel(model);
  absl::MutexLock l(&mu_);
  frames_.ForgetModel(model);
  metrics_.frame_streams.WithLabels({}).Set(frames_.size());
}

}  // namespace joule
