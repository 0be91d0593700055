// Every OrtApi entry declared in ort_api.h, called directly on the real
// fetched library with its effect checked: a wrong index or signature would
// call another function and fail here (or crash) rather than in a session.
//
//   [0] CreateStatus, [1] GetErrorCode, [2] GetErrorMessage, [93]
//       ReleaseStatus ............................ StatusRoundTrip
//   [3] CreateEnv, [92] ReleaseEnv .............. EnvIsTheProcessOne
//   [4] CreateEnvWithCustomLogger ............... MessagesGoToTheLog
//   [10] CreateSessionOptions, [100] ReleaseSessionOptions, [23]
//       SetSessionGraphOptimizationLevel ...... OptimizationLevelIsChecked
//   [24] SetIntraOpNumThreads .....................
//   IntraOpThreadsArePoolThreads [125] GetAvailableProviders, [126]
//   ReleaseAvailableProviders, [216]
//       SessionOptionsAppendExecutionProvider ... ProvidersByName
//   [130] AddSessionConfigEntry .................. SessionConfigEntriesApply
//   [205] CreateCUDAProviderOptions, [206] UpdateCUDAProviderOptions,
//       [204] ..._CUDA_V2, [208] ReleaseCUDAProviderOptions, and TensorRT's
//       [171] [172] [170] [174] ................... GpuProvidersAreRefused
//   [8] CreateSessionFromArray, [95] ReleaseSession, [30] [31] counts,
//       [36] [37] names, [78] GetAllocatorWithDefaultOptions, [76]
//       AllocatorFree, [33] [34] type infos, [56] GetOnnxTypeFromTypeInfo,
//       [55] CastTypeInfoToTensorInfo, [60] GetTensorElementType, [61]
//       GetDimensionsCount, [62] GetDimensions, [64]
//       GetTensorShapeElementCount, [98] ReleaseTypeInfo . SessionDescribes
//   element type values .......................... ElementTypesAsOrtSeesThem
//   [69] CreateCpuMemoryInfo, [94] ReleaseMemoryInfo, [49]
//       CreateTensorWithDataAsOrtValue, [51] GetTensorMutableData, [65]
//       GetTensorTypeAndShape, [99] ReleaseTensorTypeAndShapeInfo, [96]
//       ReleaseValue .............................. ValuesBorrowTheBuffer
//   [39] CreateRunOptions, [97] ReleaseRunOptions, [9] Run . RunMatchesNumpy
#include "executors/onnxruntime/ort_api.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_session.h"
#include "executors/onnxruntime/ort_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ringbuffer_sink.h"
#include "spdlog/spdlog.h"
#include "tests/reference_models/reference_models.h"

namespace joule {
namespace {

using ort::ElementType;
using ort_test::Library;
using ort_test::OrtModelBytes;
using ort_test::ThreadCount;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Fails the test with ORT's message for a non-null status.
#define ORT_ASSERT_OK(lib, call)                     \
  do {                                               \
    absl::Status _s = (lib).ToStatus((call), #call); \
    ASSERT_TRUE(_s.ok()) << _s;                      \
  } while (0)

class OrtApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lib_ = Library();
    ASSERT_NE(lib_, nullptr);
  }
  const ort::Api& api() const { return lib_->api(); }

  // A session on `bytes` with default options; released by TearDown.
  ort::Session* NewSession(const std::string& bytes) {
    ort::SessionOptions* options = nullptr;
    EXPECT_EQ(api().CreateSessionOptions(&options), nullptr);
    ort::Session* s = nullptr;
    absl::Status st =
        lib_->ToStatus(api().CreateSessionFromArray(lib_->env(), bytes.data(),
                                                    bytes.size(), options, &s),
                       "CreateSessionFromArray");
    api().ReleaseSessionOptions(options);
    EXPECT_TRUE(st.ok()) << st;
    sessions_.push_back(s);
    return s;
  }
  void TearDown() override {
    for (ort::Session* s : sessions_) api().ReleaseSession(s);
  }

