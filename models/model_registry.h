// ModelRegistry: named models and what one inference of each costs, so a
// job can name a model instead of carrying its cost.
//
// A model is either an ONNX file, analysed once at registration
// (onnx_analysis.h: its JobCost comes from the graph), or an explicit
// JobCost. ONNX files come as bytes (RegisterModel's `onnx`, joulectl
// --file) or as a path that must lie inside the configured model directory
// after resolving symlinks: "..", absolute paths elsewhere and symlinks
// pointing out are refused, so a client cannot make the daemon read other
// files. The directory tree itself is trusted (writable by the operator
// only).
//
// A name is registered once: registering it again is ALREADY_EXISTS until
// it is unloaded, so a model's cost never changes under a name while jobs
// are placed with it. Jobs already admitted keep the cost they were placed
// with when their model is unloaded.
//
// Costs per input shape (docs/ARCHITECTURE.md, "Cost model"). A model with
// dynamic dimensions is analysed at registration for one shape set; a job
// whose tensors fix those dimensions otherwise is costed for its own
// shapes by CostFor: the exact cost when that shape set has been analysed
// (the registration's, or one in the cache), else at once an estimate
// scaled from the nearest analysed set (ops, activation and output bytes
// by the ratio of input elements; weights unchanged; input bytes exact).
// CostFor never analyses: analysis forks a child and can take tens of ms,
// and CostFor runs on gRPC reactor threads. The caller claims the shape
// set (ClaimShapeAnalysis) and runs AnalyzeShapes on a slow-call worker;
// its result serves later jobs of that shape. The cache holds at most
// kMaxShapeSetsPerModel sets per model and kMaxShapeSets in all, least
// recently used evicted first; a set whose analysis fails is remembered
// too (its jobs keep the estimate, and it is not analysed again).
//
// Thread-safe. Analysis runs outside the lock.
#ifndef JOULE_MODELS_MODEL_REGISTRY_H_
#define JOULE_MODELS_MODEL_REGISTRY_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/policy.h"
#include "core/types.h"
#include "models/onnx_analysis.h"

namespace joule {

// Where an ONNX model comes from: exactly one of the two.
struct ModelSource {
  // Relative to the model directory, or absolute inside it.
  std::string path;
  // The ONNX file's bytes.
  std::string bytes;

  static ModelSource Path(std::string p) { return {std::move(p), ""}; }
  static ModelSource Bytes(std::string b) { return {"", std::move(b)}; }
};

inline constexpr size_t kMaxShapeSetsPerModel = 32;
inline constexpr size_t kMaxShapeSets = 512;

struct RegisteredModel {
  std::string name;
  // Distinguishes registrations under one name (unload, register again).
  uint64_t id = 0;
  JobCost cost;
  // The analysis; null for a model registered with an explicit cost.
  std::shared_ptr<const OnnxAnalysis> analysis;
  // Shapes given at registration (dynamic dims not given default as
  // onnx_analysis.h says).
  InputShapes input_shapes;
  // The ONNX model, for executors that run it (OpenCV DNN reads either; or
  // use ModelRegistry::OnnxBytes for bytes in both cases): the resolved
  // real path when registered from the model directory (its bytes are not
  // kept in memory), else the bytes as sent. Both empty for an explicit
  // cost.
  std::string path;
  std::shared_ptr<const std::string> onnx_bytes;
  // Hash of the analysed bytes (std::hash), to notice a file at `path`
  // replaced after registration.
  size_t onnx_hash = 0;
  // Registered, not yet loaded into the executors that run it: jobs naming
  // it are refused UNAVAILABLE until MarkLoaded (Find).
  bool loading = false;
};

class ModelRegistry {
 public:
  // The directory path registrations must lie in. It must exist; it is
  // stored resolved (realpath). Empty: path registrations are refused.
  // INVALID_ARGUMENT naming it when it is not a directory.
  absl::Status SetModelDir(const std::string& dir);
  std::string model_dir() const;

  // A model with an explicit cost. INVALID_ARGUMENT for a bad name or a
  // cost no precision can run; ALREADY_EXISTS if the name is taken.
  absl::Status Register(const std::string& name, const JobCost& cost);

