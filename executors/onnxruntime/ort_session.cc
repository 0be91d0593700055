#include "executors/onnxruntime/ort_session.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace {

// Owns one ORT object, released with its Release* entry.
template <typename T>
struct Releaser {
  void (*release)(T*) noexcept = nullptr;
  void operator()(T* p) const {
    if (p != nullptr) release(p);
  }
};
template <typename T>
using Owned = std::unique_ptr<T, Releaser<T>>;

template <typename T>
Owned<T> Own(T* p, void (*release)(T*) noexcept) {
  return Owned<T>(p, Releaser<T>{release});
}

ort::GraphOptimizationLevel ToOrtLevel(GraphOptimization level) {
  switch (level) {
    case GraphOptimization::kDisable:
      return ort::GraphOptimizationLevel::kDisableAll;
    case GraphOptimization::kBasic:
      return ort::GraphOptimizationLevel::kEnableBasic;
    case GraphOptimization::kExtended:
      return ort::GraphOptimizationLevel::kEnableExtended;
    case GraphOptimization::kAll:
      return ort::GraphOptimizationLevel::kEnableAll;
  }
  return ort::GraphOptimizationLevel::kEnableAll;
}

std::string OnnxTypeName(ort::OnnxType t) {
  switch (t) {
    case ort::OnnxType::kTensor:
      return "a tensor";
    case ort::OnnxType::kSequence:
      return "a sequence";
    case ort::OnnxType::kMap:
      return "a map";
    case ort::OnnxType::kOpaque:
      return "an opaque value";
    case ort::OnnxType::kSparseTensor:
      return "a sparse tensor";
    case ort::OnnxType::kOptional:
      return "an optional";
    case ort::OnnxType::kUnknown:
      break;
  }
  return absl::StrCat("ONNX type ", static_cast<int>(t));
}

// Adds config.provider to `options` through its entry (see OrtSessionConfig).
// Returns ORT's status; nullptr when added.
ort::Status* AppendProvider(const ort::Api& api, ort::SessionOptions* options,
                            const OrtSessionConfig& config) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : config.provider_options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  const std::string& name = config.provider;
  if (absl::EqualsIgnoreCase(name, "CUDA") || name == "CUDAExecutionProvider") {
    ort::CUDAProviderOptionsV2* raw = nullptr;
    if (ort::Status* s = api.CreateCUDAProviderOptions(&raw)) return s;
    Owned<ort::CUDAProviderOptionsV2> cuda =
        Own(raw, api.ReleaseCUDAProviderOptions);
    if (!keys.empty()) {
      if (ort::Status* s = api.UpdateCUDAProviderOptions(
              cuda.get(), keys.data(), values.data(), keys.size())) {
        return s;
      }
    }
    return api.SessionOptionsAppendExecutionProvider_CUDA_V2(options,
                                                             cuda.get());
  }
  if (absl::EqualsIgnoreCase(name, "TensorRT") ||
      name == "TensorrtExecutionProvider") {
    ort::TensorRTProviderOptionsV2* raw = nullptr;
    if (ort::Status* s = api.CreateTensorRTProviderOptions(&raw)) return s;
    Owned<ort::TensorRTProviderOptionsV2> trt =
        Own(raw, api.ReleaseTensorRTProviderOptions);
    if (!keys.empty()) {
      if (ort::Status* s = api.UpdateTensorRTProviderOptions(
              trt.get(), keys.data(), values.data(), keys.size())) {
        return s;
      }
    }
    return api.SessionOptionsAppendExecutionProvider_TensorRT_V2(options,
                                                                 trt.get());
  }
  return api.SessionOptionsAppendExecutionProvider(
      options, config.provider.c_str(), keys.data(), values.data(),
      keys.size());
}

// The byte size of a tensor of `info`'s declared shape when every dim is
// known and > 0 (and the size fits); else 0.
size_t StaticBytes(const OrtTensorInfo& info) {
  size_t n = static_cast<size_t>(ElementSize(ToDataType(info.element_type)));
  for (int64_t d : info.shape) {
    if (d <= 0 || n > std::numeric_limits<size_t>::max() / d) return 0;
    n *= static_cast<size_t>(d);
  }
  return n;
}