  std::shared_ptr<const OrtLibrary> lib_;
  std::vector<ort::Session*> sessions_;
};

// An entry with an effect one can see: with session.load_model_format ORT,
// ONNX bytes are refused; with ONNX they load.
TEST_F(OrtApiTest, SessionConfigEntriesApply) {
  const std::string bytes = reference_models::ModelBytes("mlp");
  for (const char* format : {"ORT", "ONNX"}) {
    ort::SessionOptions* options = nullptr;
    ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&options));
    ORT_ASSERT_OK(*lib_, api().AddSessionConfigEntry(
                             options, "session.load_model_format", format));
    ORT_ASSERT_OK(*lib_, api().AddSessionConfigEntry(
                             options, "session.intra_op.allow_spinning", "0"));
    ort::Session* s = nullptr;
    absl::Status st =
        lib_->ToStatus(api().CreateSessionFromArray(lib_->env(), bytes.data(),
                                                    bytes.size(), options, &s),
                       "CreateSessionFromArray");
    api().ReleaseSessionOptions(options);
    if (s != nullptr) api().ReleaseSession(s);
    EXPECT_EQ(st.ok(), std::string(format) == "ONNX") << format << ": " << st;
  }
}

TEST_F(OrtApiTest, EntriesAreInIndexOrderAndAllBound) {
  size_t last = 0;
  for (size_t i = 0; i < std::size(ort::kApiEntries); ++i) {
    if (i > 0) {
      EXPECT_GT(ort::kApiEntries[i].index, last) << i;
    }
    last = ort::kApiEntries[i].index;
  }
  EXPECT_EQ(last, ort::kMaxApiIndex);
#define JOULE_EXPECT_BOUND(index, name, ret, params) \
  EXPECT_NE(api().name, nullptr) << #name;
  JOULE_ORT_API_ENTRIES(JOULE_EXPECT_BOUND)
#undef JOULE_EXPECT_BOUND
}

TEST_F(OrtApiTest, StatusRoundTrip) {
  for (int code = 1; code <= 11; ++code) {
    const std::string msg = absl::StrCat("message ", code);
    ort::Status* s =
        api().CreateStatus(static_cast<ort::ErrorCode>(code), msg.c_str());
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(static_cast<int>(api().GetErrorCode(s)), code);
    EXPECT_STREQ(api().GetErrorMessage(s), msg.c_str());
    api().ReleaseStatus(s);

    // ToStatus: the same, as absl, the status released.
    absl::Status a = lib_->ToStatus(
        api().CreateStatus(static_cast<ort::ErrorCode>(code), msg.c_str()),
        "ctx");
    EXPECT_EQ(a.code(), ToAbslCode(static_cast<ort::ErrorCode>(code)));
    EXPECT_EQ(std::string(a.message()), "ctx: " + msg);
  }
  EXPECT_TRUE(lib_->ToStatus(nullptr, "ctx").ok());
}

TEST_F(OrtApiTest, EnvIsTheProcessOne) {
  ort::Env* env = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateEnv(ort::LoggingLevel::kWarning, "t", &env));
  EXPECT_EQ(env, lib_->env());  // one per process, counted
  api().ReleaseEnv(env);
  // The library's reference keeps it: sessions still come from it.
  NewSession(reference_models::ModelBytes("mlp"));
}

// The library created the process's environment with its own logger: an
// error ORT logs (here: CUDA's provider bridge failing to load) arrives in
// spdlog's default logger, not on stderr.
TEST_F(OrtApiTest, MessagesGoToTheLog) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  std::shared_ptr<spdlog::logger> before = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  OrtSessionConfig cuda;
  cuda.provider = "CUDA";
  EXPECT_FALSE(OrtCheckSessionConfig(*lib_, cuda).ok());
  spdlog::set_default_logger(before);
  bool seen = false;
  for (const std::string& line : sink->last_formatted()) {
    seen = seen || line.find("onnxruntime: ") != std::string::npos;
  }
  EXPECT_TRUE(seen) << "no ORT message reached the log";
}

TEST_F(OrtApiTest, OptimizationLevelIsChecked) {
  ort::SessionOptions* o = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
  ASSERT_NE(o, nullptr);
  for (auto level : {ort::GraphOptimizationLevel::kDisableAll,
                     ort::GraphOptimizationLevel::kEnableBasic,
                     ort::GraphOptimizationLevel::kEnableExtended,
                     ort::GraphOptimizationLevel::kEnableAll}) {
    EXPECT_EQ(api().SetSessionGraphOptimizationLevel(o, level), nullptr);
  }
  absl::Status s =
      lib_->ToStatus(api().SetSessionGraphOptimizationLevel(
                         o, static_cast<ort::GraphOptimizationLevel>(42)),
                     "level 42");
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("graph_optimization_level is not valid"));
  api().ReleaseSessionOptions(o);
}

