// How the cpu_onnx runtime (cpu_onnx_runtime.h) reads what a model declares
// from its ONNX graph, checks a job's tensors against it, and moves tensors
// in and out of OpenCV: the graph and I/O side of CpuOnnxRuntime, which
// imports and runs the models. Internal to the runtime.
//
// Thread-safe (pure functions).
#ifndef JOULE_EXECUTORS_CPU_ONNX_IO_H_
#define JOULE_EXECUTORS_CPU_ONNX_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/tensor.h"
#include "executors/cpu_onnx_runtime.h"
#include "opencv2/core.hpp"

namespace joule {
namespace cpu_onnx_internal {

// The graph's real inputs (models/onnx_graph.h: initializers listed as
// inputs, as IR < 4 writes them, are weights) and its outputs into `info`,
// and info->fusion_note when OpenCV 4.6 would fuse the graph wrongly (see
// CpuOnnxFusion::kAuto). INVALID_ARGUMENT "cpu_onnx cannot import model
// 'name': ..." when the bytes are not an ONNX model, or the graph has no
// inputs or no outputs.
absl::Status ReadModelGraph(const std::string& name, const std::string& bytes,
                            CpuOnnxModelInfo* info);

// "float32 [1,16]"; "[?]" for an unknown rank.
std::string InfoString(const CpuOnnxTensorInfo& info);

// Checks the job's tensors against the model's inputs: each given once by
// name, FLOAT32, valid, of the model's rank and static dims (INVALID_ARGUMENT
// naming the input otherwise). On OK `*ordered` has one tensor per model
// input, in the model's order.
absl::Status MatchInputs(const std::string& model_name,
                         const std::vector<CpuOnnxTensorInfo>& want,
                         const std::vector<Tensor>& given,
                         std::vector<const Tensor*>* ordered);

// OpenCV's dims for `shape`; a scalar as one element.
std::vector<int> CvDims(const std::vector<int64_t>& shape);

// A FLOAT32 tensor from one forward() output. When the graph declares a
// fully static shape with the same element count, that shape is used:
// OpenCV returns e.g. a rank-1 output as 2-D.
Tensor ToTensor(const std::string& name, const cv::Mat& out,
                const CpuOnnxTensorInfo* declared);

}  // namespace cpu_onnx_internal
}  // namespace joule

#endif  // JOULE_EXECUTORS_CPU_ONNX_IO_H_
