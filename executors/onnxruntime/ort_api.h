// ort_api.h: joule's own declarations of the part of ONNX Runtime's C API
// that executors/onnxruntime uses, written from ORT's documentation of
// onnxruntime_c_api.h (no ORT header is included or copied).
//
// How ORT's C API is reached: the shared library exports one C function,
// OrtGetApiBase(), returning an OrtApiBase of two function pointers,
// GetApi(version) and GetVersionString(). GetApi returns the OrtApi: a
// struct made only of function pointers, i.e. an array of them. ORT's ABI
// rule is that the struct is append-only (a released version's entries never
// move; onnxruntime_c_api.cc static_asserts the offsets of several), so every
// entry has a fixed index, the same in every library that offers the
// requested API version. JOULE_ORT_API_ENTRIES lists the entries used here,
// each with its index (its position in ORT's struct OrtApi) and its
// signature; BindApi() copies them out of a library's table into an Api.
//
// The handle types are opaque (only pointers to them are used) and live in
// joule::ort, so nothing here collides with ORT's own global names. Enums are
// given ORT's values; only the values joule uses are named, and any other
// value ORT returns is kept as a number.
//
// Thread-safety: declarations only. An Api is immutable once bound and may
// be shared by any number of threads; what may be called concurrently on
// one ORT object is ORT's rule for that object (a session may be Run from
// several threads at once: ort_session.h).
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_API_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_API_H_

#include <cstddef>
#include <cstdint>