// Keeps an ORT-allocated output value, and the library, alive for the
// Tensor that borrows its bytes.
struct HeldValue {
  HeldValue(std::shared_ptr<const OrtLibrary> l, ort::Value* v)
      : lib(std::move(l)), value(v) {}
  ~HeldValue() { lib->api().ReleaseValue(value); }
  HeldValue(const HeldValue&) = delete;
  HeldValue& operator=(const HeldValue&) = delete;
  const std::shared_ptr<const OrtLibrary> lib;
  ort::Value* const value;
};

}  // namespace

OrtSession::OrtSession(std::shared_ptr<const OrtLibrary> library,
                       std::string name)
    : lib_(std::move(library)), name_(std::move(name)) {}

OrtSession::~OrtSession() {
  const ort::Api& api = lib_->api();
  api.ReleaseSession(session_);
  api.ReleaseMemoryInfo(cpu_memory_);
}

namespace {

// ORT session options for `config` (threads, execution mode, optimisation
// level, provider); `model` prefixes errors. A provider the library cannot
// add is FAILED_PRECONDITION (see ort_session.h).
absl::StatusOr<Owned<ort::SessionOptions>> MakeSessionOptions(
    const OrtLibrary& lib, const std::string& model,
    const OrtSessionConfig& config) {
  const ort::Api& api = lib.api();
  if (config.intra_op_threads < 0 || config.inter_op_threads < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(model, ": intra_op_threads ", config.intra_op_threads,
                     " and inter_op_threads ", config.inter_op_threads,
                     " must not be negative"));
  }
  ort::SessionOptions* raw_options = nullptr;
  if (absl::Status s =
          lib.ToStatus(api.CreateSessionOptions(&raw_options),
                       absl::StrCat(model, ": CreateSessionOptions"));
      !s.ok()) {
    return s;
  }
  Owned<ort::SessionOptions> options =
      Own(raw_options, api.ReleaseSessionOptions);
  if (absl::Status s = lib.ToStatus(
          api.SetIntraOpNumThreads(options.get(), config.intra_op_threads),
          absl::StrCat(model, ": SetIntraOpNumThreads"));
      !s.ok()) {
    return s;
  }
  for (const char* key :
       {"session.intra_op.allow_spinning", "session.inter_op.allow_spinning"}) {
    if (absl::Status s = lib.ToStatus(
            api.AddSessionConfigEntry(options.get(), key,
                                      config.allow_spinning ? "1" : "0"),
            absl::StrCat(model, ": ", key));
        !s.ok()) {
      return s;
    }
  }
  if (config.parallel_execution) {
    if (absl::Status s =
            lib.ToStatus(api.SetSessionExecutionMode(
                             options.get(), ort::ExecutionMode::kParallel),
                         absl::StrCat(model, ": SetSessionExecutionMode"));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = lib.ToStatus(
            api.SetInterOpNumThreads(options.get(), config.inter_op_threads),
            absl::StrCat(model, ": SetInterOpNumThreads"));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = lib.ToStatus(
          api.SetSessionGraphOptimizationLevel(
              options.get(), ToOrtLevel(config.graph_optimization)),
          absl::StrCat(model, ": SetSessionGraphOptimizationLevel"));
      !s.ok()) {
    return s;
  }
  if (!config.provider.empty()) {
    absl::Status s =
        lib.ToStatus(AppendProvider(api, options.get(), config),
                     absl::StrCat("provider '", config.provider,
                                  "' not available in ", lib.path()));
    if (!s.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat(s.message(), " (this build lists: ",
                       absl::StrJoin(lib.available_providers(), ", "), ")"));
    }
  }
  return options;
}

}  // namespace

absl::Status OrtCheckSessionConfig(const OrtLibrary& library,
                                   const OrtSessionConfig& config) {
  return MakeSessionOptions(library, "session options", config).status();
}

