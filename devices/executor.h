// Executor: runs a job on one device. The scheduler hands it one job at a
// time per device and is told once when the job is done.
//
// Implementations: SimulatedExecutor (charges the cost model's time on the
// injected Clock, no thread blocked per job; ignores models and tensors),
// CpuOnnxExecutor (runs ONNX models on the host CPU with OpenCV DNN); tests
// use fakes.
// Thread-safety: implementations must be safe to call from any thread; `done`
// may run on any thread (for simulated devices, the clock's timer thread).
#ifndef JOULE_DEVICES_EXECUTOR_H_
#define JOULE_DEVICES_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"
#include "core/tensor.h"
#include "devices/idle.h"

namespace joule {

struct ExecRequest {
  uint64_t job_id = 0;
  int pstate = 0;
  // The cost model's prediction at `pstate`; a simulated executor charges
  // exactly these.
  Duration predicted_time{0};
  double predicted_energy_j = 0;
  // The registered model to run, empty for a job given only by its cost. An
  // executor that runs models for real needs it (and `inputs`); a simulated
  // one ignores both.
  std::string model;
  // One tensor per model input, matched by name. Usually borrowed from the
  // Submit request (core/tensor.h): each holds what keeps its bytes alive.
  std::vector<Tensor> inputs;
};

struct ExecResult {
  absl::Status status;  // non-OK: the job failed on the device
  Duration measured_time{0};
  double energy_j = 0;
  // True when the time and energy come from the model, not hardware.
  bool simulated = false;
  // True when energy_j was measured (a RAPL counter read around the run);
  // false when it is modelled (power model × measured time).
  bool energy_measured = false;
  // The model's outputs, in the model's output order; empty for simulated
  // runs and failed jobs.
  std::vector<Tensor> outputs;
};

class Executor {
 public:
  // Takes the result, so its outputs move on without a copy (a callback
  // taking `const ExecResult&` works too).
  using DoneCallback = std::function<void(ExecResult&&)>;
  virtual ~Executor() = default;

  // Starts the job; `done` runs exactly once unless Cancel() returns true.
  // The request is the executor's (moved in: its tensors are not copied).
  virtual void Start(ExecRequest req, DoneCallback done) = 0;
  // Stops a started job. True means `done` will never run for it.
  virtual bool Cancel(uint64_t job_id) = 0;
  // Total time spent running jobs so far, including the running one up to
  // now: utilisation sensors difference it.
  virtual Duration BusyTime() const = 0;
  virtual bool simulated() const = 0;
  // False when a job naming `model` would fail here because the executor
  // cannot run that model (e.g. OpenCV cannot import it), so placement can
  // treat the device as infeasible for it. A simulated executor charges the
  // cost model for any model: the default says true.
  virtual bool SupportsModel(const std::string& model) const { return true; }
  // Idle states (devices/idle.h). An executor that models them (the
  // simulated one) enters them between jobs as `policy` says, delays a job
  // that arrives at a sleeping device by the state's exit latency, and
  // reports where its idle time went; the defaults ignore the policy and
  // report no idle states, so the device always draws static power.
  virtual void SetIdlePolicy(const IdlePolicy& policy) {}
  virtual IdleResidency IdleTime() const { return {}; }
  // The idle state it is in now (an index into DeviceSpec::idle_states), or
  // -1 when awake or not modelling them. Cheap: placement asks per job.
  virtual int CurrentIdleState() const { return -1; }
};

}  // namespace joule

#endif  // JOULE_DEVICES_EXECUTOR_H_
