#include "sim/simulator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "executors/simulated_device.h"
#include "governor/governor.h"
#include "scheduler/scheduler.h"
#include "sim/engine.h"
#include "sim/frames.h"
#include "telemetry/metrics.h"

namespace joule {
namespace {

class Simulation {
 public:
  explicit Simulation(const SimRunConfig& c);
  RunResult Run();

 private:
  // Arrival event: submits every trace arrival due now, arms the next.
  void SubmitDue();
  void Submit(const Arrival& a);
  void OnDone(size_t index, const JobInfo& info);
  // Closed loop: one query outstanding.
  void IssueNext();
  // Governor event; false ends the run.
  bool Tick();
  int DeviceIndex(const std::string& name) const;

  const SimRunConfig& config_;
  const Duration period_;
  EventEngine engine_;
  Registry registry_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Governor> governor_;
  std::optional<SingleStreamSource> single_stream_;
  RunResult result_;
  size_t next_arrival_ = 0;
  size_t live_ = 0;  // accepted, not yet terminal
  bool stop_ = false;
};

Simulation::Simulation(const SimRunConfig& c)
    : config_(c),
      period_(std::chrono::milliseconds(
          std::max<uint32_t>(1, c.policy.governor.period_ms))) {
  // One thermal network for the SoC's devices when the profile has one.
  absl::StatusOr<std::shared_ptr<ThermalNetwork>> thermal =
      ThermalNetwork::ForDevices(c.devices, engine_.clock());
  if (!thermal.ok()) {
    std::fprintf(stderr, "joule-sim: %s\n",
                 thermal.status().ToString().c_str());
    std::abort();  // the profile loader validated it
  }
  std::vector<Device*> raw;
  for (const DeviceSpec& spec : c.devices) {
    devices_.push_back(
        MakeSimulatedDevice(spec, engine_.clock(), kNoExecutionProvider,
                            spec.soc_thermal ? *thermal : nullptr));
    raw.push_back(devices_.back().get());
    DeviceRun d;
    d.spec = spec;
    d.max_temp_mc = static_cast<int32_t>(spec.ambient_c * 1000);
    result_.devices.push_back(std::move(d));
  }
  // Nothing in a run asks the scheduler for a finished job (GetJob): it
  // need not keep a copy of each one's record.
  SchedulerTunables scheduler_tunables = SchedulerTunablesFor(c.policy);
  scheduler_tunables.max_finished_jobs = 0;
  scheduler_ = std::make_unique<Scheduler>(engine_.clock(), raw,
                                           scheduler_tunables, &registry_);
  governor_ = std::make_unique<Governor>(
      engine_.clock(), raw, c.policy.governor, c.policy.thermal, &registry_,
      [this](const Device& d) { scheduler_->OnDeviceChanged(d); });
  governor_->SetDeadlineFloors([this] { return scheduler_->DeadlineFloors(); });
  governor_->SetPowerTunables(c.policy.power);
  result_.power_cap_w = c.policy.power.cap_w;
  result_.power_tolerance_pct = c.policy.power.tolerance_pct;
  if (c.trace.closed_loop) {
    single_stream_.emplace(c.models, c.trace.closed_loop_seed);
  }
  result_.label = c.label;
  result_.placement = c.policy.scheduler.placement;
  result_.governor = c.policy.governor.policy;
  result_.duration = c.duration;
  if (!c.trace.closed_loop) {
    // At most one record per arrival: no regrowth while the run goes on.
    result_.jobs.reserve(c.trace.arrivals.size());
    result_.issued.reserve(c.trace.arrivals.size());
  }
}

RunResult Simulation::Run() {
  engine_.Every(period_, period_, [this] { return Tick(); });
  if (single_stream_) {
    engine_.At(Duration{0}, [this] { IssueNext(); });
  } else if (!config_.trace.arrivals.empty()) {
    engine_.At(config_.trace.arrivals.front().time, [this] { SubmitDue(); });
  }
  engine_.RunUntilTrue([this] { return stop_; });
  result_.end = engine_.Now();
  for (size_t i = 0; i < devices_.size(); ++i) {
    result_.devices[i].energy_j = devices_[i]->state().last_reading.energy_j;
    result_.devices[i].idle = devices_[i]->idle_residency();
  }
  return std::move(result_);
}

void Simulation::SubmitDue() {
  const std::vector<Arrival>& arrivals = config_.trace.arrivals;
  const Duration now = engine_.Now();
  while (next_arrival_ < arrivals.size() &&
         arrivals[next_arrival_].time <= now &&
         arrivals[next_arrival_].time < config_.duration) {
    Submit(arrivals[next_arrival_++]);
  }
  if (next_arrival_ < arrivals.size() &&
      arrivals[next_arrival_].time < config_.duration) {
    engine_.At(arrivals[next_arrival_].time, [this] { SubmitDue(); });
  } else {
    next_arrival_ = arrivals.size();  // the rest fall after the window
  }
}

void Simulation::IssueNext() {
  if (engine_.Now() >= config_.duration) return;
  Submit(single_stream_->Next(engine_.Now()));
}

void Simulation::Submit(const Arrival& a) {
  const ModelSpec& m = config_.models[a.model];
  JobSpec spec;
  spec.model = m.name;
  spec.cost = m.cost;
  spec.batch = a.batch;
  spec.priority_class = a.priority_class;
  spec.allowed_kinds = m.allowed_kinds;
  if (m.frames && a.scene != 0) {
    spec.stream = m.name;  // one camera per model
    spec.signal = FrameSignalFor(*m.frames, a.scene, a.frame);
  }
  spec.explain_placement = false;  // no report shows it; formatting is costly
  if (a.deadline_ms > 0) {
    spec.deadline =
        engine_.clock()->Now() + SecondsToDuration(a.deadline_ms / 1e3);
  }
  const size_t index = result_.jobs.size();
  JobRecord r;
  r.model = a.model;
  r.priority_class = a.priority_class;
  r.deadline_ms = a.deadline_ms;
  r.submitted = engine_.Now();
  result_.jobs.push_back(r);
  result_.issued.push_back(a);
  result_.issued.back().time = engine_.Now();
  ++live_;  // before Submit: `done` may run inside it
  // Enqueue, not Submit: the outcome arrives through `done`, so the JobInfo
  // need not be copied out.
  const absl::Status admitted = scheduler_->Enqueue(
      std::move(spec), [this, index](const JobInfo& i) { OnDone(index, i); });
  if (!admitted.ok()) {
    --live_;
    JobRecord& rec = result_.jobs[index];
    rec.state = JobState::kRejected;
    rec.rejection = admitted.code();
    rec.finished = engine_.Now();
    if (single_stream_) engine_.At(engine_.Now(), [this] { IssueNext(); });
  }
}

void Simulation::OnDone(size_t index, const JobInfo& info) {
  --live_;
  JobRecord& r = result_.jobs[index];
  r.state = info.state;
  r.finished = info.finished - engine_.start();
  r.skipped = info.skipped;
  if (info.measured_time_s > 0 || info.state == JobState::kCompleted) {
    r.device = DeviceIndex(info.device);
    r.pstate = info.pstate;
    r.exec_s = info.measured_time_s;
    r.energy_j = info.measured_energy_j;
    if (r.device >= 0) {
      const DeviceSpec& spec = result_.devices[r.device].spec;
      r.dynamic_j = spec.pstates[r.pstate].dynamic_power_w * r.exec_s;
    }
  }
  if (single_stream_) engine_.At(engine_.Now(), [this] { IssueNext(); });
}

int Simulation::DeviceIndex(const std::string& name) const {
  for (size_t i = 0; i < result_.devices.size(); ++i) {
    if (result_.devices[i].spec.name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Simulation::Tick() {
  governor_->Tick();
  const Duration now = engine_.Now();
  const std::vector<Scheduler::DeviceLoad> loads = scheduler_->Loads();
  for (size_t i = 0; i < devices_.size(); ++i) {
    const DeviceState st = devices_[i]->state();
    DeviceRun& d = result_.devices[i];
    DeviceSample s;
    s.t = now;
    s.pstate = st.pstate;
    s.temp_mc = st.last_reading.temp_mc;
    s.utilization = st.last_reading.utilization;
    s.power_w = st.last_reading.power_w;
    s.queued = static_cast<uint32_t>(loads[i].queued);
    s.throttled = st.throttled;
    s.critical = st.critical;
    const int before =
        d.samples.empty() ? d.spec.max_pstate() : d.samples.back().pstate;
    if (s.pstate != before) ++d.transitions;
    if (s.throttled) d.throttled += period_;
    d.max_temp_mc = std::max(d.max_temp_mc, s.temp_mc);
    d.samples.push_back(s);
  }
  const bool arrivals_done =
      single_stream_ ? now >= config_.duration
                     : next_arrival_ >= config_.trace.arrivals.size();
  if (now >= config_.duration && arrivals_done && live_ == 0) {
    stop_ = true;
    return false;
  }
  if (now >= config_.duration + config_.drain_limit) {
    result_.drained = false;
    scheduler_->CancelAll();
    stop_ = true;
    return false;
  }
  return true;
}

}  // namespace

RunResult RunSimulation(const SimRunConfig& config) {
  Simulation sim(config);
  return sim.Run();
}

}  // namespace joule
