#include "models/model_registry.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace joule {
namespace {

// realpath(3) as a string; the errno on failure.
absl::StatusOr<std::string> RealPath(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err), std::strerror(err));
  }
  std::string out(r);
  std::free(r);
  return out;
}

}  // namespace

absl::Status ValidateModelName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 128;
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                c == '_' || c == '-' || c == ':');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "name: '", name,
      "' is not a model name (1..128 letters, digits, '.', '_', '-', ':')"));
}

absl::Status ModelRegistry::SetModelDir(const std::string& dir) {
  std::string resolved;
  if (!dir.empty()) {
    absl::StatusOr<std::string> r = RealPath(dir);
    if (!r.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("model directory '", dir, "': ", r.status().message()));
    }
    struct stat st;
    if (::stat(r->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("model directory '", dir, "' is not a directory"));
    }
    resolved = *r;
  }
  absl::MutexLock l(&mu_);
  model_dir_ = resolved;
  return absl::OkStatus();
}

std::string ModelRegistry::model_dir() const {
  absl::MutexLock l(&mu_);
  return model_dir_;
}

absl::StatusOr<std::string> ModelRegistry::ResolvePath(
    const std::string& path) const {
  const std::string dir = model_dir();
  if (dir.empty()) {
    return absl::FailedPreconditionError(
        "path: the daemon has no model directory (models.model_dir in the "
        "policy file); send the model's bytes instead");
  }
  if (path.empty() || path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("path: empty or not a valid path");
  }
  const std::string joined = path[0] == '/' ? path : dir + "/" + path;
  absl::StatusOr<std::string> real = RealPath(joined);
  if (!real.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("path: '", path,
                     "' under the model directory: ", real.status().message()));
  }
  // Inside means the directory itself plus a separator is a prefix: both
  // are resolved, so ".." and symlinks have been followed already.
  const std::string prefix = dir == "/" ? dir : dir + "/";
  if (real->compare(0, prefix.size(), prefix) != 0 || *real == dir) {
    return absl::InvalidArgumentError(absl::StrCat(
        "path: '", path, "' is outside the model directory '", dir, "'"));
  }
  return *real;
}

absl::Status ModelRegistry::Insert(RegisteredModel* model) {
  absl::MutexLock l(&mu_);
  const std::string name = model->name;
  if (models_.count(name)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "model '", name, "' is already registered; unload it first"));
  }
  model->id = next_id_++;
  models_.emplace(name, *model);
  return absl::OkStatus();
}

absl::Status ModelRegistry::Register(const std::string& name,
                                     const JobCost& cost) {
  if (absl::Status s = ValidateModelName(name); !s.ok()) return s;
  bool any = false;
  for (Precision p : kAllPrecisions) any = any || cost.Supports(p);
  if (!any) {
    return absl::InvalidArgumentError(
        absl::StrCat("model '", name, "': no precision has ops > 0"));
  }
  RegisteredModel m;
  m.name = name;
  m.cost = cost;
  return Insert(&m);
}

absl::StatusOr<RegisteredModel> ModelRegistry::RegisterOnnx(
    const std::string& name, const ModelSource& source,
    const InputShapes& input_shapes, bool loading) {
  if (absl::Status s = ValidateModelName(name); !s.ok()) return s;
  if (source.path.empty() == source.bytes.empty()) {
    return absl::InvalidArgumentError(
        "source: give exactly one of a path or the model's bytes");
  }
  {
    // Fail fast before reading and analysing; Insert() checks again.
    absl::MutexLock l(&mu_);
    if (models_.count(name)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "model '", name, "' is already registered; unload it first"));
    }
  }
  RegisteredModel m;
  m.name = name;
  m.input_shapes = input_shapes;
  m.loading = loading;
  std::shared_ptr<const std::string> bytes;
  if (!source.path.empty()) {
    absl::StatusOr<std::string> real = ResolvePath(source.path);
    if (!real.ok()) return real.status();
    // A component swapped for a symlink between the check above and this
    // read is not caught: the directory tree is trusted (see the header).
    absl::StatusOr<std::string> data = ReadOnnxFile(*real);
    if (!data.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("path: '", source.path, "': ", data.status().message()));
    }
    m.path = *real;
    bytes = std::make_shared<const std::string>(*std::move(data));
  } else {
    bytes = std::make_shared<const std::string>(source.bytes);
    m.onnx_bytes = bytes;
  }
  m.onnx_hash = std::hash<std::string_view>()(*bytes);
  absl::StatusOr<OnnxAnalysis> analysis = AnalyzeOnnx(*bytes, input_shapes);
  if (!analysis.ok()) {
    return absl::Status(
        analysis.status().code(),
        absl::StrCat("model '", name, "': ", analysis.status().message()));
  }
  m.cost = analysis->ToJobCost();
  m.analysis = std::make_shared<const OnnxAnalysis>(*std::move(analysis));
  if (absl::Status s = Insert(&m); !s.ok()) return s;
  return m;
}