absl::StatusOr<std::unique_ptr<OrtSession>> OrtSession::Create(
    std::shared_ptr<const OrtLibrary> library, std::string name,
    absl::string_view model_bytes, const OrtSessionConfig& config) {
  if (library == nullptr) {
    return absl::InvalidArgumentError("OrtSession needs a loaded library");
  }
  const OrtLibrary& lib = *library;
  const ort::Api& api = lib.api();
  const std::string model = absl::StrCat("model '", name, "'");
  absl::StatusOr<Owned<ort::SessionOptions>> options =
      MakeSessionOptions(lib, model, config);
  if (!options.ok()) return options.status();

  std::unique_ptr<OrtSession> session(new OrtSession(library, name));
  absl::Status created =
      lib.ToStatus(api.CreateSessionFromArray(
                       lib.env(), model_bytes.data(), model_bytes.size(),
                       options->get(), &session->session_),
                   absl::StrCat("onnxruntime refused ", model));
  if (!created.ok()) {
    // A provider failing to initialise is the host's fault, not the model's.
    if (absl::IsFailedPrecondition(created)) return created;
    return absl::InvalidArgumentError(created.message());
  }
  if (absl::Status s =
          lib.ToStatus(api.CreateCpuMemoryInfo(ort::AllocatorType::kDevice,
                                               ort::MemType::kDefault,
                                               &session->cpu_memory_),
                       absl::StrCat(model, ": CreateCpuMemoryInfo"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = session->Describe(true); !s.ok()) return s;
  if (absl::Status s = session->Describe(false); !s.ok()) return s;
  for (const OrtTensorInfo& out : session->outputs_) {
    session->static_output_bytes_.push_back(StaticBytes(out));
  }
  return session;
}

absl::Status OrtSession::Describe(bool input) {
  const OrtLibrary& lib = *lib_;
  const ort::Api& api = lib.api();
  const char* kind = input ? "input" : "output";
  const std::string ctx = absl::StrCat("model '", name_, "': ", kind, "s");
  std::vector<OrtTensorInfo>& infos = input ? inputs_ : outputs_;
  std::vector<const char*>& names = input ? input_names_ : output_names_;

  size_t count = 0;
  if (absl::Status s =
          lib.ToStatus(input ? api.SessionGetInputCount(session_, &count)
                             : api.SessionGetOutputCount(session_, &count),
                       ctx);
      !s.ok()) {
    return s;
  }
  ort::Allocator* allocator = nullptr;
  if (absl::Status s =
          lib.ToStatus(api.GetAllocatorWithDefaultOptions(&allocator), ctx);
      !s.ok()) {
    return s;
  }
  infos.resize(count);
  for (size_t i = 0; i < count; ++i) {
    OrtTensorInfo& info = infos[i];
    char* raw_name = nullptr;
    if (absl::Status s = lib.ToStatus(
            input ? api.SessionGetInputName(session_, i, allocator, &raw_name)
                  : api.SessionGetOutputName(session_, i, allocator, &raw_name),
            ctx);
        !s.ok()) {
      return s;
    }
    info.name = raw_name;
    if (absl::Status s =
            lib.ToStatus(api.AllocatorFree(allocator, raw_name), ctx);
        !s.ok()) {
      return s;
    }
    const std::string what =
        absl::StrCat("model '", name_, "': ", kind, " '", info.name, "'");

    ort::TypeInfo* raw_type = nullptr;
    if (absl::Status s = lib.ToStatus(
            input ? api.SessionGetInputTypeInfo(session_, i, &raw_type)
                  : api.SessionGetOutputTypeInfo(session_, i, &raw_type),
            what);
        !s.ok()) {
      return s;
    }
    Owned<ort::TypeInfo> type = Own(raw_type, api.ReleaseTypeInfo);
    ort::OnnxType onnx_type = ort::OnnxType::kUnknown;
    if (absl::Status s = lib.ToStatus(
            api.GetOnnxTypeFromTypeInfo(type.get(), &onnx_type), what);
        !s.ok()) {
      return s;
    }
    const ort::TensorTypeAndShapeInfo* tensor = nullptr;
    if (onnx_type == ort::OnnxType::kTensor) {
      if (absl::Status s = lib.ToStatus(
              api.CastTypeInfoToTensorInfo(type.get(), &tensor), what);
          !s.ok()) {
        return s;
      }
    }
    if (tensor == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is ", OnnxTypeName(onnx_type),
                       ", not a tensor: joule runs tensors only"));
    }
    if (absl::Status s = lib.ToStatus(
            api.GetTensorElementType(tensor, &info.element_type), what);
        !s.ok()) {
      return s;
    }
    if (!IsSupportedElementType(info.element_type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " is ", ElementTypeName(info.element_type),
          ": joule handles float32, float16, int8, uint8, int32, int64 "
          "and bool"));
    }
    size_t rank = 0;
    if (absl::Status s =
            lib.ToStatus(api.GetDimensionsCount(tensor, &rank), what);
        !s.ok()) {
      return s;
    }
    info.shape.assign(rank, 0);
    if (absl::Status s = lib.ToStatus(
            api.GetDimensions(tensor, info.shape.data(), rank), what);
        !s.ok()) {
      return s;
    }
    for (int64_t& d : info.shape) {
      if (d < 0) d = -1;
    }
  }
  names.clear();
  for (const OrtTensorInfo& info : infos) names.push_back(info.name.c_str());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tensor>> OrtSession::Run(
    absl::Span<const Tensor> inputs) const {
  std::vector<const Tensor*> ordered;
  if (absl::Status s = MatchInputs(name_, inputs_, inputs, &ordered); !s.ok()) {
    return s;
  }
  const OrtLibrary& lib = *lib_;
  const ort::Api& api = lib.api();

  std::vector<Owned<ort::Value>> values;
  std::vector<const ort::Value*> value_ptrs;
  values.reserve(ordered.size());
  for (size_t i = 0; i < ordered.size(); ++i) {
    const Tensor& t = *ordered[i];
    // ORT takes a non-const pointer but only reads an input's buffer.
    void* data = const_cast<char*>(t.bytes.data());
    ort::Value* raw = nullptr;
    absl::Status s =
        lib.ToStatus(api.CreateTensorWithDataAsOrtValue(
                         cpu_memory_, data, t.bytes.size(), t.shape.data(),
                         t.shape.size(), inputs_[i].element_type, &raw),
                     absl::StrCat("model '", name_, "': input '", t.name, "'"));
    values.push_back(Own(raw, api.ReleaseValue));
    if (!s.ok()) return s;
    value_ptrs.push_back(raw);
  }

  // Outputs of a static shape into strings of our own (see the header).
  const bool preallocate = preallocate_outputs_.load(std::memory_order_relaxed);
  std::vector<std::string> buffers(outputs_.size());
  std::vector<ort::Value*> raw_outputs(outputs_.size(), nullptr);
  // Releases the output values, whoever allocated them.
  auto release_outputs = [&] {
    for (ort::Value*& v : raw_outputs) {
      if (v != nullptr) api.ReleaseValue(v);
      v = nullptr;
    }
  };
  for (size_t i = 0; preallocate && i < outputs_.size(); ++i) {
    const size_t bytes = static_output_bytes_[i];
    if (bytes == 0) continue;
    buffers[i].resize(bytes);
    absl::Status s = lib.ToStatus(
        api.CreateTensorWithDataAsOrtValue(
            cpu_memory_, buffers[i].data(), bytes, outputs_[i].shape.data(),
            outputs_[i].shape.size(), outputs_[i].element_type,
            &raw_outputs[i]),
        absl::StrCat("model '", name_, "': output '", outputs_[i].name, "'"));
    if (!s.ok()) {
      release_outputs();
      return s;
    }
  }
  ort::Status* run_status = RunOnce(value_ptrs, &raw_outputs);
  if (run_status != nullptr && preallocate &&
      std::any_of(static_output_bytes_.begin(), static_output_bytes_.end(),
                  [](size_t b) { return b > 0; })) {
    // Perhaps ORT refused a buffer (a declared shape that is wrong): once
    // more with ORT's own outputs, which tells.
    release_outputs();
    for (std::string& b : buffers) b = std::string();
    ort::Status* first = run_status;
    run_status = RunOnce(value_ptrs, &raw_outputs);
    lib.ToStatus(first, "").IgnoreError();  // releases it
    if (run_status == nullptr) {
      preallocate_outputs_.store(false, std::memory_order_relaxed);
    }
  }
  if (absl::Status s =
          lib.ToStatus(run_status, absl::StrCat("model '", name_, "': run"));
      !s.ok()) {
    release_outputs();
    return s;
  }

  std::vector<Tensor> result(outputs_.size());
  absl::Status status;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    // ORT fills a pre-allocated value; should it hand back another one,
    // that one is the output.
    void* data = nullptr;
    if (!buffers[i].empty() &&
        lib.ToStatus(api.GetTensorMutableData(raw_outputs[i], &data), "")
            .ok() &&
        data == buffers[i].data()) {
      api.ReleaseValue(raw_outputs[i]);
      raw_outputs[i] = nullptr;
      Tensor& t = result[i];
      t.name = outputs_[i].name;
      t.dtype = ToDataType(outputs_[i].element_type);
      t.shape = outputs_[i].shape;
      t.bytes = std::move(buffers[i]);
      continue;
    }
    ort::Value* v = raw_outputs[i];
    raw_outputs[i] = nullptr;  // ToTensor owns it now
    absl::StatusOr<Tensor> t = ToTensor(outputs_[i].name, v);
    if (!t.ok() && status.ok()) status = t.status();
    if (t.ok()) result[i] = *std::move(t);
  }
  if (!status.ok()) return status;
  return result;
}

