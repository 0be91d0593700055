// OrtSession on the real library: the generated models described and run
// against their numpy references
// (tests/reference_models/make_reference_models.py), every joule dtype (bool
// included) through a model, inputs that do not fit refused naming the input,
// models and providers ORT refuses, an error inside a run, outputs owned or
// borrowed (and a declared output shape the run contradicts), and runs from
// several threads at once.
#include "executors/onnxruntime/ort_session.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "executors/onnxruntime/ort_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reference_models/reference_models.h"

namespace joule {
namespace {

using ort::ElementType;
using ort_test::Library;
using ort_test::MakeTensor;
using ort_test::OrtModelBytes;
using ort_test::ThreadCount;
using ort_test::Values;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<OrtSession> MustCreate(const std::string& name,
                                       const std::string& bytes,
                                       const OrtSessionConfig& config = {}) {
  absl::StatusOr<std::unique_ptr<OrtSession>> s =
      OrtSession::Create(Library(), name, bytes, config);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

absl::Status CreateStatus(const std::string& name, const std::string& bytes,
                          const OrtSessionConfig& config = {}) {
  return OrtSession::Create(Library(), name, bytes, config).status();
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want,
                double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
  }
}

// Runs the generator's input through `session` and checks the one output
// against numpy's.
void ExpectMatchesNumpy(const OrtSession& session, const std::string& model) {
  const reference_models::Case c = reference_models::LoadCase(model);
  absl::StatusOr<std::vector<Tensor>> out = session.Run({c.input});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  const Tensor& y = (*out)[0];
  EXPECT_EQ(y.name, c.output_name);
  EXPECT_EQ(y.dtype, DataType::kFloat32);
  EXPECT_EQ(y.shape, c.output_shape);
  ExpectNear(Values<float>(y), c.expected, 1e-4);
}

TEST(OrtSessionTest, DescribesTheModels) {
  struct Case {
    const char* model;
    std::vector<int64_t> in, out;
  };
  for (const Case& c :
       {Case{"mlp", {1, 16}, {1, 8}}, Case{"mlp_dynamic", {-1, 16}, {-1, 8}},
        Case{"cnn", {1, 3, 16, 16}, {1, 10}},
        Case{"transformer", {1, 8, 16}, {1, 8, 16}}}) {
    std::unique_ptr<OrtSession> s =
        MustCreate(c.model, reference_models::ModelBytes(c.model));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name(), c.model);
    ASSERT_EQ(s->inputs().size(), 1u);
    ASSERT_EQ(s->outputs().size(), 1u);
    EXPECT_EQ(s->inputs()[0].name, "x");
    EXPECT_EQ(s->inputs()[0].element_type, ElementType::kFloat);
    EXPECT_EQ(s->inputs()[0].shape, c.in) << c.model;
    EXPECT_EQ(s->outputs()[0].name, "y");
    EXPECT_EQ(s->outputs()[0].shape, c.out) << c.model;
  }
}

TEST(OrtSessionTest, RealModelsMatchNumpyAtEveryOptimizationLevel) {
  for (GraphOptimization level :
       {GraphOptimization::kDisable, GraphOptimization::kBasic,
        GraphOptimization::kExtended, GraphOptimization::kAll}) {
    OrtSessionConfig config;
    config.graph_optimization = level;
    config.intra_op_threads = 2;
    for (const char* model :
         {"mlp", "mlp_dynamic", "cnn", "transformer", "transformer_bcast"}) {
      SCOPED_TRACE(absl::StrCat(model, " at level ", static_cast<int>(level)));
      std::unique_ptr<OrtSession> s =
          MustCreate(model, reference_models::ModelBytes(model), config);
      ASSERT_NE(s, nullptr);
      ExpectMatchesNumpy(*s, model);
    }
  }
}

TEST(OrtSessionTest, RunsClipWithTensorBounds) {
  // Opset-11 Clip with min/max as inputs.
  std::unique_ptr<OrtSession> s =
      MustCreate("clip11", reference_models::ModelBytes("clip11"));
  ASSERT_NE(s, nullptr);
  const std::vector<float> x = {-3, -0.5, 0, 1, 5.5, 6, 7, 100};
  absl::StatusOr<std::vector<Tensor>> out =
      s->Run({MakeFloat32Tensor("x", {1, 8}, x)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(0, 0, 0, 1, 5.5, 6, 6, 6));
}

TEST(OrtSessionTest, ThreadOptionsSizeThePools) {
  ASSERT_NE(Library(), nullptr);  // loading it starts threads of its own
  for (int threads : {1, 4}) {
    OrtSessionConfig config;
    config.intra_op_threads = threads;
    config.allow_spinning = threads == 1;  // either way the pool runs
    const int before = ThreadCount();
    std::unique_ptr<OrtSession> s =
        MustCreate("mlp", reference_models::ModelBytes("mlp"), config);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(ThreadCount() - before, threads - 1);
    ExpectMatchesNumpy(*s, "mlp");
  }
  // Parallel execution adds an inter-op pool (counting the caller).
  OrtSessionConfig parallel;
  parallel.intra_op_threads = 1;
  parallel.parallel_execution = true;
  parallel.inter_op_threads = 3;
  const int before = ThreadCount();
  std::unique_ptr<OrtSession> s =
      MustCreate("cnn", reference_models::ModelBytes("cnn"), parallel);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(ThreadCount() - before, 2);
  ExpectMatchesNumpy(*s, "cnn");

  for (auto [intra, inter] : {std::pair{-1, 0}, std::pair{0, -2}}) {
    OrtSessionConfig bad;
    bad.intra_op_threads = intra;
    bad.inter_op_threads = inter;
    absl::Status st =
        CreateStatus("mlp", reference_models::ModelBytes("mlp"), bad);
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
    EXPECT_THAT(std::string(st.message()), HasSubstr("must not be negative"));
  }
}

TEST(OrtSessionTest, EveryJouleDtypeGoesThrough) {
  std::unique_ptr<OrtSession> s = MustCreate("dtypes", OrtModelBytes("dtypes"));
  ASSERT_NE(s, nullptr);
  // float16 by bit pattern: 1, -2, 0.5, 65504 (largest), 0, -0.25.
  const std::vector<uint16_t> f16 = {0x3C00, 0xC000, 0x3800,
                                     0x7BFF, 0x0000, 0xB400};
  const std::vector<float> f16_as_f32 = {1, -2, 0.5, 65504, 0, -0.25};
  const std::vector<Tensor> in = {
      MakeTensor<float>("f32", DataType::kFloat32, {2, 3},
                        {1.5f, -2, 3, 0, 1e-3f, -7}),
      MakeTensor<uint16_t>("f16", DataType::kFloat16, {2, 3}, f16),
      MakeTensor<int8_t>("i8", DataType::kInt8, {2, 3},
                         {-128, -1, 0, 1, 2, 127}),
      MakeTensor<uint8_t>("u8", DataType::kUint8, {2, 3},
                          {0, 1, 2, 128, 254, 255}),
      MakeTensor<int32_t>("i32", DataType::kInt32, {2, 3},
                          {-2147483647, -5, 0, 5, 16777216, 2147483647}),
      MakeTensor<int64_t>(
          "i64", DataType::kInt64, {2, 3},
          {-(int64_t{1} << 40), -1, 0, 1, 1 << 20, int64_t{1} << 24})};
  // Given in reverse: matched by name, not position.
  std::vector<Tensor> reversed(in.rbegin(), in.rend());
  absl::StatusOr<std::vector<Tensor>> out = s->Run(reversed);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 11u);
  for (size_t i = 0; i < in.size(); ++i) {  // T_id: the same bytes back
    const Tensor& o = (*out)[i];
    EXPECT_EQ(o.name, in[i].name + "_id");
    EXPECT_EQ(o.dtype, in[i].dtype) << o.name;
    EXPECT_THAT(o.shape, ElementsAre(2, 3));
    EXPECT_EQ(o.bytes, in[i].bytes) << o.name;
  }
  const std::vector<std::vector<float>> as_f32 = {
      f16_as_f32,
      {-128, -1, 0, 1, 2, 127},
      {0, 1, 2, 128, 254, 255},
      {-2147483647.0f, -5, 0, 5, 16777216, 2147483647.0f},
      {-1099511627776.0f, -1, 0, 1, 1048576, 16777216}};
  for (size_t i = 0; i < as_f32.size(); ++i) {  // T_f32 = Cast(T)
    const Tensor& o = (*out)[in.size() + i];
    EXPECT_EQ(o.name, in[i + 1].name + "_f32");
    EXPECT_EQ(o.dtype, DataType::kFloat32);
    EXPECT_EQ(Values<float>(o), as_f32[i]) << o.name;
  }
}

TEST(OrtSessionTest, ScalarInputAndOutput) {
  std::unique_ptr<OrtSession> s = MustCreate("scalar", OrtModelBytes("scalar"));
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->inputs()[0].shape.empty());
  absl::StatusOr<std::vector<Tensor>> out =
      s->Run({MakeFloat32Tensor("x", {}, {41.0f})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].shape.empty());
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(42.0f));
}

