// CpuOnnxExecutor: the `cpu_onnx` executor of docs/ARCHITECTURE.md
// ("Devices"): a ModelExecutor (model_executor.h: the queue, worker thread,
// cancelling, shutdown and cost-only jobs, all documented there) over
// CpuOnnxRuntime (cpu_onnx_runtime.h: ONNX models on the host CPU with OpenCV
// DNN, the refusals and the fusion workaround), with one options struct for
// both and the OpenCV view of a loaded model (Info).
//
// Thread-safe, as ModelExecutor.
#ifndef JOULE_EXECUTORS_CPU_ONNX_EXECUTOR_H_
#define JOULE_EXECUTORS_CPU_ONNX_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "executors/cpu_onnx_runtime.h"
#include "executors/model_executor.h"

namespace joule {

// ModelExecutorOptions and CpuOnnxRuntimeOptions in one (see each there).
struct CpuOnnxExecutorOptions {
  // CpuOnnxRuntimeOptions.
  int num_threads = 0;
  bool warm_up_on_load = true;
  CpuOnnxFusion fusion = CpuOnnxFusion::kAuto;
  // ModelExecutorOptions.
  std::function<double(Duration elapsed, int pstate)> energy_for;
  bool simulate_cost_only_jobs = true;
  std::function<void(uint64_t job_id)> on_job_started;
};

class CpuOnnxExecutor final : public ModelExecutor {
 public:
  // REQUIRES: clock non-null.
  explicit CpuOnnxExecutor(Clock* clock, CpuOnnxExecutorOptions options = {});

  // What the graph declares and whether OpenCV fuses it; NOT_FOUND when the
  // model is not loaded.
  absl::StatusOr<CpuOnnxModelInfo> Info(const std::string& name) const;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_CPU_ONNX_EXECUTOR_H_