absl::StatusOr<RegisteredModel> ModelRegistry::Get(
    const std::string& name) const {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(
        absl::StrCat("model '", name, "' is not registered"));
  }
  return it->second;
}

absl::StatusOr<JobCost> ModelRegistry::Find(const std::string& name) const {
  absl::StatusOr<RegisteredModel> m = Get(name);
  if (!m.ok()) return m.status();
  if (m->loading) {
    return absl::UnavailableError(absl::StrCat(
        "model '", name,
        "' is loading (registered, not yet loaded into its executors); "
        "retry when RegisterModel has answered"));
  }
  return m->cost;
}

void ModelRegistry::MarkLoaded(const std::string& name) {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it != models_.end()) it->second.loading = false;
}

std::vector<RegisteredModel> ModelRegistry::List() const {
  absl::MutexLock l(&mu_);
  std::vector<RegisteredModel> out;
  out.reserve(models_.size());
  for (const auto& [name, m] : models_) out.push_back(m);
  return out;
}

absl::StatusOr<std::shared_ptr<const std::string>> ModelRegistry::OnnxBytes(
    const std::string& name) const {
  absl::StatusOr<RegisteredModel> m = Get(name);
  if (!m.ok()) return m.status();
  if (m->onnx_bytes) return m->onnx_bytes;
  if (m->path.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model '", name, "' was registered with a cost, not an ONNX model"));
  }
  absl::StatusOr<std::string> data = ReadOnnxFile(m->path);
  if (!data.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("model '", name, "': ", data.status().message()));
  }
  if (std::hash<std::string_view>()(*data) != m->onnx_hash) {
    return absl::FailedPreconditionError(
        absl::StrCat("model '", name, "': '", m->path,
                     "' changed since it was registered; register it again"));
  }
  return std::make_shared<const std::string>(*std::move(data));
}

absl::Status ModelRegistry::Unload(const std::string& name) {
  absl::MutexLock l(&mu_);
  if (models_.erase(name) == 0) {
    return absl::NotFoundError(
        absl::StrCat("model '", name, "' is not registered"));
  }
  for (auto it = shapes_.lower_bound({name, {}});
       it != shapes_.end() && it->first.first == name;) {
    it = shapes_.erase(it);
  }
  return absl::OkStatus();
}

double InputElements(const InputShapes& shapes) {
  double n = 0;
  for (const auto& [name, dims] : shapes) {
    double e = 1;
    for (int64_t d : dims) e *= static_cast<double>(d);
    n += e;
  }
  return n;
}

JobCost ScaleCost(const JobCost& base, const InputShapes& base_shapes,
                  const InputShapes& shapes,
                  const std::vector<OnnxTensorInfo>& inputs) {
  const double from = InputElements(base_shapes);
  const double ratio = from > 0 ? InputElements(shapes) / from : 1.0;
  JobCost c = base;
  for (double& ops : c.ops_by_precision) ops *= ratio;
  c.activation_bytes *= ratio;
  c.output_bytes *= ratio;
  // Inputs are known exactly: their elements at their own element size.
  c.input_bytes = 0;
  for (const OnnxTensorInfo& t : inputs) {
    double analysed = 1;
    for (int64_t d : t.shape) analysed *= static_cast<double>(d);
    const double element_bytes =
        analysed > 0 ? static_cast<double>(t.bytes) / analysed : 0;
    auto it = shapes.find(t.name);
    if (it == shapes.end()) {
      c.input_bytes += static_cast<double>(t.bytes);
      continue;
    }
    double n = 1;
    for (int64_t d : it->second) n *= static_cast<double>(d);
    c.input_bytes += n * element_bytes;
  }
  return c;
}

namespace {

InputShapes AnalysedShapes(const OnnxAnalysis& a) {
  InputShapes shapes;
  for (const OnnxTensorInfo& t : a.inputs) shapes[t.name] = t.shape;
  return shapes;
}

}  // namespace