TEST_F(OrtApiTest, IntraOpThreadsArePoolThreads) {
  const std::string bytes = reference_models::ModelBytes("mlp");
  for (int threads : {1, 3}) {
    ort::SessionOptions* o = nullptr;
    ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
    ORT_ASSERT_OK(*lib_, api().SetIntraOpNumThreads(o, threads));
    const int before = ThreadCount();
    ort::Session* s = nullptr;
    ORT_ASSERT_OK(*lib_, api().CreateSessionFromArray(lib_->env(), bytes.data(),
                                                      bytes.size(), o, &s));
    // The pool counts the calling thread.
    EXPECT_EQ(ThreadCount() - before, threads - 1) << threads;
    api().ReleaseSession(s);
    EXPECT_EQ(ThreadCount(), before) << "joined on release";
    api().ReleaseSessionOptions(o);
  }
}

TEST_F(OrtApiTest, InterOpThreadsRunInParallelMode) {
  const std::string bytes = reference_models::ModelBytes("cnn");
  for (auto mode :
       {ort::ExecutionMode::kSequential, ort::ExecutionMode::kParallel}) {
    ort::SessionOptions* o = nullptr;
    ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
    ORT_ASSERT_OK(*lib_, api().SetIntraOpNumThreads(o, 1));
    ORT_ASSERT_OK(*lib_, api().SetSessionExecutionMode(o, mode));
    ORT_ASSERT_OK(*lib_, api().SetInterOpNumThreads(o, 3));
    const int before = ThreadCount();
    ort::Session* s = nullptr;
    ORT_ASSERT_OK(*lib_, api().CreateSessionFromArray(lib_->env(), bytes.data(),
                                                      bytes.size(), o, &s));
    // Only the parallel mode has an inter-op pool (counting the caller).
    EXPECT_EQ(ThreadCount() - before,
              mode == ort::ExecutionMode::kParallel ? 2 : 0);
    api().ReleaseSession(s);
    api().ReleaseSessionOptions(o);
  }
  ort::SessionOptions* o = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
  absl::Status s = lib_->ToStatus(
      api().SetSessionExecutionMode(o, static_cast<ort::ExecutionMode>(7)),
      "mode 7");
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("execution_mode is not valid"));
  api().ReleaseSessionOptions(o);
}

TEST_F(OrtApiTest, ProvidersByName) {
  char** names = nullptr;
  int count = 0;
  ORT_ASSERT_OK(*lib_, api().GetAvailableProviders(&names, &count));
  std::vector<std::string> listed(names, names + count);
  ORT_ASSERT_OK(*lib_, api().ReleaseAvailableProviders(names, count));
  EXPECT_THAT(listed, ::testing::Contains("CPUExecutionProvider"));
  EXPECT_EQ(listed, lib_->available_providers());

  ort::SessionOptions* o = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
  const char* key[] = {"no_such_key"};
  const char* value[] = {"1"};
  absl::Status s = lib_->ToStatus(api().SessionOptionsAppendExecutionProvider(
                                      o, "NoSuchProvider", key, value, 1),
                                  "append");
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("Unknown provider name 'NoSuchProvider'"));
  s = lib_->ToStatus(api().SessionOptionsAppendExecutionProvider(
                         o, "XNNPACK", nullptr, nullptr, 0),
                     "append");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("XNNPACK execution provider is not "
                        "supported in this build"));
  // ORT's own CPU provider is accepted by name.
  EXPECT_EQ(api().SessionOptionsAppendExecutionProvider(o, "CPU", nullptr,
                                                        nullptr, 0),
            nullptr);
  api().ReleaseSessionOptions(o);
}

// The fetched CPU package lists CUDA and TensorRT but lacks their provider
// libraries (libonnxruntime_providers_*.so), so appending them is refused
// with ORT's reason.
TEST_F(OrtApiTest, GpuProvidersAreRefused) {
  ort::SessionOptions* o = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateSessionOptions(&o));
  const char* key[] = {"device_id"};
  const char* value[] = {"0"};

  ort::CUDAProviderOptionsV2* cuda = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateCUDAProviderOptions(&cuda));
  ASSERT_NE(cuda, nullptr);
  absl::Status s = lib_->ToStatus(
      api().UpdateCUDAProviderOptions(cuda, key, value, 1), "update");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("libonnxruntime_providers_shared.so"));
  s = lib_->ToStatus(
      api().SessionOptionsAppendExecutionProvider_CUDA_V2(o, cuda), "append");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("Cuda: Failed to load shared library"));
  api().ReleaseCUDAProviderOptions(cuda);

  ort::TensorRTProviderOptionsV2* trt = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateTensorRTProviderOptions(&trt));
  ASSERT_NE(trt, nullptr);
  s = lib_->ToStatus(api().UpdateTensorRTProviderOptions(trt, key, value, 1),
                     "update");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("libonnxruntime_providers_shared.so"));
  s = lib_->ToStatus(
      api().SessionOptionsAppendExecutionProvider_TensorRT_V2(o, trt),
      "append");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("TensorRT: Failed to load shared library"));
  api().ReleaseTensorRTProviderOptions(trt);
  api().ReleaseSessionOptions(o);
}