  // Reads (for a path) and analyses an ONNX model and registers it.
  //   INVALID_ARGUMENT     bad name, bad input shapes, a path outside the
  //                        model directory or not a readable regular file,
  //                        a malformed model (names the node or field).
  //                        A model the analysis only partly resolves (an
  //                        op it has no shape or formula for, a newer
  //                        opset) registers, its cost partial
  //                        (OnnxAnalysis::CostNote);
  //   FAILED_PRECONDITION  a path, with no model directory configured;
  //   ALREADY_EXISTS       the name is taken.
  // With `loading`, the model is registered as loading (see
  // RegisteredModel::loading) until MarkLoaded.
  absl::StatusOr<RegisteredModel> RegisterOnnx(const std::string& name,
                                               const ModelSource& source,
                                               const InputShapes& input_shapes,
                                               bool loading = false);
  // Ends a registration's loading: jobs may name the model. Unknown names
  // are ignored.
  void MarkLoaded(const std::string& name);

  // What a job naming the model costs. NOT_FOUND naming the model when it is
  // not registered; UNAVAILABLE "model 'x' is loading" while it is loading.
  absl::StatusOr<JobCost> Find(const std::string& name) const;

  struct ShapeCost {
    JobCost cost;
    bool exact = true;  // false: scaled from another shape set
  };
  // The cost of one inference of `name` with inputs of `shapes` (see the
  // top). A model with an explicit cost, or `shapes` equal to the
  // registration's, gets the registered cost. Never blocks on analysis.
  // NOT_FOUND for an unknown name.
  absl::StatusOr<ShapeCost> CostFor(const std::string& name,
                                    const InputShapes& shapes) const;
  // True when the caller should run AnalyzeShapes(name, shapes): the set is
  // neither cached nor claimed already, the model is an ONNX model, and
  // fewer than kMaxShapeSetsPerModel claims are outstanding in all.
  bool ClaimShapeAnalysis(const std::string& name, const InputShapes& shapes);
  // Gives a claim back unrun (the worker queue was full).
  void ReleaseShapeAnalysis(const std::string& name, const InputShapes& shapes);
  // Analyses `name` at `shapes` (slow) and caches the cost, or the failure;
  // releases the claim. Nothing is cached when the model was unloaded (or
  // replaced) meanwhile.
  void AnalyzeShapes(const std::string& name, const InputShapes& shapes);
  // Shape sets cached for `name` (analysed or failed), for tests and status.
  size_t CachedShapeSets(const std::string& name) const;
  absl::StatusOr<RegisteredModel> Get(const std::string& name) const;
  // Every model, by name.
  std::vector<RegisteredModel> List() const;
  // The ONNX bytes of a registered model, for an executor that runs it: the
  // bytes as sent, or its file read now. NOT_FOUND for an unknown name;
  // FAILED_PRECONDITION for a model with an explicit cost, or whose file is
  // gone or no longer the one analysed (re-register it).
  absl::StatusOr<std::shared_ptr<const std::string>> OnnxBytes(
      const std::string& name) const;
  // NOT_FOUND naming the model when it is not registered.
  absl::Status Unload(const std::string& name);

  // Start-up from the policy file: sets the model directory and registers
  // every preloaded model. The first error, prefixed
  // "models.preload[i] 'name': ", stops it.
  absl::Status Configure(const ModelsPolicy& policy);

 private:
  // The resolved path of `path` if it lies inside the model directory.
  absl::StatusOr<std::string> ResolvePath(const std::string& path) const;
  // Gives `model` its id and stores a copy.
  absl::Status Insert(RegisteredModel* model);

  struct CachedShapes {
    uint64_t model_id = 0;
    std::optional<JobCost> cost;  // nullopt: the analysis failed
    uint64_t last_used = 0;       // use_tick_ when last read
  };
  using ShapeKey = std::pair<std::string, InputShapes>;  // model, shapes
  // REQUIRES: mu_ held. Evicts the least recently used entries beyond the
  // bounds.
  void EvictShapesLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // REQUIRES: mu_ held. Evicts the least recently used entry (of `model`
  // only, when given).
  void EvictLruLocked(const std::string* model)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::string model_dir_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RegisteredModel> models_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // CostFor updates last_used: mutable.
  mutable std::map<ShapeKey, CachedShapes> shapes_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t use_tick_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<ShapeKey> claimed_ ABSL_GUARDED_BY(mu_);
};

// The elements of all inputs in `shapes`.
double InputElements(const InputShapes& shapes);
// `base` (the cost at `base_shapes`) scaled to `shapes` as CostFor's
// estimate (see the top); `inputs` gives each input's element type.
JobCost ScaleCost(const JobCost& base, const InputShapes& base_shapes,
                  const InputShapes& shapes,
                  const std::vector<OnnxTensorInfo>& inputs);

// INVALID_ARGUMENT unless `name` is 1..128 letters, digits, '.', '_', '-'
// or ':' (names become metric labels and command-line arguments).
absl::Status ValidateModelName(const std::string& name);

}  // namespace joule

#endif  // JOULE_MODELS_MODEL_REGISTRY_H_
