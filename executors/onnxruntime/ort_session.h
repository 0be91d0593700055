// OrtSession: one ONNX model loaded into ONNX Runtime (ort_library.h), ready
// to run on joule tensors.
//
// Create() builds ORT session options from OrtSessionConfig (intra-op
// threads, parallel execution and its inter-op threads, graph optimisation
// level, optionally one execution provider ahead of ORT's CPU provider),
// creates the session from the model's bytes (ORT parses and copies what it
// needs; the bytes need not outlive the call) and reads the model's inputs and
// outputs: names, element types and shapes, dynamic dims as -1. Refusals:
//   - a provider the library cannot add: FAILED_PRECONDITION "provider 'CUDA'
//     not available in <path>: <ORT's message> (this build lists: ...)";
//   - a model ORT refuses (not ONNX, unknown operator, bad graph, ...):
//     INVALID_ARGUMENT "onnxruntime refused model 'name': <ORT's message>";
//   - an input or output that is not a tensor, or a tensor of an element
//     type outside ort_api.h (double, string, ...): INVALID_ARGUMENT naming
//     it.
//
// Run() checks the inputs (ort_tensor.h MatchInputs: matched by name,
// dtype, rank, static dims and byte size, INVALID_ARGUMENT naming the input),
// wraps each input's bytes as an ORT tensor without copying them
// (CreateTensorWithDataAsOrtValue over Tensor::bytes, which must stay
// unchanged for the call), runs the model, and returns one Tensor per
// output, in the model's output order, without copying any
// (docs/ARCHITECTURE.md, "Tensor bytes"):
//   - an output whose declared shape is static (every dim > 0) is written by
//     ORT into a string of its exact size that the Tensor then owns (a
//     pre-allocated output value over it), so it can move on into a reply;
//   - any other output is the value ORT allocated, borrowed by the Tensor,
//     which holds the value until it is destroyed.
// A model whose declared output shape is wrong at run time makes ORT refuse
// the pre-allocated buffer: the run is repeated with ORT's own outputs and,
// if that succeeds, the session stops pre-allocating. An ORT error during
// the run returns ORT's status (OrtLibrary::ToStatus) prefixed with the
// model; the session stays usable.
//
// Thread-safe: Run() may be called from any number of threads at once (ORT
// sessions allow concurrent Run; each call has its own run options and
// values). inputs()/outputs() never change after Create. Destroying the
// session must not race a Run.
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_SESSION_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_SESSION_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/policy.h"
#include "core/tensor.h"
#include "executors/onnxruntime/ort_api.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_tensor.h"

namespace joule {

struct OrtSessionConfig {
  // Threads of the session's intra-op pool (parallelism inside one
  // operator), counting the thread that calls Run: 1 runs on the caller
  // only; 0 is ORT's default (one per physical core). Must be >= 0.
  int intra_op_threads = 0;
  // Whether idle pool threads spin before they sleep (ORT's
  // session.intra_op.allow_spinning and session.inter_op.allow_spinning;
  // ORT's default: true).
  bool allow_spinning = true;
  // Run independent nodes of the graph concurrently, on an inter-op pool of
  // inter_op_threads threads (0: ORT's default). Off (ORT's default): nodes
  // run one after another and inter_op_threads is unused. Must be >= 0.
  bool parallel_execution = false;
  int inter_op_threads = 0;
  // core/policy.h: the policy file's executors.onnxruntime.graph_optimization.
  GraphOptimization graph_optimization = GraphOptimization::kAll;
  // An execution provider to put ahead of ORT's CPU provider, which runs
  // every node the provider does not take. Empty: CPU only. "CUDA" and
  // "TensorRT" (any case, or ORT's "CUDAExecutionProvider" and
  // "TensorrtExecutionProvider") go through their dedicated entries; any
  // other name through ORT's by-name entry, as ORT spells it ("XNNPACK",
  // "OpenVINO", "QNN", ...).
  std::string provider;
  // Key/value options for the provider (e.g. {"device_id", "1"} for CUDA);
  // ORT checks them.
  std::vector<std::pair<std::string, std::string>> provider_options;
};

// Builds ORT session options from `config` as Create() does and drops them:
// OK when a session with this configuration can be created for a model ORT
// takes; otherwise Create()'s refusal (a provider the library cannot add is
// FAILED_PRECONDITION "provider 'CUDA' not available in <path>: ..."). The
// daemon checks each device's provider once at start-up with it.
absl::Status OrtCheckSessionConfig(const OrtLibrary& library,
                                   const OrtSessionConfig& config);

class OrtSession {
 public:
  // `name` names the model in messages.
  static absl::StatusOr<std::unique_ptr<OrtSession>> Create(
      std::shared_ptr<const OrtLibrary> library, std::string name,
      absl::string_view model_bytes, const OrtSessionConfig& config);

  ~OrtSession();
  OrtSession(const OrtSession&) = delete;
  OrtSession& operator=(const OrtSession&) = delete;

  const std::string& name() const { return name_; }
  // In the model's order.
  const std::vector<OrtTensorInfo>& inputs() const { return inputs_; }
  const std::vector<OrtTensorInfo>& outputs() const { return outputs_; }

  // One output tensor per model output, in the model's order (see the top).
  absl::StatusOr<std::vector<Tensor>> Run(
      absl::Span<const Tensor> inputs) const;

 private:
  OrtSession(std::shared_ptr<const OrtLibrary> library, std::string name);

  // Reads the model's inputs (`input` true) or outputs into inputs_/outputs_.
  absl::Status Describe(bool input);
  // One ORT-allocated output value as a Tensor named `name` that borrows it;
  // takes `value` (released once the Tensor and its copies are gone).
  absl::StatusOr<Tensor> ToTensor(const std::string& name,
                                  ort::Value* value) const;
  // One ORT run; `outputs` are pre-allocated values or null (ORT allocates
  // those). Returns ORT's status (nullptr: OK).
  ort::Status* RunOnce(const std::vector<const ort::Value*>& inputs,
                       std::vector<ort::Value*>* outputs) const;

  const std::shared_ptr<const OrtLibrary> lib_;
  const std::string name_;
  ort::Session* session_ = nullptr;
  ort::MemoryInfo* cpu_memory_ = nullptr;  // where input bytes live
  std::vector<OrtTensorInfo> inputs_;
  std::vector<OrtTensorInfo> outputs_;
  // c_str() of each name, as Run takes them.
  std::vector<const char*> input_names_;
  std::vector<const char*> output_names_;
  // Per output: its byte size when its declared shape is static (every dim
  // > 0), else 0 (ORT allocates it).
  std::vector<size_t> static_output_bytes_;
  // Cleared once ORT refused a pre-allocated output (see the top).
  mutable std::atomic<bool> preallocate_outputs_{true};
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_SESSION_H_
