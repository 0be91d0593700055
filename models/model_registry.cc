#include "models/model_registry.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <climits>
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

absl::Status ModelRegistry::Insert(RegisteredModel model) {
  absl::MutexLock l(&mu_);
  const std::string name = model.name;
  if (!models_.emplace(name, std::move(model)).second) {
    return absl::AlreadyExistsError(absl::StrCat(
        "model '", name, "' is already registered; unload it first"));
  }
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
  return Insert(std::move(m));
}

absl::StatusOr<RegisteredModel> ModelRegistry::RegisterOnnx(
    const std::string& name, const ModelSource& source,
    const InputShapes& input_shapes) {
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
  RegisteredModel copy = m;
  if (absl::Status s = Insert(std::move(m)); !s.ok()) return s;
  return copy;
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
  return m->cost;
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
  return absl::OkStatus();
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
