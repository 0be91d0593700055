// The public test models and their reference outputs, as joule tensors: the
// manifest tests/public_models/reference.js writes (models fetched by
// scripts/fetch-test-models.sh, outputs computed by ONNX Runtime's own node
// binding), read into Tensors (core/tensor.h) so that any test can run a
// case through joule (an OrtSession, a ModelExecutor, a whole daemon) and
// compare what comes back with the reference.
//
// Thread-safe: plain functions over values.
#ifndef JOULE_TESTING_PUBLIC_MODELS_H_
#define JOULE_TESTING_PUBLIC_MODELS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace joule::public_models {

// One model run at one set of input shapes.
struct Case {
  std::string name;        // e.g. "ppocr_rec_w320"; a valid model name
  std::string model_file;  // e.g. "ppocr_rec.onnx"
  std::string model_path;  // absolute: the manifest's models_dir + file
  // In the model's order, bytes loaded.
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;  // the reference
  // An output element matches when |got - want| <= abs + rel * |want|.
  double abs_tolerance = 0;
  double rel_tolerance = 0;

  // Input name -> shape, as models/onnx_analysis.h's InputShapes wants.
  std::map<std::string, std::vector<int64_t>> InputShapes() const;
};

struct Manifest {
  std::string onnxruntime_version;  // of the binding that computed it
  std::string models_dir;
  std::vector<Case> cases;  // in the manifest's order
};

// Reads DIR/manifest.json and every tensor file it names. INVALID_ARGUMENT
// or NOT_FOUND naming the file, the case or the tensor when anything is
// missing or does not fit (unknown dtype, bytes that do not match the
// shape).
absl::StatusOr<Manifest> LoadManifest(const std::string& dir);

// How far an output is from its reference.
struct OutputError {
  std::string output;
  double max_abs_error = 0;  // max |got - want|
  // max |got - want| / max(|want|, abs tolerance): relative where the
  // reference is large, absolute where it is ~0.
  double max_rel_error = 0;
  int64_t worst_index = -1;  // the element with the largest abs error
};

// Compares `got` (one tensor per reference output, in order) with the case's
// reference: names, dtypes and shapes equal, and every element within the
// tolerance. On a mismatch INVALID_ARGUMENT naming the case, the output and
// the first element out of tolerance, e.g. "ppocr_cls: output
// 'softmax_0.tmp_0' element 1: got 0.5, want 0.7733 (tolerance 0.00087)".
absl::StatusOr<std::vector<OutputError>> CompareOutputs(
    const Case& c, const std::vector<Tensor>& got);

}  // namespace joule::public_models

#endif  // JOULE_TESTING_PUBLIC_MODELS_H_
