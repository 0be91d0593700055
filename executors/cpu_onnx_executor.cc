#include "executors/cpu_onnx_executor.h"

#include <memory>
#include <utility>

namespace joule {
namespace {

CpuOnnxRuntimeOptions RuntimeOptions(const CpuOnnxExecutorOptions& o) {
  CpuOnnxRuntimeOptions r;
  r.num_threads = o.num_threads;
  r.warm_up_on_load = o.warm_up_on_load;
  r.fusion = o.fusion;
  return r;
}

ModelExecutorOptions ExecutorOptions(CpuOnnxExecutorOptions o) {
  ModelExecutorOptions e;
  e.energy_for = std::move(o.energy_for);
  e.simulate_cost_only_jobs = o.simulate_cost_only_jobs;
  e.on_job_started = std::move(o.on_job_started);
  return e;
}

}  // namespace

CpuOnnxExecutor::CpuOnnxExecutor(Clock* clock, CpuOnnxExecutorOptions options)
    : ModelExecutor(clock,
                    std::make_unique<CpuOnnxRuntime>(RuntimeOptions(options)),
                    ExecutorOptions(options)) {}

absl::StatusOr<CpuOnnxModelInfo> CpuOnnxExecutor::Info(
    const std::string& name) const {
  absl::StatusOr<std::shared_ptr<RuntimeModel>> model = Model(name);
  if (!model.ok()) return model.status();
  // Every model here came from the CpuOnnxRuntime this executor made.
  return static_cast<const CpuOnnxModel&>(**model).info();
}

}  // namespace joule