// One input or output as the raw entries describe it.
struct Described {
  std::string name;
  ort::OnnxType onnx_type = ort::OnnxType::kUnknown;
  bool is_tensor = false;
  ElementType element_type = ElementType::kUndefined;
  std::vector<int64_t> dims;
  // GetTensorShapeElementCount's answer, or its refusal for a dynamic dim.
  absl::StatusOr<size_t> element_count = 0;
};

Described Describe(const OrtLibrary& lib, ort::Session* s, bool input,
                   size_t i) {
  const ort::Api& api = lib.api();
  Described d;
  ort::Allocator* alloc = nullptr;
  ort::Allocator* again = nullptr;
  EXPECT_EQ(api.GetAllocatorWithDefaultOptions(&alloc), nullptr);
  EXPECT_EQ(api.GetAllocatorWithDefaultOptions(&again), nullptr);
  EXPECT_EQ(alloc, again) << "always the same allocator";
  char* name = nullptr;
  EXPECT_EQ(input ? api.SessionGetInputName(s, i, alloc, &name)
                  : api.SessionGetOutputName(s, i, alloc, &name),
            nullptr);
  d.name = name;
  EXPECT_EQ(api.AllocatorFree(alloc, name), nullptr);
  ort::TypeInfo* type = nullptr;
  EXPECT_EQ(input ? api.SessionGetInputTypeInfo(s, i, &type)
                  : api.SessionGetOutputTypeInfo(s, i, &type),
            nullptr);
  EXPECT_EQ(api.GetOnnxTypeFromTypeInfo(type, &d.onnx_type), nullptr);
  const ort::TensorTypeAndShapeInfo* t = nullptr;
  EXPECT_EQ(api.CastTypeInfoToTensorInfo(type, &t), nullptr);
  d.is_tensor = t != nullptr;
  if (t != nullptr) {
    EXPECT_EQ(api.GetTensorElementType(t, &d.element_type), nullptr);
    size_t rank = 0;
    EXPECT_EQ(api.GetDimensionsCount(t, &rank), nullptr);
    d.dims.assign(rank, 0);
    EXPECT_EQ(api.GetDimensions(t, d.dims.data(), rank), nullptr);
    size_t count = 0;
    absl::Status s =
        lib.ToStatus(api.GetTensorShapeElementCount(t, &count), "count");
    d.element_count = s.ok() ? absl::StatusOr<size_t>(count) : s;
  }
  api.ReleaseTypeInfo(type);
  return d;
}

TEST_F(OrtApiTest, SessionDescribes) {
  ort::Session* s = NewSession(reference_models::ModelBytes("cnn"));
  size_t inputs = 0, outputs = 0;
  ORT_ASSERT_OK(*lib_, api().SessionGetInputCount(s, &inputs));
  ORT_ASSERT_OK(*lib_, api().SessionGetOutputCount(s, &outputs));
  EXPECT_EQ(inputs, 1u);
  EXPECT_EQ(outputs, 1u);
  Described x = Describe(*lib_, s, true, 0);
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.onnx_type, ort::OnnxType::kTensor);
  EXPECT_EQ(x.element_type, ElementType::kFloat);
  EXPECT_THAT(x.dims, ElementsAre(1, 3, 16, 16));
  EXPECT_EQ(x.element_count.value_or(0), 3u * 16 * 16);
  Described y = Describe(*lib_, s, false, 0);
  EXPECT_EQ(y.name, "y");
  EXPECT_THAT(y.dims, ElementsAre(1, 10));

  // A dynamic dim is -1 (and the element count then is not known).
  Described dyn = Describe(
      *lib_, NewSession(reference_models::ModelBytes("mlp_dynamic")), true, 0);
  EXPECT_THAT(dyn.dims, ElementsAre(-1, 16));

  // A sequence output is no tensor.
  Described seq =
      Describe(*lib_, NewSession(OrtModelBytes("sequence_out")), false, 0);
  EXPECT_EQ(seq.name, "seq");
  EXPECT_EQ(seq.onnx_type, ort::OnnxType::kSequence);
  EXPECT_FALSE(seq.is_tensor);
}

