// ModelRuntime: the small contract between ModelExecutor (model_executor.h:
// the job queue, worker thread, cancelling, shutdown, cost-only jobs and the
// loaded-model bookkeeping) and an inference library that runs ONNX models
// on joule tensors. Implementation: OrtRuntime (ONNX Runtime,
// onnxruntime/ort_runtime.h); tests use fakes.
//
// Load() turns a model's bytes into a RuntimeModel the executor keeps until
// it is unloaded; a job holds its own reference while it runs, so unloading
// never races a run. Refusals are the runtime's own statuses, with its
// message (the executor passes them on unchanged).
//
// Thread-safety: Load() may be called from any thread, concurrently with
// itself and with Run() of other models. ModelExecutor calls a model's Run()
// from its one worker thread, one job at a time; a runtime may allow more.
#ifndef JOULE_EXECUTORS_MODEL_RUNTIME_H_
#define JOULE_EXECUTORS_MODEL_RUNTIME_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace joule {

// One loaded model.
class RuntimeModel {
 public:
  virtual ~RuntimeModel() = default;
  // Checks `inputs` against the model (INVALID_ARGUMENT naming the input
  // that does not fit) and runs it: one tensor per model output, in the
  // model's output order. A failing run is an error status; the model stays
  // usable for the next one.
  virtual absl::StatusOr<std::vector<Tensor>> Run(
      const std::vector<Tensor>& inputs) = 0;
};

class ModelRuntime {
 public:
  virtual ~ModelRuntime() = default;
  // Names the executor in its own messages, e.g. "onnxruntime".
  virtual std::string Name() const = 0;
  // Imports `onnx_bytes` (a serialized onnx.ModelProto) as model `name`
  // (used in messages). Never returns OK with a null model.
  virtual absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string& name, const std::string& onnx_bytes) = 0;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_MODEL_RUNTIME_H_