ort::Status* OrtSession::RunOnce(const std::vector<const ort::Value*>& inputs,
                                 std::vector<ort::Value*>* outputs) const {
  const ort::Api& api = lib_->api();
  ort::RunOptions* raw_run = nullptr;
  if (ort::Status* s = api.CreateRunOptions(&raw_run)) return s;
  Owned<ort::RunOptions> run_options = Own(raw_run, api.ReleaseRunOptions);
  return api.Run(session_, run_options.get(), input_names_.data(),
                 inputs.data(), inputs.size(), output_names_.data(),
                 output_names_.size(), outputs->data());
}

absl::StatusOr<Tensor> OrtSession::ToTensor(const std::string& name,
                                            ort::Value* value) const {
  const OrtLibrary& lib = *lib_;
  const ort::Api& api = lib.api();
  const std::string what =
      absl::StrCat("model '", name_, "': output '", name, "'");
  if (value == nullptr) {
    return absl::InternalError(absl::StrCat(what, ": ORT returned no value"));
  }
  auto held = std::make_shared<const HeldValue>(lib_, value);
  ort::TensorTypeAndShapeInfo* raw_info = nullptr;
  if (absl::Status s =
          lib.ToStatus(api.GetTensorTypeAndShape(value, &raw_info), what);
      !s.ok()) {
    return s;
  }
  Owned<ort::TensorTypeAndShapeInfo> info =
      Own(raw_info, api.ReleaseTensorTypeAndShapeInfo);
  ort::ElementType element_type = ort::ElementType::kUndefined;
  size_t rank = 0, count = 0;
  if (absl::Status s = lib.ToStatus(
          api.GetTensorElementType(info.get(), &element_type), what);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          lib.ToStatus(api.GetDimensionsCount(info.get(), &rank), what);
      !s.ok()) {
    return s;
  }
  Tensor t;
  t.name = name;
  t.shape.assign(rank, 0);
  if (absl::Status s = lib.ToStatus(
          api.GetDimensions(info.get(), t.shape.data(), rank), what);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = lib.ToStatus(
          api.GetTensorShapeElementCount(info.get(), &count), what);
      !s.ok()) {
    return s;
  }
  t.dtype = ToDataType(element_type);
  if (t.dtype == DataType::kUnspecified) {  // Describe refused such outputs
    return absl::InternalError(
        absl::StrCat(what, " came back as ", ElementTypeName(element_type)));
  }
  const size_t size = static_cast<size_t>(ElementSize(t.dtype));
  if (count > std::numeric_limits<size_t>::max() / size) {
    return absl::InternalError(
        absl::StrCat(what, ": ", count, " elements overflow size_t"));
  }
  const size_t bytes = count * size;
  if (bytes > 0) {
    void* data = nullptr;
    if (absl::Status s =
            lib.ToStatus(api.GetTensorMutableData(value, &data), what);
        !s.ok()) {
      return s;
    }
    t.bytes = TensorBytes::Borrow(
        absl::string_view(static_cast<const char*>(data), bytes),
        std::move(held));
  }
  return t;
}

}  // namespace joule
