// ModelExecutor: an Executor that runs ONNX models for real through a
// ModelRuntime (model_runtime.h; ONNX Runtime: onnxruntime/ort_runtime.h), and
// everything about it that does not depend on the runtime: the loaded models,
// one worker thread with its FIFO queue, cancelling, shutdown, busy time, and
// cost-only jobs handed to an owned SimulatedExecutor. Messages start with
// the runtime's Name() ("onnxruntime: model 'x' is not loaded").
//
// Models are loaded once each (LoadModel: the runtime's Load) and kept until
// UnloadModel. A model the runtime refuses fails LoadModel with the
// runtime's status, and SupportsModel() reports it to placement.
//
// Jobs: Start() queues the job to the executor's one worker thread (FIFO;
// the model runs there, never on the caller's thread) and returns. The worker
// hands the inputs to the model's Run() (which checks them against the
// model, failing the job INVALID_ARGUMENT naming the input) and calls `done`
// with the outputs in the model's output order, measured_time from the
// injected Clock (the whole Run() call), energy_j from the caller's power
// model (ModelExecutorOptions::energy_for) and simulated = false. A failing
// run fails that job only.
//
// A job that names no model (given only by a cost) is handed to a
// SimulatedExecutor the executor owns, so a real device still serves
// cost-only jobs exactly as a simulated one does: it holds the device for
// its predicted time on the clock (handed over inside Start() when the
// device is idle, else when the worker reaches it in the queue), then
// completes marked simulated with the predicted energy, `done` running on
// the clock's timer thread (ManualClock: inside Advance()). One of no
// predicted time completes during the hand-over, as SimulatedExecutor::Start
// completes it.
//
// Cancel() removes a queued job (true; its `done` never runs), stops a
// running cost-only job through the simulated executor (true unless its
// completion has begun), and cannot stop a running model (false). BusyTime()
// is the model jobs' time plus the simulated executor's. The destructor lets
// a running model finish, fails a running cost-only job and every queued job
// with CANCELLED and joins the worker: every accepted job gets `done`
// exactly once.
//
// Thread-safe: every method may be called from any thread. `done` runs on the
// worker thread (model jobs and jobs failed at shutdown) or the clock's timer
// thread (cost-only jobs; one of no predicted time: the thread handing it
// over, which is Start()'s caller on an idle device), without the executor's
// lock held, so it may call Start() (the scheduler dispatches the next job
// from it). LoadModel runs the runtime's Load on the calling thread,
// concurrently with jobs of other models. The clock must outlive the
// executor; as with SimulatedExecutor, destroying the executor must not race
// a cost-only completion already running on the timer thread, and must not
// happen inside a `done`.
#ifndef JOULE_EXECUTORS_MODEL_EXECUTOR_H_
#define JOULE_EXECUTORS_MODEL_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "devices/executor.h"
#include "executors/model_runtime.h"
#include "executors/simulated_executor.h"

namespace joule {

struct ModelExecutorOptions {
  // The energy of one run: the caller's power model times the measured
  // time, e.g. (static_power_w + pstates[pstate].dynamic_power_w) · t. It is
  // modelled, not measured: with RAPL present (powercap energy_uj) the
  // caller may difference the counter around the run instead; this is the
  // hook for that. Unset: energy_j = 0. Runs on the worker thread.
  std::function<double(Duration elapsed, int pstate)> energy_for;
  // A free-running energy counter in joules (e.g. RAPL package energy),
  // read on the worker thread right before and after each run. When set and
  // both reads succeed, energy_j is their difference and energy_measured is
  // true; otherwise energy_for's model is used.
  std::function<absl::StatusOr<double>()> energy_counter_j;
  // A job with no model (a cost-only submission) is simulated: it holds the
  // device for its predicted time on the clock and completes with the
  // predicted energy, marked simulated (see the top). False: such jobs fail
  // FAILED_PRECONDITION.
  bool simulate_cost_only_jobs = true;
  // Test and tracing hook: runs once a job is running (it left the queue; a
  // cost-only job has been handed to the simulated executor, so its
  // completion is on the clock), before its model runs; on the worker thread,
  // or for a cost-only job started by Start() on an idle device, on the
  // caller's thread. Without the executor's lock held.
  std::function<void(uint64_t job_id)> on_job_started;
};

class ModelExecutor : public Executor {
 public:
  // REQUIRES: clock and runtime non-null.
  ModelExecutor(Clock* clock, std::unique_ptr<ModelRuntime> runtime,
                ModelExecutorOptions options = {});
  ~ModelExecutor() override;

