// OrtRuntime: ONNX Runtime as a ModelRuntime (executors/model_runtime.h), so
// a ModelExecutor (executors/model_executor.h) runs models on it with the
// the executor's queue, cancelling, shutdown and cost-only jobs.
//
// Load() creates one OrtSession (ort_session.h) per model, with the library
// and session configuration given at construction; a model ORT refuses fails
// with OrtSession::Create's status (INVALID_ARGUMENT "onnxruntime refused
// model 'x': <ORT's message>", or the provider's refusal). A model's Run() is
// OrtSession::Run: inputs checked against the model (INVALID_ARGUMENT naming
// the input), outputs in the model's order, an ORT error during the run
// returned as a status with the session still usable.
//
// Thread-safe: Load() and every model's Run() may be called from any thread,
// concurrently (ORT sessions allow concurrent runs). The library stays loaded
// while the runtime or any model it loaded lives.
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_RUNTIME_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_RUNTIME_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "executors/model_runtime.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_session.h"

namespace joule {

class OrtRuntime final : public ModelRuntime {
 public:
  // REQUIRES: library non-null.
  OrtRuntime(std::shared_ptr<const OrtLibrary> library,
             OrtSessionConfig config = {});

  std::string Name() const override { return "onnxruntime"; }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string& name, const std::string& onnx_bytes) override;

 private:
  const std::shared_ptr<const OrtLibrary> library_;
  const OrtSessionConfig config_;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_RUNTIME_H_