absl::StatusOr<ModelRegistry::ShapeCost> ModelRegistry::CostFor(
    const std::string& name, const InputShapes& shapes) const {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(
        absl::StrCat("model '", name, "' is not registered"));
  }
  const RegisteredModel& m = it->second;
  if (!m.analysis || shapes.empty()) return ShapeCost{m.cost, true};
  const InputShapes base = AnalysedShapes(*m.analysis);
  if (shapes == base) return ShapeCost{m.cost, true};
  auto cached = shapes_.find({name, shapes});
  if (cached != shapes_.end() && cached->second.model_id == m.id) {
    cached->second.last_used = ++use_tick_;
    if (cached->second.cost) return ShapeCost{*cached->second.cost, true};
  }
  // The nearest analysed set, by the ratio of input elements.
  const double want = InputElements(shapes);
  const InputShapes* from = &base;
  const JobCost* from_cost = &m.cost;
  auto distance = [want](const InputShapes& s) {
    const double have = InputElements(s);
    return have > 0 && want > 0 ? std::abs(std::log(want / have)) : 1e300;
  };
  double best = distance(base);
  for (auto c = shapes_.lower_bound({name, {}});
       c != shapes_.end() && c->first.first == name; ++c) {
    if (c->second.model_id != m.id || !c->second.cost) continue;
    const double d = distance(c->first.second);
    if (d < best) {
      best = d;
      from = &c->first.second;
      from_cost = &*c->second.cost;
    }
  }
  return ShapeCost{ScaleCost(*from_cost, *from, shapes, m.analysis->inputs),
                   false};
}

bool ModelRegistry::ClaimShapeAnalysis(const std::string& name,
                                       const InputShapes& shapes) {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it == models_.end() || !it->second.analysis) return false;
  auto cached = shapes_.find({name, shapes});
  if (cached != shapes_.end() && cached->second.model_id == it->second.id) {
    return false;
  }
  // At most kMaxShapeSetsPerModel claims outstanding in all: a flood of new
  // shapes waits for the analyses already queued instead of adding more.
  if (claimed_.size() >= kMaxShapeSetsPerModel) return false;
  return claimed_.insert({name, shapes}).second;
}

void ModelRegistry::ReleaseShapeAnalysis(const std::string& name,
                                         const InputShapes& shapes) {
  absl::MutexLock l(&mu_);
  claimed_.erase({name, shapes});
}

void ModelRegistry::AnalyzeShapes(const std::string& name,
                                  const InputShapes& shapes) {
  uint64_t id = 0;
  {
    absl::MutexLock l(&mu_);
    auto it = models_.find(name);
    if (it == models_.end()) {
      claimed_.erase({name, shapes});
      return;
    }
    id = it->second.id;
  }
  std::optional<JobCost> cost;
  absl::StatusOr<std::shared_ptr<const std::string>> bytes = OnnxBytes(name);
  if (bytes.ok()) {
    absl::StatusOr<OnnxAnalysis> a = AnalyzeOnnx(**bytes, shapes);
    if (a.ok()) cost = a->ToJobCost();
  }
  absl::MutexLock l(&mu_);
  claimed_.erase({name, shapes});
  auto it = models_.find(name);
  if (it == models_.end() || it->second.id != id) return;
  shapes_[{name, shapes}] = CachedShapes{id, cost, ++use_tick_};
  EvictShapesLocked();
}

void ModelRegistry::EvictShapesLocked() {
  // Per model first, then in all; each time the least recently used.
  std::map<std::string, size_t> per_model;
  for (const auto& [key, c] : shapes_) ++per_model[key.first];
  for (auto& [model, n] : per_model) {
    for (; n > kMaxShapeSetsPerModel; --n) EvictLruLocked(&model);
  }
  while (shapes_.size() > kMaxShapeSets) EvictLruLocked(nullptr);
}

void ModelRegistry::EvictLruLocked(const std::string* model) {
  auto lru = shapes_.end();
  for (auto it = shapes_.begin(); it != shapes_.end(); ++it) {
    if (model && it->first.first != *model) continue;
    if (lru == shapes_.end() || it->second.last_used < lru->second.last_used)
      lru = it;
  }
  if (lru != shapes_.end()) shapes_.erase(lru);
}

size_t ModelRegistry::CachedShapeSets(const std::string& name) const {
  absl::MutexLock l(&mu_);
  size_t n = 0;
  for (auto c = shapes_.lower_bound({name, {}});
       c != shapes_.end() && c->first.first == name; ++c) {
    ++n;
  }
  return n;
}

absl::Status ModelRegistry::Configure(const ModelsPolicy& policy) {
  if (absl::Status s = SetModelDir(policy.model_dir); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("models.model_dir: ", s.message()));
  }
  for (size_t i = 0; i < policy.preload.size(); ++i) {
    const ModelPreload& p = policy.preload[i];
    const std::string where =
        absl::StrCat("models.preload[", i, "] '", p.name, "': ");
    InputShapes shapes;
    absl::Status s = ParseInputShapes(p.input_shapes, &shapes);
    if (s.ok())
      s = RegisterOnnx(p.name, ModelSource::Path(p.path), shapes).status();
    if (!s.ok())
      return absl::Status(s.code(), absl::StrCat(where, s.message()));
  }
  return absl::OkStatus();
}

}  // namespace joule