namespace joule::ort {

// The OrtApi version joule asks GetApi for (ORT_API_VERSION of the headers
// this file was written against). ORT 1.x offers API versions 1..x, so this
// needs onnxruntime >= 1.30. Every entry below is already in API version 13's
// OrtApi; lowering this to accept an older library is a one-line change once
// that library is tested. The pinned fetch (scripts/fetch-onnxruntime.sh) is
// 1.30.0.
inline constexpr uint32_t kApiVersion = 30;

// The symbol the library exports.
inline constexpr const char kGetApiBaseSymbol[] = "OrtGetApiBase";

// ---- Opaque handles (ORT's OrtStatus, OrtEnv, ...) -------------------------
struct Status;
struct Env;
struct SessionOptions;
struct Session;
struct RunOptions;
struct TypeInfo;
struct TensorTypeAndShapeInfo;
struct MemoryInfo;
struct Value;
// ORT's OrtAllocator is a public struct of callbacks; joule only hands the
// default allocator back to ORT (AllocatorFree), so it stays opaque here.
struct Allocator;
struct CUDAProviderOptionsV2;
struct TensorRTProviderOptionsV2;

// ---- Enums, with ORT's values ----------------------------------------------
// OrtErrorCode.
enum class ErrorCode : int {
  kOk = 0,
  kFail = 1,
  kInvalidArgument = 2,
  kNoSuchFile = 3,
  kNoModel = 4,
  kEngineError = 5,
  kRuntimeException = 6,
  kInvalidProtobuf = 7,
  kModelLoaded = 8,
  kNotImplemented = 9,
  kInvalidGraph = 10,
  kEpFail = 11,
};

// ExecutionMode: nodes one after another, or independent ones concurrently
// on the session's inter-op pool.
enum class ExecutionMode : int {
  kSequential = 0,
  kParallel = 1,
};

// OrtLoggingLevel: the least severe message the default logger prints.
enum class LoggingLevel : int {
  kVerbose = 0,
  kInfo = 1,
  kWarning = 2,
  kError = 3,
  kFatal = 4,
};

// OrtLoggingFunction: receives each message of an environment created with
// CreateEnvWithCustomLogger, on whichever thread logs it.
using LoggingFunction = void (*)(void* param, LoggingLevel severity,
                                 const char* category, const char* logid,
                                 const char* code_location,
                                 const char* message);

// GraphOptimizationLevel.
enum class GraphOptimizationLevel : int {
  kDisableAll = 0,
  kEnableBasic = 1,
  kEnableExtended = 2,
  kEnableAll = 99,
};

// ONNXTensorElementDataType (the values of onnx.TensorProto.DataType).
enum class ElementType : int {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
};

// ONNXType: what a graph input or output holds.
enum class OnnxType : int {
  kUnknown = 0,
  kTensor = 1,
  kSequence = 2,
  kMap = 3,
  kOpaque = 4,
  kSparseTensor = 5,
  kOptional = 6,
};

// OrtAllocatorType.
enum class AllocatorType : int {
  kInvalid = -1,
  kDevice = 0,
  kArena = 1,
};

// OrtMemType.
enum class MemType : int {
  kCpuInput = -2,
  kCpuOutput = -1,
  kDefault = 0,
};

// ---- OrtApiBase and the entry point ----------------------------------------
// The table GetApi returns: ORT's struct OrtApi, read as the array of
// function pointers it is.
using ApiTable = void (*const*)();

struct ApiBase {
  // ORT returns const OrtApi*: nullptr when the library does not offer
  // `version` (it is older than the headers of that version).
  const void* (*GetApi)(uint32_t version) noexcept;
  // "1.30.0".
  const char* (*GetVersionString)() noexcept;
};

// const OrtApiBase* OrtGetApiBase(void), exported by the library.
using GetApiBaseFn = const ApiBase* (*)() noexcept;

// ---- The OrtApi entries joule uses -----------------------------------------
// X(index, name, return type, (parameters)). The index is the entry's
// position in ORT's struct OrtApi; the names are ORT's. Entries returning
// Status* return nullptr on success, else a status the caller releases with
// ReleaseStatus (OrtLibrary::ToStatus does, in one place).
// clang-format off
#define JOULE_ORT_API_ENTRIES(X)                                              \
  /* A status with `code` and a copy of `msg`. */                             \
  X(0, CreateStatus, Status*, (ErrorCode code, const char* msg))             \
  X(1, GetErrorCode, ErrorCode, (const Status* status))                      \
  /* Owned by `status`. */                                                    \
  X(2, GetErrorMessage, const char*, (const Status* status))                 \
  /* ORT keeps one environment per process: a second call returns the same  \
     one, reference-counted. */                                              \
  X(3, CreateEnv, Status*,                                                   \
    (LoggingLevel log_severity_level, const char* logid, Env** out))         \
  /* As CreateEnv, messages going to `logging_function` instead of stderr   \
     (the process's first environment decides). */                           \
  X(4, CreateEnvWithCustomLogger, Status*,                                   \
    (LoggingFunction logging_function, void* logger_param,                   \
     LoggingLevel log_severity_level, const char* logid, Env** out))         \
  /* Parses and initialises the model held in memory. */                     \
  X(8, CreateSessionFromArray, Status*,                                      \
    (const Env* env, const void* model_data, size_t model_data_length,       \
     const SessionOptions* options, Session** out))                          \
  /* Blocks until done. outputs[i] may be nullptr on entry: ORT allocates    \
     the value; the caller releases it with ReleaseValue. */                 \
  X(9, Run, Status*,                                                         \
    (Session* session, const RunOptions* run_options,                        \
     const char* const* input_names, const Value* const* inputs,             \
     size_t input_len, const char* const* output_names,                      \
     size_t output_names_len, Value** outputs))                              \
  X(10, CreateSessionOptions, Status*, (SessionOptions** options))           \
  X(13, SetSessionExecutionMode, Status*,                                    \
    (SessionOptions* options, ExecutionMode execution_mode))                 \
  X(23, SetSessionGraphOptimizationLevel, Status*,                           \
    (SessionOptions* options, GraphOptimizationLevel level))                 \
  /* 0: ORT's default. */                                                     \
  X(24, SetIntraOpNumThreads, Status*,                                       \
    (SessionOptions* options, int intra_op_num_threads))                     \
  /* Used only in ORT's parallel execution mode. 0: ORT's default. */        \
  X(25, SetInterOpNumThreads, Status*,                                       \
    (SessionOptions* options, int inter_op_num_threads))                     \
  X(30, SessionGetInputCount, Status*, (const Session* session, size_t* out))  \
  X(31, SessionGetOutputCount, Status*, (const Session* session, size_t* out)) \
  /* Release `type_info` with ReleaseTypeInfo. */                            \
  X(33, SessionGetInputTypeInfo, Status*,                                    \
    (const Session* session, size_t index, TypeInfo** type_info))            \
  X(34, SessionGetOutputTypeInfo, Status*,                                   \
    (const Session* session, size_t index, TypeInfo** type_info))            \
  /* `value` is allocated with `allocator`; free it with AllocatorFree. */   \
  X(36, SessionGetInputName, Status*,                                        \
    (const Session* session, size_t index, Allocator* allocator,             \
     char** value))                                                          \
  X(37, SessionGetOutputName, Status*,                                       \
    (const Session* session, size_t index, Allocator* allocator,             \
     char** value))                                                          \
  X(39, CreateRunOptions, Status*, (RunOptions** out))                       \
  /* A tensor over the caller's buffer (not copied, not freed by ORT); the   \
     buffer must hold at least the shape's bytes and outlive the value. */   \
  X(49, CreateTensorWithDataAsOrtValue, Status*,                             \
    (const MemoryInfo* info, void* p_data, size_t p_data_len,                \
     const int64_t* shape, size_t shape_len, ElementType type, Value** out)) \
  /* Valid until `value` is released. */                                     \
  X(51, GetTensorMutableData, Status*, (Value* value, void** out))           \
  /* *out is owned by `type_info`; nullptr when it is not a tensor. */       \
  X(55, CastTypeInfoToTensorInfo, Status*,                                   \
    (const TypeInfo* type_info, const TensorTypeAndShapeInfo** out))         \
  X(56, GetOnnxTypeFromTypeInfo, Status*,                                    \
    (const TypeInfo* type_info, OnnxType* out))                              \
  X(60, GetTensorElementType, Status*,                                       \
    (const TensorTypeAndShapeInfo* info, ElementType* out))                  \
  X(61, GetDimensionsCount, Status*,                                         \
    (const TensorTypeAndShapeInfo* info, size_t* out))                       \
  /* -1 for a dynamic (symbolic or unknown) dimension. */                    \
  X(62, GetDimensions, Status*,                                              \
    (const TensorTypeAndShapeInfo* info, int64_t* dim_values,                \
     size_t dim_values_length))                                              \
  /* The product of the dims; 1 for rank 0. */                               \
  X(64, GetTensorShapeElementCount, Status*,                                 \
    (const TensorTypeAndShapeInfo* info, size_t* out))                       \
  /* Release `out` with ReleaseTensorTypeAndShapeInfo. */                    \
  X(65, GetTensorTypeAndShape, Status*,                                      \
    (const Value* value, TensorTypeAndShapeInfo** out))                      \
  X(69, CreateCpuMemoryInfo, Status*,                                        \
    (AllocatorType type, MemType mem_type, MemoryInfo** out))                \
  X(76, AllocatorFree, Status*, (Allocator* allocator, void* p))             \
  /* ORT's CPU allocator; never released. */                                 \
  X(78, GetAllocatorWithDefaultOptions, Status*, (Allocator** out))          \
  /* The Release* entries accept nullptr. */                                 \
  X(92, ReleaseEnv, void, (Env* input))                                      \
  X(93, ReleaseStatus, void, (Status* input))                                \
  X(94, ReleaseMemoryInfo, void, (MemoryInfo* input))                        \
  X(95, ReleaseSession, void, (Session* input))                              \
  X(96, ReleaseValue, void, (Value* input))                                  \
  X(97, ReleaseRunOptions, void, (RunOptions* input))                        \
  X(98, ReleaseTypeInfo, void, (TypeInfo* input))                            \
  X(99, ReleaseTensorTypeAndShapeInfo, void, (TensorTypeAndShapeInfo* input)) \
  X(100, ReleaseSessionOptions, void, (SessionOptions* input))               \
  /* The providers this build of ORT has (not all may load on this host:    \
     their own libraries and drivers are checked when appended). */          \
  X(125, GetAvailableProviders, Status*,                                     \
    (char*** out_ptr, int* provider_length))                                 \
  X(126, ReleaseAvailableProviders, Status*,                                 \
    (char** ptr, int providers_length))                                      \
  /* Keys and values as ORT's onnxruntime_session_options_config_keys.h. */  \
  X(130, AddSessionConfigEntry, Status*,                                     \
    (SessionOptions* options, const char* config_key,                        \
     const char* config_value))                                              \
  X(170, SessionOptionsAppendExecutionProvider_TensorRT_V2, Status*,         \
    (SessionOptions* options, const TensorRTProviderOptionsV2* options_v2))  \
  X(171, CreateTensorRTProviderOptions, Status*,                             \
    (TensorRTProviderOptionsV2** out))                                       \
  X(172, UpdateTensorRTProviderOptions, Status*,                             \
    (TensorRTProviderOptionsV2* tensorrt_options,                            \
     const char* const* provider_options_keys,                               \
     const char* const* provider_options_values, size_t num_keys))           \
  X(174, ReleaseTensorRTProviderOptions, void,                               \
    (TensorRTProviderOptionsV2* input))                                      \
  X(204, SessionOptionsAppendExecutionProvider_CUDA_V2, Status*,             \
    (SessionOptions* options, const CUDAProviderOptionsV2* cuda_options))    \
  X(205, CreateCUDAProviderOptions, Status*, (CUDAProviderOptionsV2** out))  \
  X(206, UpdateCUDAProviderOptions, Status*,                                 \
    (CUDAProviderOptionsV2* cuda_options,                                    \
     const char* const* provider_options_keys,                               \
     const char* const* provider_options_values, size_t num_keys))           \
  X(208, ReleaseCUDAProviderOptions, void, (CUDAProviderOptionsV2* input))   \
  /* By name, for providers without a dedicated entry (ORT's documentation   \
     lists QNN, OpenVINO, XNNPACK, WEBNN, WebGPU, AZURE, JS, VitisAI,        \
     CoreML). */                                                             \
  X(216, SessionOptionsAppendExecutionProvider, Status*,                     \
    (SessionOptions* options, const char* provider_name,                     \
     const char* const* provider_options_keys,                               \
     const char* const* provider_options_values, size_t num_keys))
// clang-format on

// The bound entries, one function pointer member per entry, named as in ORT.
struct Api {
#define JOULE_ORT_API_MEMBER(index, name, ret, params) \
  ret(*name) params noexcept = nullptr;
  JOULE_ORT_API_ENTRIES(JOULE_ORT_API_MEMBER)
#undef JOULE_ORT_API_MEMBER
};

// Every entry's index and name, in index order (tests walk it).
struct ApiEntry {
  size_t index;
  const char* name;
};
inline constexpr ApiEntry kApiEntries[] = {
#define JOULE_ORT_API_ENTRY(index, name, ret, params) {index, #name},
    JOULE_ORT_API_ENTRIES(JOULE_ORT_API_ENTRY)
#undef JOULE_ORT_API_ENTRY
};

// The highest index used: a table must have at least this many + 1 entries,
// which every library offering kApiVersion has.
inline constexpr size_t kMaxApiIndex =
    kApiEntries[sizeof(kApiEntries) / sizeof(kApiEntries[0]) - 1].index;

// Copies every entry of `table` (what GetApi(kApiVersion) returned) into an
// Api. Reads only the indices above.
inline Api BindApi(const void* table) {
  const ApiTable entries = static_cast<ApiTable>(table);
  Api api;
#define JOULE_ORT_API_BIND(index, name, ret, params) \
  api.name = reinterpret_cast<decltype(api.name)>(entries[index]);
  JOULE_ORT_API_ENTRIES(JOULE_ORT_API_BIND)
#undef JOULE_ORT_API_BIND
  return api;
}

}  // namespace joule::ort

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_API_H_
