// CpuOnnxRuntime: the ModelRuntime (model_runtime.h) of the `cpu_onnx`
// executor of docs/ARCHITECTURE.md ("Devices"): ONNX models on the host CPU
// with OpenCV DNN (Debian's libopencv-dnn, 4.6). CpuOnnxExecutor
// (cpu_onnx_executor.h) is a ModelExecutor over it.
//
// Load() reads the graph's declared inputs and outputs (cpu_onnx_io.h),
// imports the bytes (cv::dnn::readNetFromONNX) and runs one warm-up forward
// pass; the model keeps one cv::dnn::Net. A model OpenCV 4.6 cannot import or
// run (e.g. opset-11 Clip with tensor min/max, or a Mul broadcasting a 1-D
// constant over a rank-3 tensor, as a LayerNorm exported from PyTorch does)
// is refused with FAILED_PRECONDITION "cpu_onnx cannot import model 'x':
// <OpenCV's message>": the "CPU unsupported for this model" path.
//
// OpenCV 4.6's layer fusion silently computes wrong results for some graphs:
// a Mul/Div by a scalar after a MatMul of two activations (the 1/sqrt(d)
// scale of every attention block) is dropped. Fusion is therefore turned off
// per model when the graph has that pattern (CpuOnnxFusion::kAuto; see
// there), which costs some speed and never correctness.
//
// A model's Run() checks the inputs against the graph (every model input
// given exactly once by name, FLOAT32, the model's rank and static dims;
// anything else is INVALID_ARGUMENT naming the input), runs the forward pass
// and returns FLOAT32 outputs in the model's output order; an OpenCV error is
// INTERNAL "cpu_onnx: model 'x' failed: ...".
//
// Thread-safety: Load() may run on any thread, concurrently with itself and
// with runs of other models. A model's Run() must not run concurrently with
// itself (the net is stateful; ModelExecutor runs one job at a time).
#ifndef JOULE_EXECUTORS_CPU_ONNX_RUNTIME_H_
#define JOULE_EXECUTORS_CPU_ONNX_RUNTIME_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/tensor.h"
#include "executors/model_runtime.h"

namespace joule {

// OpenCV's layer fusion (Conv+BN+ReLU and the like; net.enableFusion).
enum class CpuOnnxFusion {
  // On, except for graphs OpenCV 4.6 is known to fuse wrongly: a MatMul or
  // Gemm whose two operands are both computed (not weights) — OpenCV drops a
  // scale/activation fused into it — or a Pow (opencv/opencv#22649).
  kAuto,
  kOn,
  kOff,
};

struct CpuOnnxRuntimeOptions {
  // Threads OpenCV uses inside one forward pass (cv::setNumThreads, applied
  // at construction). OpenCV's thread pool is process-wide, so the last
  // runtime constructed with a nonzero value wins. 0: OpenCV's default (all
  // cores).
  int num_threads = 0;
  // Run one forward pass on zeros at Load (dynamic dims set to 1): OpenCV
  // 4.6 imports some graphs it then fails to run, and the warm-up turns
  // those into a Load error instead of failed jobs. It also takes OpenCV's
  // one-off setup (layer fusion, allocation) out of the first job's measured
  // time.
  bool warm_up_on_load = true;
  CpuOnnxFusion fusion = CpuOnnxFusion::kAuto;
};

// A model input or output as the ONNX graph declares it.
struct CpuOnnxTensorInfo {
  std::string name;
  DataType dtype = DataType::kUnspecified;  // kUnspecified: not one we map
  bool rank_known = false;
  std::vector<int64_t> shape;  // when rank_known; -1 for a dynamic dim
};

struct CpuOnnxModelInfo {
  std::vector<CpuOnnxTensorInfo> inputs;   // weights listed as inputs excluded
  std::vector<CpuOnnxTensorInfo> outputs;  // in the order jobs get them
  bool fusion = true;
  // Why fusion is off under kAuto, e.g. "MatMul 'scores' multiplies two
  // computed tensors"; empty otherwise.
  std::string fusion_note;
};

// What CpuOnnxRuntime::Load returns.
class CpuOnnxModel : public RuntimeModel {
 public:
  // Never changes after Load.
  virtual const CpuOnnxModelInfo& info() const = 0;
};

class CpuOnnxRuntime final : public ModelRuntime {
 public:
  explicit CpuOnnxRuntime(CpuOnnxRuntimeOptions options = {});

  std::string Name() const override { return "cpu_onnx"; }
  // Refusals (see the top): INVALID_ARGUMENT "cpu_onnx cannot import model
  // 'x': ..." when the bytes are not an ONNX model; FAILED_PRECONDITION when
  // OpenCV refuses the graph or fails its warm-up run, or an input is not
  // FLOAT32. The model returned is a CpuOnnxModel.
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string& name, const std::string& onnx_bytes) override;

 private:
  const CpuOnnxRuntimeOptions options_;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_CPU_ONNX_RUNTIME_H_
