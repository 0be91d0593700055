#include "executors/model_executor.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace joule {

ModelExecutor::ModelExecutor(Clock* clock,
                             std::unique_ptr<ModelRuntime> runtime,
                             ModelExecutorOptions options)
    : clock_(clock),
      runtime_(std::move(runtime)),
      runtime_name_(runtime_->Name()),
      options_(std::move(options)),
      sim_(clock) {
  worker_ = std::thread([this] { WorkerMain(); });
}

ModelExecutor::~ModelExecutor() {
  DoneCallback cancelled;
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
    // The worker may be handing a cost-only job to sim_: let it arrive there.
    mu_.Await(absl::Condition(this, &ModelExecutor::NotHandingOverLocked));
    if (running_ && running_->cost_only && sim_.Cancel(running_->job_id)) {
      cancelled = std::move(running_->done);
      running_.reset();
    }
  }
  if (cancelled) {  // before the join: it may Start() a job the worker fails
    ExecResult r;
    r.status = absl::CancelledError(absl::StrCat(
        runtime_name_,
        " executor shut down while the cost-only job was running"));
    cancelled(std::move(r));
  }
  worker_.join();
}

absl::Status ModelExecutor::LoadedLocked(const std::string& name, size_t size,
                                         size_t hash) const {
  auto it = models_.find(name);
  if (it == models_.end()) return absl::NotFoundError("");
  if (it->second.bytes_size == size && it->second.bytes_hash == hash) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(absl::StrCat(
      runtime_name_, ": model '", name,
      "' is already loaded from different bytes; unload it first"));
}

absl::Status ModelExecutor::LoadModel(const std::string& name,
                                      const std::string& onnx_bytes) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(runtime_name_, ": a model needs a name"));
  }
  Loaded loaded;
  loaded.bytes_size = onnx_bytes.size();
  loaded.bytes_hash = std::hash<std::string_view>()(onnx_bytes);
  {
    absl::MutexLock l(&mu_);
    if (absl::Status s =
            LoadedLocked(name, loaded.bytes_size, loaded.bytes_hash);
        !absl::IsNotFound(s)) {
      return s;
    }
  }
  // Without mu_: importing may take long, and jobs of other models go on.
  absl::StatusOr<std::shared_ptr<RuntimeModel>> model =
      runtime_->Load(name, onnx_bytes);
  if (!model.ok()) return model.status();
  loaded.model = *std::move(model);

  absl::MutexLock l(&mu_);
  if (absl::Status s = LoadedLocked(name, loaded.bytes_size, loaded.bytes_hash);
      !absl::IsNotFound(s)) {
    return s;  // loaded meanwhile by another caller
  }
  models_.emplace(name, std::move(loaded));
  return absl::OkStatus();
}

absl::Status ModelExecutor::LoadModelFromFile(const std::string& name,
                                              const std::string& path) {
  constexpr std::streamoff kMaxBytes = std::streamoff{1} << 30;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return absl::Status(absl::ErrnoToStatusCode(errno),
                        absl::StrCat(runtime_name_, ": model '", name,
                                     "': ", path, ": ", std::strerror(errno)));
  }
  const std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(runtime_name_, ": model '", name, "': ", path,
                     " is not a regular file of at most 1 GiB"));
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) {
    return absl::DataLossError(absl::StrCat(runtime_name_, ": model '", name,
                                            "': short read from ", path));
  }
  return LoadModel(name, bytes);
}

void ModelExecutor::UnloadModel(const std::string& name) {
  absl::MutexLock l(&mu_);
  models_.erase(name);  // a running job holds its own reference
}

bool ModelExecutor::Supports(const std::string& name) const {
  absl::MutexLock l(&mu_);
  return models_.count(name) > 0;
}

bool ModelExecutor::SupportsModel(const std::string& model) const {
  if (model.empty()) return options_.simulate_cost_only_jobs;
  return Supports(model);
}

std::vector<std::string> ModelExecutor::Models() const {
  absl::MutexLock l(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, m] : models_) names.push_back(name);
  return names;
}

absl::StatusOr<std::shared_ptr<RuntimeModel>> ModelExecutor::Model(
    const std::string& name) const {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(
        absl::StrCat(runtime_name_, ": model '", name, "' is not loaded"));
  }
  return it->second.model;
}

void ModelExecutor::Start(ExecRequest req, DoneCallback done) {
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    if (!(SimulatesLocally(req) && !running_ && queue_.empty() && !stop_)) {
      queue_.push_back(Job{std::move(req), std::move(done)});
      return;
    }
    // An idle device hands a cost-only job over here, so its completion is
    // on the clock before Start() returns, as with SimulatedExecutor.
    seq = ClaimForCostOnlyLocked(req.job_id, std::move(done));
  }
  HandOver(req, seq);
}

uint64_t ModelExecutor::ClaimForCostOnlyLocked(uint64_t job_id,
                                               DoneCallback done) {
  Running r;
  r.job_id = job_id;
  r.seq = next_seq_++;
  r.cost_only = true;
  r.handing_over = true;
  r.done = std::move(done);
  running_ = std::move(r);
  return running_->seq;
}