TEST_F(OrtApiTest, ElementTypesAsOrtSeesThem) {
  ort::Session* s = NewSession(OrtModelBytes("dtypes"));
  const std::vector<std::pair<std::string, ElementType>> want = {
      {"f32", ElementType::kFloat}, {"f16", ElementType::kFloat16},
      {"i8", ElementType::kInt8},   {"u8", ElementType::kUint8},
      {"i32", ElementType::kInt32}, {"i64", ElementType::kInt64}};
  for (size_t i = 0; i < want.size(); ++i) {
    Described d = Describe(*lib_, s, true, i);
    EXPECT_EQ(d.name, want[i].first);
    EXPECT_EQ(d.element_type, want[i].second) << d.name;
  }
  Described mask =
      Describe(*lib_, NewSession(OrtModelBytes("bool_not")), true, 0);
  EXPECT_EQ(mask.element_type, ElementType::kBool);
}

TEST_F(OrtApiTest, ValuesBorrowTheBuffer) {
  ort::MemoryInfo* cpu = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateCpuMemoryInfo(ort::AllocatorType::kDevice,
                                                 ort::MemType::kDefault, &cpu));
  std::vector<int32_t> buf = {1, 2, 3, 4, 5, 6};
  const int64_t shape[] = {2, 3};
  ort::Value* v = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateTensorWithDataAsOrtValue(
                           cpu, buf.data(), buf.size() * sizeof(int32_t), shape,
                           2, ElementType::kInt32, &v));
  void* data = nullptr;
  ORT_ASSERT_OK(*lib_, api().GetTensorMutableData(v, &data));
  EXPECT_EQ(data, buf.data()) << "no copy";
  static_cast<int32_t*>(data)[5] = 60;
  EXPECT_EQ(buf[5], 60);

  ort::TensorTypeAndShapeInfo* info = nullptr;
  ORT_ASSERT_OK(*lib_, api().GetTensorTypeAndShape(v, &info));
  ElementType type = ElementType::kUndefined;
  size_t rank = 0, count = 0;
  ORT_ASSERT_OK(*lib_, api().GetTensorElementType(info, &type));
  ORT_ASSERT_OK(*lib_, api().GetDimensionsCount(info, &rank));
  ORT_ASSERT_OK(*lib_, api().GetTensorShapeElementCount(info, &count));
  EXPECT_EQ(type, ElementType::kInt32);
  EXPECT_EQ(rank, 2u);
  EXPECT_EQ(count, 6u);
  api().ReleaseTensorTypeAndShapeInfo(info);
  api().ReleaseValue(v);

  // A buffer smaller than the shape needs is refused by ORT.
  ort::Value* small = nullptr;
  absl::Status s = lib_->ToStatus(
      api().CreateTensorWithDataAsOrtValue(cpu, buf.data(), 20, shape, 2,
                                           ElementType::kInt32, &small),
      "small");
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("expected 24, got 20"));
  api().ReleaseMemoryInfo(cpu);
}

TEST_F(OrtApiTest, RunMatchesNumpy) {
  ort::Session* s = NewSession(reference_models::ModelBytes("cnn"));
  reference_models::Case c = reference_models::LoadCase("cnn");
  ort::MemoryInfo* cpu = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateCpuMemoryInfo(ort::AllocatorType::kDevice,
                                                 ort::MemType::kDefault, &cpu));
  ort::Value* x = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateTensorWithDataAsOrtValue(
                           cpu, const_cast<char*>(c.input.bytes.data()),
                           c.input.bytes.size(), c.input.shape.data(),
                           c.input.shape.size(), ElementType::kFloat, &x));
  ort::RunOptions* run = nullptr;
  ORT_ASSERT_OK(*lib_, api().CreateRunOptions(&run));
  const char* in_names[] = {"x"};
  const char* out_names[] = {"y"};
  const ort::Value* ins[] = {x};
  ort::Value* outs[] = {nullptr};
  ORT_ASSERT_OK(*lib_, api().Run(s, run, in_names, ins, 1, out_names, 1, outs));
  ASSERT_NE(outs[0], nullptr);
  float* y = nullptr;
  ORT_ASSERT_OK(
      *lib_, api().GetTensorMutableData(outs[0], reinterpret_cast<void**>(&y)));
  ASSERT_EQ(c.expected.size(), 10u);
  for (size_t i = 0; i < c.expected.size(); ++i) {
    EXPECT_NEAR(y[i], c.expected[i], 1e-4) << i;
  }
  api().ReleaseValue(outs[0]);
  api().ReleaseValue(x);
  api().ReleaseRunOptions(run);
  api().ReleaseMemoryInfo(cpu);
}

}  // namespace
}  // namespace joule
