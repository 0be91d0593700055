// Job: a submission as the scheduler sees it (JobSpec) and everything known
// about it afterwards (JobInfo), from admission to its one terminal state.
//
// Plain values; the Scheduler owns the live records under its lock.
#ifndef JOULE_SCHEDULER_JOB_H_
#define JOULE_SCHEDULER_JOB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"
#include "core/tensor.h"
#include "core/types.h"
#include "scheduler/frame_skip.h"
#include "scheduler/placement.h"

namespace joule {

using JobId = uint64_t;

// A validated submission.
struct JobSpec {
  std::string model;  // empty when the cost was given explicitly
  JobCost cost;
  uint32_t batch = 1;
  PriorityClass priority_class = PriorityClass::kInteractive;
  Preference preference = Preference::kBalanced;
  std::optional<TimePoint> deadline;
  std::vector<DeviceKind> allowed_kinds;  // empty: any
  bool dry_run = false;
  // Input tensors for a model run for real; moved into the ExecRequest at
  // dispatch.
  std::vector<Tensor> inputs;
  // `cost` was scaled from another input shape of the model, not analysed
  // at the job's own (models/model_registry.h, CostFor).
  bool cost_estimated = false;
  // The stream the job's input comes from (empty: none) and how its frame
  // compares with the stream's earlier ones (scheduler/frame_skip.h).
  std::string stream;
  FrameSignal signal;
  // Set by the scheduler at admission: the change against the stream's held
  // frame, when it had one.
  std::optional<double> frame_change;
  // PlacementRequest::explain: false leaves JobInfo::placement.explanation
  // empty for a placed job (a rejection's is always written).
  bool explain_placement = true;
};

struct JobInfo {
  JobId id = 0;
  JobState state = JobState::kQueued;
  std::string model;
  PriorityClass priority_class = PriorityClass::kInteractive;
  // The device the job was placed on (last one, after any migration).
  std::string device;
  DeviceKind kind = DeviceKind::kCpu;
  int pstate = 0;
  uint64_t freq_khz = 0;
  // Prediction at placement, replaced by the one at dispatch.
  std::optional<Estimate> predicted;
  double measured_time_s = 0;
  double measured_energy_j = 0;
  // measured_energy_j read from an energy counter (RAPL), not modelled.
  bool energy_measured = false;
  double queue_time_s = 0;
  bool simulated = false;
  bool cost_estimated = false;  // JobSpec::cost_estimated
  Placement placement;
  absl::Status error;  // why it did not complete
  // The model's outputs when it ran for real; handed to the DoneCallback
  // only, not kept for GetJob.
  std::vector<Tensor> outputs;
  // Frame skipping: the job did not run; `outputs` are those of job
  // `reused_job`, whose frame changed by `frame_change` up to this one.
  bool skipped = false;
  JobId reused_job = 0;
  // The change measured against the stream's held frame, when there was
  // one (skipped or not).
  std::optional<double> frame_change;
  TimePoint submitted{};
  TimePoint finished{};
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_JOB_H_