TEST(OrtSessionTest, BoolInAndOut) {
  std::unique_ptr<OrtSession> s =
      MustCreate("bool_not", OrtModelBytes("bool_not"));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->inputs()[0].element_type, ElementType::kBool);
  EXPECT_EQ(s->outputs()[0].element_type, ElementType::kBool);
  absl::StatusOr<std::vector<Tensor>> out =
      s->Run({MakeTensor<uint8_t>("mask", DataType::kBool, {3}, {1, 0, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dtype, DataType::kBool);
  EXPECT_THAT(Values<uint8_t>((*out)[0]), ElementsAre(0, 1, 0));

  std::unique_ptr<OrtSession> g =
      MustCreate("greater", OrtModelBytes("greater"));
  ASSERT_NE(g, nullptr);
  out = g->Run({MakeFloat32Tensor("x", {3}, {-1, 0, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].name, "positive");
  EXPECT_EQ((*out)[0].dtype, DataType::kBool);
  EXPECT_THAT(Values<uint8_t>((*out)[0]), ElementsAre(0, 0, 1));
}

TEST(OrtSessionTest, InputsThatDoNotFitAreRefusedNamingTheInput) {
  std::unique_ptr<OrtSession> s =
      MustCreate("mlp", reference_models::ModelBytes("mlp"));
  ASSERT_NE(s, nullptr);
  const std::vector<float> x(16, 0.5f);
  Tensor short_bytes = MakeFloat32Tensor("x", {1, 16}, x);
  short_bytes.bytes = std::string(short_bytes.bytes.view().substr(0, 60));
  struct Case {
    Tensor t;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {MakeTensor<int32_t>("x", DataType::kInt32, {1, 16},
                                std::vector<int32_t>(16)),
            "model 'mlp': input 'x' is float32 [1,16], got int32 [1,16]"},
           {MakeFloat32Tensor("x", {16}, x),
            "model 'mlp': input 'x' is float32 [1,16], got rank 1 [16]"},
           {MakeFloat32Tensor("x", {2, 8}, x),
            "model 'mlp': input 'x' is float32 [1,16], got [2,8] (dim 0)"},
           {short_bytes,
            "model 'mlp': tensor 'x': 60 bytes, shape [1,16] "
            "float32 needs 64"},
           {MakeFloat32Tensor("z", {1, 16}, x),
            "model 'mlp' has no input 'z' (its inputs: x)"}}) {
    absl::Status st = s->Run({c.t}).status();
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
    EXPECT_EQ(std::string(st.message()), c.message);
  }
  absl::Status st = s->Run({}).status();
  EXPECT_EQ(std::string(st.message()),
            "model 'mlp': input 'x' (float32 [1,16]) not given");
  ExpectMatchesNumpy(*s, "mlp");  // still fine
}

TEST(OrtSessionTest, OrtErrorInsideARunLeavesTheSessionUsable) {
  std::unique_ptr<OrtSession> s =
      MustCreate("reshape", OrtModelBytes("reshape"));
  ASSERT_NE(s, nullptr);
  EXPECT_THAT(s->outputs()[0].shape, ElementsAre(-1, -1));
  const Tensor x = MakeFloat32Tensor("x", {6}, {1, 2, 3, 4, 5, 6});
  auto shape = [](std::vector<int64_t> dims) {
    return MakeTensor<int64_t>("shape", DataType::kInt64, {2}, dims);
  };
  absl::StatusOr<std::vector<Tensor>> out = s->Run({x, shape({4, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(std::string(out.status().message()),
              AllOf(StartsWith("model 'reshape': run: "),
                    HasSubstr("cannot be reshaped")));
  for (int i = 0; i < 2; ++i) {
    out = s->Run({x, shape({2, 3})});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_THAT((*out)[0].shape, ElementsAre(2, 3));
    EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
  }
}

// docs/ARCHITECTURE.md, "Tensor bytes": an output of a static declared
// shape is written by ORT into a buffer the Tensor owns (so it can move into
// a reply); one of a dynamic shape borrows ORT's value. The input is read in
// place (its bytes are not copied: ORT wraps them).
TEST(OrtSessionTest, StaticOutputsAreOwnedDynamicOnesBorrowed) {
  const reference_models::Case c = reference_models::LoadCase("mlp");
  std::unique_ptr<OrtSession> mlp =
      MustCreate("mlp", reference_models::ModelBytes("mlp"));
  ASSERT_NE(mlp, nullptr);
  absl::StatusOr<std::vector<Tensor>> out = mlp->Run({c.input});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE((*out)[0].bytes.borrowed());
  ExpectNear(Values<float>((*out)[0]), c.expected, 1e-4);

  std::unique_ptr<OrtSession> dynamic =
      MustCreate("reshape", OrtModelBytes("reshape"));
  ASSERT_NE(dynamic, nullptr);
  out = dynamic->Run(
      {MakeFloat32Tensor("x", {6}, {1, 2, 3, 4, 5, 6}),
       MakeTensor<int64_t>("shape", DataType::kInt64, {2}, {3, 2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].bytes.borrowed());
  EXPECT_THAT((*out)[0].shape, ElementsAre(3, 2));
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
  dynamic.reset();  // the output holds ORT's value, not the session
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
}

// A declared static shape the run contradicts: ORT refuses the pre-allocated
// buffer, the run is repeated with ORT's outputs, and the session stops
// pre-allocating (see ort_session.h).
TEST(OrtSessionTest, AWrongDeclaredOutputShapeStillRuns) {
  std::unique_ptr<OrtSession> s =
      MustCreate("reshape_2x3", OrtModelBytes("reshape_2x3"));
  ASSERT_NE(s, nullptr);
  EXPECT_THAT(s->outputs()[0].shape, ElementsAre(2, 3));
  const Tensor x = MakeFloat32Tensor("x", {6}, {1, 2, 3, 4, 5, 6});
  auto shape = [](std::vector<int64_t> dims) {
    return MakeTensor<int64_t>("shape", DataType::kInt64, {2}, dims);
  };
  absl::StatusOr<std::vector<Tensor>> out = s->Run({x, shape({2, 3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT((*out)[0].shape, ElementsAre(2, 3));
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
  for (int i = 0; i < 2; ++i) {
    out = s->Run({x, shape({3, 2})});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_THAT((*out)[0].shape, ElementsAre(3, 2));
    EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
  }
  out = s->Run({x, shape({2, 3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].bytes.borrowed());  // no longer pre-allocated
  EXPECT_THAT(Values<float>((*out)[0]), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(OrtSessionTest, ModelsOrtRefusesAreInvalidArgument) {
  absl::Status st = CreateStatus("garbage", "this is not an onnx model");
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              AllOf(StartsWith("onnxruntime refused model 'garbage': "),
                    HasSubstr("protobuf parsing failed")));

  st = CreateStatus("unknown_op", OrtModelBytes("unknown_op"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              AllOf(StartsWith("onnxruntime refused model 'unknown_op': "),
                    HasSubstr("NoSuchOperator")));

  st = CreateStatus("sequence_out", OrtModelBytes("sequence_out"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_EQ(std::string(st.message()),
            "model 'sequence_out': output 'seq' is a sequence, not a tensor: "
            "joule runs tensors only");

  st = CreateStatus("double_in", OrtModelBytes("double_in"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              StartsWith("model 'double_in': input 'x' is onnx type 11: "));
}

TEST(OrtSessionTest, ProvidersTheLibraryLacksAreRefusedByName) {
  ASSERT_NE(Library(), nullptr);
  const std::string path = Library()->path();
  // "cuda" and "tensorrt": the dedicated entries take any case.
  for (const char* provider :
       {"NoSuchProvider", "XNNPACK", "CUDA", "cuda", "TensorRT", "tensorrt"}) {
    OrtSessionConfig config;
    config.provider = provider;
    absl::Status st =
        CreateStatus("mlp", reference_models::ModelBytes("mlp"), config);
    EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
    EXPECT_THAT(
        std::string(st.message()),
        AllOf(StartsWith(absl::StrCat("provider '", provider,
                                      "' not available in ", path, ": ")),
              HasSubstr("(this build lists: "),
              HasSubstr("CPUExecutionProvider")));
  }
  // With options, CUDA's are checked by ORT's provider bridge, which needs
  // the provider libraries this package lacks.
  OrtSessionConfig cuda;
  cuda.provider = "CUDA";
  cuda.provider_options = {{"device_id", "0"}};
  absl::Status st =
      CreateStatus("mlp", reference_models::ModelBytes("mlp"), cuda);
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("libonnxruntime_providers_shared.so"));

  // ORT's own CPU provider by name runs.
  OrtSessionConfig cpu;
  cpu.provider = "CPU";
  std::unique_ptr<OrtSession> s =
      MustCreate("mlp", reference_models::ModelBytes("mlp"), cpu);
  ASSERT_NE(s, nullptr);
  ExpectMatchesNumpy(*s, "mlp");
}

// The daemon checks each device's provider once at start-up, with no model:
// the check refuses exactly what Create refuses, with the same message.
TEST(OrtSessionTest, ConfigCheckRefusesWhatCreateRefuses) {
  ASSERT_NE(Library(), nullptr);
  for (const char* provider : {"CUDA", "tensorrt", "OpenVINO", "NoSuch"}) {
    OrtSessionConfig config;
    config.provider = provider;
    absl::Status check = OrtCheckSessionConfig(*Library(), config);
    absl::Status create =
        CreateStatus("mlp", reference_models::ModelBytes("mlp"), config);
    EXPECT_TRUE(absl::IsFailedPrecondition(check)) << check;
    EXPECT_EQ(check, create);
  }
  OrtSessionConfig bad_threads;
  bad_threads.intra_op_threads = -1;
  EXPECT_TRUE(
      absl::IsInvalidArgument(OrtCheckSessionConfig(*Library(), bad_threads)));
  EXPECT_TRUE(OrtCheckSessionConfig(*Library(), OrtSessionConfig{}).ok());
  OrtSessionConfig cpu;
  cpu.provider = "CPU";
  EXPECT_TRUE(OrtCheckSessionConfig(*Library(), cpu).ok());
}

TEST(OrtSessionTest, ConcurrentRunsAgree) {
  OrtSessionConfig config;
  config.intra_op_threads = 1;
  std::unique_ptr<OrtSession> s =
      MustCreate("cnn", reference_models::ModelBytes("cnn"), config);
  ASSERT_NE(s, nullptr);
  const reference_models::Case c = reference_models::LoadCase("cnn");
  constexpr int kThreads = 4, kRuns = 25;
  std::vector<int> good(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRuns; ++i) {
        absl::StatusOr<std::vector<Tensor>> out = s->Run({c.input});
        if (!out.ok()) continue;
        const std::vector<float> y = Values<float>((*out)[0]);
        bool near = y.size() == c.expected.size();
        for (size_t k = 0; near && k < y.size(); ++k) {
          near = std::abs(y[k] - c.expected[k]) <= 1e-4;
        }
        good[t] += near ? 1 : 0;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(good[t], kRuns) << t;
}

TEST(OrtSessionTest, SessionKeepsItsLibrary) {
  absl::StatusOr<std::shared_ptr<const OrtLibrary>> lib =
      OrtLibrary::Load(DefaultOrtLibraryOptions());
  ASSERT_TRUE(lib.ok()) << lib.status();
  absl::StatusOr<std::unique_ptr<OrtSession>> s =
      OrtSession::Create(*lib, "mlp", reference_models::ModelBytes("mlp"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  lib->reset();  // the session's reference remains
  ExpectMatchesNumpy(**s, "mlp");
}

}  // namespace
}  // namespace joule