void ModelExecutor::HandOver(const ExecRequest& req, uint64_t seq) {
  // Without mu_ held: sim_ completes a job of no predicted time inside
  // Start(), and CostOnlyDone takes mu_.
  sim_.Start(req,
             [this, seq](ExecResult&& r) { CostOnlyDone(seq, std::move(r)); });
  {
    absl::MutexLock l(&mu_);
    if (running_ && running_->seq == seq) running_->handing_over = false;
  }
  if (options_.on_job_started) options_.on_job_started(req.job_id);
}

void ModelExecutor::CostOnlyDone(uint64_t seq, ExecResult&& result) {
  DoneCallback done;
  {
    absl::MutexLock l(&mu_);
    if (!running_ || running_->seq != seq) {
      // A broken invariant: sim_ completes only the job it was handed, and
      // never one it cancelled.
      std::fprintf(stderr,
                   "ModelExecutor: a cost-only completion for a job that "
                   "is not running\n");
      std::abort();
    }
    done = std::move(running_->done);
    running_.reset();  // the worker takes the next queued job
  }
  if (done) done(std::move(result));
}

bool ModelExecutor::Cancel(uint64_t job_id) {
  absl::MutexLock l(&mu_);
  // A cost-only job on its way to sim_ is cancelled there once it arrives.
  mu_.Await(absl::Condition(this, &ModelExecutor::NotHandingOverLocked));
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [&](const Job& j) { return j.req.job_id == job_id; });
  if (it != queue_.end()) {
    queue_.erase(it);
    return true;
  }
  if (!running_ || running_->job_id != job_id || !running_->cost_only) {
    return false;  // a model runs to the end; finished or unknown
  }
  // False: sim_ has begun completing it, and CostOnlyDone will call `done`.
  if (!sim_.Cancel(job_id)) return false;
  running_.reset();
  return true;
}

Duration ModelExecutor::BusyTime() const {
  Duration models{0};
  {
    absl::MutexLock l(&mu_);
    models = busy_;
    if (running_ && !running_->cost_only) {
      models += std::max(clock_->Now() - running_->since, Duration{0});
    }
  }
  return models + sim_.BusyTime();
}

size_t ModelExecutor::QueuedJobs() const {
  absl::MutexLock l(&mu_);
  return queue_.size();
}

bool ModelExecutor::WorkReadyLocked() const {
  return stop_ || (!queue_.empty() && !running_);
}

bool ModelExecutor::NotHandingOverLocked() const {
  return !running_ || !running_->handing_over;
}

void ModelExecutor::WorkerMain() {
  for (;;) {
    Job job;
    std::deque<Job> cancelled;
    bool stopping = false;
    std::optional<uint64_t> cost_only_seq;
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(this, &ModelExecutor::WorkReadyLocked));
      if (stop_) {
        stopping = true;
        cancelled.swap(queue_);
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
        if (SimulatesLocally(job.req)) {
          cost_only_seq =
              ClaimForCostOnlyLocked(job.req.job_id, std::move(job.done));
        } else {
          Running r;
          r.job_id = job.req.job_id;
          r.since = clock_->Now();
          running_ = std::move(r);
        }
      }
    }
    if (stopping) {
      if (cancelled.empty()) return;
      ExecResult r;
      r.status = absl::CancelledError(absl::StrCat(
          runtime_name_, " executor shut down before the job started"));
      for (Job& j : cancelled) {
        if (j.done) j.done(ExecResult(r));
      }
      continue;  // a `done` may have started another job: fail it too
    }
    if (cost_only_seq) {
      HandOver(job.req, *cost_only_seq);  // sim_ completes it
      continue;
    }
    if (options_.on_job_started) options_.on_job_started(job.req.job_id);
    ExecResult result = RunJob(job.req);
    {
      absl::MutexLock l(&mu_);
      busy_ += std::max(clock_->Now() - running_->since, Duration{0});
      running_.reset();
    }
    if (job.done) job.done(std::move(result));
  }
}

ExecResult ModelExecutor::RunJob(const ExecRequest& req) {
  ExecResult r;
  r.simulated = false;
  if (req.model.empty()) {
    r.status = absl::FailedPreconditionError(
        absl::StrCat(runtime_name_,
                     " runs models: the job names none (it has only a cost)"));
    return r;
  }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> model = Model(req.model);
  if (!model.ok()) {
    r.status = absl::FailedPreconditionError(model.status().message());
    return r;
  }
  absl::StatusOr<double> counter_before =
      options_.energy_counter_j
          ? options_.energy_counter_j()
          : absl::StatusOr<double>(absl::UnavailableError("no energy counter"));
  const TimePoint start = clock_->Now();
  absl::StatusOr<std::vector<Tensor>> outputs = (*model)->Run(req.inputs);
  r.measured_time = std::max(clock_->Now() - start, Duration{0});
  absl::StatusOr<double> counter_after =
      counter_before.ok() ? options_.energy_counter_j() : counter_before;
  if (outputs.ok()) {
    r.outputs = *std::move(outputs);
  } else {
    r.status = outputs.status();
  }
  if (counter_after.ok() && *counter_after >= *counter_before) {
    r.energy_j = *counter_after - *counter_before;
    r.energy_measured = true;
  } else {
    r.energy_j = options_.energy_for
                     ? options_.energy_for(r.measured_time, req.pstate)
                     : 0;
  }
  return r;
}

}  // namespace joule