  ModelExecutor(const ModelExecutor&) = delete;
  ModelExecutor& operator=(const ModelExecutor&) = delete;

  // Loads `onnx_bytes` (a serialized onnx.ModelProto) under `name`.
  //   OK                   loaded; or already loaded with the same bytes
  //                        (nothing is imported twice)
  //   INVALID_ARGUMENT     empty name
  //   ALREADY_EXISTS       `name` is loaded with different bytes (unload
  //                        it first)
  //   otherwise            the runtime's refusal (ModelRuntime::Load)
  absl::Status LoadModel(const std::string& name,
                         const std::string& onnx_bytes);
  // As LoadModel, reading the bytes from `path` (at most 1 GiB); an
  // unreadable file is an error naming the path.
  absl::Status LoadModelFromFile(const std::string& name,
                                 const std::string& path);
  // Queued jobs of the model that start after this fail FAILED_PRECONDITION;
  // a running one finishes. Unknown names are ignored.
  void UnloadModel(const std::string& name);
  bool Supports(const std::string& name) const;
  std::vector<std::string> Models() const;
  // The loaded model; NOT_FOUND when it is not loaded.
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Model(
      const std::string& name) const;
  // The runtime's Name().
  const std::string& runtime_name() const { return runtime_name_; }

  // Executor.
  void Start(ExecRequest req, DoneCallback done) override;
  bool Cancel(uint64_t job_id) override;
  Duration BusyTime() const override;
  bool simulated() const override { return false; }
  // Loaded models; and the empty name (cost-only jobs) when
  // simulate_cost_only_jobs.
  bool SupportsModel(const std::string& model) const override;

  // Jobs accepted and not yet started.
  size_t QueuedJobs() const;

 private:
  struct Loaded {
    size_t bytes_size = 0;
    size_t bytes_hash = 0;  // with bytes_size, tells a reload of the same file
    std::shared_ptr<RuntimeModel> model;
  };
  struct Job {
    ExecRequest req;
    DoneCallback done;
  };
  // The job holding the device: a model job the worker runs, or a cost-only
  // job sim_ runs.
  struct Running {
    uint64_t job_id = 0;
    bool cost_only = false;
    // Model jobs: when the worker took it.
    TimePoint since{};
    // Cost-only jobs: tells this job's completion from another's.
    uint64_t seq = 0;
    // Cost-only jobs: claimed, and sim_.Start() has not returned yet.
    bool handing_over = false;
    // Cost-only jobs: the caller's, until sim_ completes the job.
    DoneCallback done;
  };

  // OK: `name` is loaded from bytes of this size and hash; NOT_FOUND: not
  // loaded; ALREADY_EXISTS: loaded from other bytes.
  absl::Status LoadedLocked(const std::string& name, size_t size,
                            size_t hash) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WorkerMain();
  bool WorkReadyLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // No cost-only job is on its way to sim_; Cancel() and the destructor wait
  // for it.
  bool NotHandingOverLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool SimulatesLocally(const ExecRequest& req) const {
    return req.model.empty() && options_.simulate_cost_only_jobs;
  }
  // Makes the cost-only job `job_id` the running one, to be handed over;
  // returns its seq.
  // REQUIRES: mu_ held, nothing running.
  uint64_t ClaimForCostOnlyLocked(uint64_t job_id, DoneCallback done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Starts the claimed cost-only job `seq` on sim_, then runs
  // on_job_started.
  // REQUIRES: mu_ not held.
  void HandOver(const ExecRequest& req, uint64_t seq) ABSL_LOCKS_EXCLUDED(mu_);
  // sim_'s `done` for the cost-only job claimed as `seq`.
  void CostOnlyDone(uint64_t seq, ExecResult&& result) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs a model job (or fails it) on the worker thread.
  ExecResult RunJob(const ExecRequest& req) ABSL_LOCKS_EXCLUDED(mu_);

  Clock* const clock_;
  const std::unique_ptr<ModelRuntime> runtime_;
  const std::string runtime_name_;
  const ModelExecutorOptions options_;
  // Runs the cost-only jobs, one at a time like everything here: it is
  // handed one only while nothing else runs.
  SimulatedExecutor sim_;

  mutable absl::Mutex mu_;
  std::map<std::string, Loaded> models_ ABSL_GUARDED_BY(mu_);
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<Running> running_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  // Finished model jobs; sim_ counts the cost-only ones.
  Duration busy_ ABSL_GUARDED_BY(mu_){0};

  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_MODEL_EXECUTOR_H_
