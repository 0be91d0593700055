#include "models/model_registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/policy_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/models/test_models.h"

namespace joule {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class ModelRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/joule_registry_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/models";
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0755), 0);
    Write(dir_ + "/cnn.onnx", test_models::Bytes("cnn"));
    Write(dir_ + "/sub/mlp.onnx", test_models::Bytes("mlp"));
    Write(root_ + "/outside.onnx", test_models::Bytes("mlp"));
  }
  void TearDown() override {
    std::system(absl::StrCat("rm -rf '", root_, "'").c_str());
  }
  static void Write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  absl::Status RegisterPath(const std::string& name, const std::string& path) {
    return registry_.RegisterOnnx(name, ModelSource::Path(path), {}).status();
  }

  std::string root_, dir_;
  ModelRegistry registry_;
};

TEST_F(ModelRegistryTest, RegistersBytesWithTheAnalysedCost) {
  const std::string bytes = test_models::Bytes("cnn");
  absl::StatusOr<RegisteredModel> m =
      registry_.RegisterOnnx("cnn", ModelSource::Bytes(bytes), {});
  ASSERT_TRUE(m.ok()) << m.status();
  const test_models::Expected e = test_models::LoadExpected("cnn");
  // An FP32 model costs at FP32 only (a device may convert it, see
  // scheduler/cost_model.h; the cost itself offers nothing else).
  EXPECT_EQ(m->cost.ops(Precision::kFp32), e.at("ops"));
  EXPECT_EQ(m->cost.model_precision, Precision::kFp32);
  EXPECT_FALSE(m->cost.Supports(Precision::kInt8));
  EXPECT_FALSE(m->cost.Supports(Precision::kFp16));
  EXPECT_EQ(m->cost.weight_bytes, e.at("weight_bytes"));
  EXPECT_EQ(m->cost.activation_bytes, e.at("activation_bytes"));
  EXPECT_EQ(m->cost.input_bytes, e.at("input_bytes"));
  ASSERT_NE(m->analysis, nullptr);
  EXPECT_EQ(m->analysis->macs, e.at("macs"));
  // The executor gets the same bytes.
  ASSERT_NE(m->onnx_bytes, nullptr);
  EXPECT_EQ(*m->onnx_bytes, bytes);
  EXPECT_TRUE(m->path.empty());

  absl::StatusOr<JobCost> found = registry_.Find("cnn");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->ops(Precision::kFp32), e.at("ops"));
}

TEST_F(ModelRegistryTest, RegistersPathsInsideTheModelDirectory) {
  ASSERT_TRUE(registry_.SetModelDir(dir_).ok());
  ASSERT_TRUE(RegisterPath("cnn", "cnn.onnx").ok());
  ASSERT_TRUE(RegisterPath("mlp", "sub/../sub/mlp.onnx").ok());
  ASSERT_TRUE(RegisterPath("abs", dir_ + "/cnn.onnx").ok());
  ASSERT_EQ(
      ::symlink((dir_ + "/cnn.onnx").c_str(), (dir_ + "/link.onnx").c_str()),
      0);
  ASSERT_TRUE(RegisterPath("link", "link.onnx").ok());
  absl::StatusOr<RegisteredModel> m = registry_.Get("mlp");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->path, registry_.model_dir() + "/sub/mlp.onnx");
  EXPECT_EQ(m->onnx_bytes, nullptr);  // the executor reads the path
  EXPECT_EQ(m->cost.weight_bytes,
            test_models::LoadExpected("mlp").at("weight_bytes"));
  // The executor gets the file's bytes, as long as they are the ones
  // analysed.
  absl::StatusOr<std::shared_ptr<const std::string>> bytes =
      registry_.OnnxBytes("mlp");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(**bytes, test_models::Bytes("mlp"));
  Write(dir_ + "/sub/mlp.onnx", test_models::Bytes("cnn"));
  EXPECT_THAT(registry_.OnnxBytes("mlp").status().message(),
              HasSubstr("changed since it was registered"));
  ::unlink((dir_ + "/sub/mlp.onnx").c_str());
  EXPECT_EQ(registry_.OnnxBytes("mlp").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry_.OnnxBytes("nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ModelRegistryTest, RefusesPathsThatLeaveTheModelDirectory) {
  ASSERT_TRUE(registry_.SetModelDir(dir_).ok());
  ASSERT_EQ(::symlink((root_ + "/outside.onnx").c_str(),
                      (dir_ + "/out.onnx").c_str()),
            0);
  ASSERT_EQ(::symlink(root_.c_str(), (dir_ + "/up").c_str()), 0);
  for (const std::string& path :
       {std::string("../outside.onnx"), root_ + "/outside.onnx",
        std::string("out.onnx"), std::string("up/outside.onnx"),
        std::string("sub/../../outside.onnx"), std::string("/etc/passwd"),
        std::string("."), std::string("sub")}) {
    absl::Status s = RegisterPath("m", path);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument)
        << path << ": " << s;
    EXPECT_THAT(s.message(), HasSubstr("path: ")) << path;
  }
  EXPECT_THAT(RegisterPath("m", "../outside.onnx").message(),
              HasSubstr("outside the model directory"));
  EXPECT_THAT(RegisterPath("m", "missing.onnx").message(),
              HasSubstr("No such file"));
  EXPECT_TRUE(registry_.List().empty());
}

TEST_F(ModelRegistryTest, PathsNeedAModelDirectory) {
  EXPECT_EQ(RegisterPath("cnn", dir_ + "/cnn.onnx").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry_.SetModelDir(dir_ + "/cnn.onnx").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.SetModelDir(root_ + "/none").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModelRegistryTest, NamesAreUniqueUntilUnloaded) {
  const ModelSource src = ModelSource::Bytes(test_models::Bytes("mlp"));
  ASSERT_TRUE(registry_.RegisterOnnx("mlp", src, {}).ok());
  EXPECT_EQ(registry_.RegisterOnnx("mlp", src, {}).status().code(),
            absl::StatusCode::kAlreadyExists);
  JobCost cost;
  cost.ops_by_precision[0] = 1e9;
  EXPECT_EQ(registry_.Register("mlp", cost).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(registry_.Unload("mlp").ok());
  EXPECT_EQ(registry_.Find("mlp").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_.Unload("mlp").code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(registry_.RegisterOnnx("mlp", src, {}).ok());
  ASSERT_TRUE(registry_.Register("explicit", cost).ok());
  const std::vector<RegisteredModel> all = registry_.List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "explicit");
  EXPECT_EQ(all[0].analysis, nullptr);
  EXPECT_EQ(registry_.OnnxBytes("explicit").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(registry_.OnnxBytes("mlp").ok());
  EXPECT_EQ(**registry_.OnnxBytes("mlp"), test_models::Bytes("mlp"));
  EXPECT_EQ(all[1].name, "mlp");
}

TEST_F(ModelRegistryTest, BadNamesSourcesAndModelsAreInvalidArgument) {
  const ModelSource src = ModelSource::Bytes(test_models::Bytes("mlp"));
  for (const char* name : {"", "has space", "semi;colon", "a/b"}) {
    EXPECT_EQ(registry_.RegisterOnnx(name, src, {}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_EQ(
      registry_.RegisterOnnx(std::string(129, 'a'), src, {}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.RegisterOnnx("m", ModelSource{}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status s =
      registry_
          .RegisterOnnx("cyc", ModelSource::Bytes(test_models::Bytes("cyclic")),
                        {})
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("model 'cyc'"), HasSubstr("cycle")));
  s = registry_.RegisterOnnx("m", src, {{"nope", {1}}}).status();
  EXPECT_THAT(s.message(), HasSubstr("'nope' is not an input"));
  EXPECT_TRUE(registry_.List().empty());
}

TEST_F(ModelRegistryTest, ConcurrentRegistrationsAllLand) {
  const std::string bytes = test_models::Bytes("transformer");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(registry_
                        .RegisterOnnx(absl::StrCat("m", t, "_", i),
                                      ModelSource::Bytes(bytes), {})
                        .ok());
        EXPECT_TRUE(registry_.Find(absl::StrCat("m", t, "_", i)).ok());
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(registry_.List().size(), 20u);
}

TEST_F(ModelRegistryTest, ConfigureFromThePolicyFile) {
  absl::StatusOr<Policy> p = ParsePolicy(
      absl::StrCat(
          "models:\n  model_dir: ", dir_,
          "\n  preload:\n"
          "    - {name: cnn, path: cnn.onnx, input_shapes: \"x=2,3,32,32\"}\n"
          "    - {name: mlp, path: sub/mlp.onnx}\n"),
      "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->models.preload.size(), 2u);
  EXPECT_EQ(p->models.preload[0].input_shapes, "x=2,3,32,32");
  ASSERT_TRUE(registry_.Configure(p->models).ok());
  absl::StatusOr<RegisteredModel> cnn = registry_.Get("cnn");
  ASSERT_TRUE(cnn.ok());
  EXPECT_EQ(cnn->analysis->ops, 2 * test_models::LoadExpected("cnn").at("ops"));
  EXPECT_EQ(cnn->input_shapes.at("x"), std::vector<int64_t>({2, 3, 32, 32}));

  ModelsPolicy bad;
  bad.model_dir = dir_;
  bad.preload.push_back({"x", "../outside.onnx", ""});
  absl::Status s = ModelRegistry().Configure(bad);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("models.preload[0] 'x': "),
                                 HasSubstr("outside the model directory")));
}

TEST(ModelsPolicyTest, BadEntriesAreReportedAtTheirPosition) {
  auto error = [](const std::string& yaml) {
    absl::StatusOr<Policy> p = ParsePolicy(yaml, "p.yaml");
    EXPECT_FALSE(p.ok()) << yaml;
    return p.ok() ? std::string() : std::string(p.status().message());
  };
  EXPECT_THAT(error("models:\n  model_dir: /m\n  preload:\n"
                    "    - {name: a, path: a.onnx, input_shapes: \"x=1,0\"}\n"),
              AllOf(HasSubstr("p.yaml:4:"), HasSubstr("input_shapes")));
  EXPECT_THAT(
      error("models:\n  model_dir: /m\n  preload:\n"
            "    - {name: a, path: a.onnx}\n    - {name: a, path: b.onnx}\n"),
      HasSubstr("listed twice"));
  EXPECT_THAT(error("models:\n  preload:\n    - {name: a, path: a.onnx}\n"),
              HasSubstr("needs a model_dir"));
  EXPECT_THAT(error("models:\n  model_dir: /m\n  preload:\n"
                    "    - {name: 'a b', path: a.onnx}\n"),
              HasSubstr("not a model name"));
  EXPECT_THAT(error("models:\n  model_dir: /m\n  preload:\n    - {name: a}\n"),
              HasSubstr("path"));
  EXPECT_THAT(error("models:\n  modeldir: /m\n"), HasSubstr("modeldir"));
  absl::StatusOr<Policy> empty = ParsePolicy("", "p.yaml");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->models.model_dir.empty());
  EXPECT_TRUE(empty->models.preload.empty());
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

// Costs per input shape: exact for analysed sets, an estimate scaled by
// input elements for the rest, exact once analysed; never an analysis in
// CostFor.
class ShapeCostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<RegisteredModel> m =
        registry_.RegisterOnnx("ocr", ModelSource::Bytes(Bytes()), W(160));
    ASSERT_TRUE(m.ok()) << m.status();
  }
  static std::string Bytes() { return test_models::Bytes("ocr_dyn"); }
  static InputShapes W(int64_t width) { return {{"x", {1, 1, 32, width}}}; }
  double Ops(int64_t width, bool* exact) {
    absl::StatusOr<ModelRegistry::ShapeCost> c =
        registry_.CostFor("ocr", W(width));
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return -1;
    *exact = c->exact;
    return c->cost.ops(Precision::kFp32);
  }
  ModelRegistry registry_;
};

TEST_F(ShapeCostTest, EstimateAtOnceThenExactOnceAnalysed) {
  const double w160 =
      static_cast<double>(test_models::LoadExpected("ocr_dyn").at("ops"));
  const double w320 =
      static_cast<double>(test_models::LoadExpected("ocr_dyn_w320").at("ops"));
  bool exact = false;
  EXPECT_EQ(Ops(160, &exact), w160);
  EXPECT_TRUE(exact);
  // Not analysed yet: scaled by input elements (x2), an overestimate since
  // the classifier does not grow with the width.
  EXPECT_EQ(Ops(320, &exact), 2 * w160);
  EXPECT_FALSE(exact);
  EXPECT_GT(2 * w160, w320);
  absl::StatusOr<ModelRegistry::ShapeCost> c = registry_.CostFor("ocr", W(320));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->cost.input_bytes, 32 * 320 * 4);  // inputs are exact
  EXPECT_EQ(c->cost.weight_bytes,
            test_models::LoadExpected("ocr_dyn").at("weight_bytes"));

  ASSERT_TRUE(registry_.ClaimShapeAnalysis("ocr", W(320)));
  EXPECT_FALSE(registry_.ClaimShapeAnalysis("ocr", W(320)));  // once
  registry_.AnalyzeShapes("ocr", W(320));
  EXPECT_EQ(Ops(320, &exact), w320);
  EXPECT_TRUE(exact);
  EXPECT_FALSE(registry_.ClaimShapeAnalysis("ocr", W(320)));  // cached
  // The nearest analysed set serves the next estimate: 640 from 320.
  EXPECT_EQ(Ops(640, &exact), 2 * w320);
  EXPECT_FALSE(exact);
}

TEST_F(ShapeCostTest, TheCacheIsBoundedAndForgetsUnloadedModels) {
  for (int64_t w = 1; w <= static_cast<int64_t>(kMaxShapeSetsPerModel) + 4;
       ++w) {
    ASSERT_TRUE(registry_.ClaimShapeAnalysis("ocr", W(8 * w)));
    registry_.AnalyzeShapes("ocr", W(8 * w));
  }
  EXPECT_EQ(registry_.CachedShapeSets("ocr"), kMaxShapeSetsPerModel);
  // The oldest went first.
  bool exact = true;
  Ops(8, &exact);
  EXPECT_FALSE(exact);

  // Unloading forgets the sets; an analysis claimed before the model was
  // replaced analyses (and serves) the new registration.
  ASSERT_TRUE(registry_.ClaimShapeAnalysis("ocr", W(999)));
  ASSERT_TRUE(registry_.Unload("ocr").ok());
  EXPECT_EQ(registry_.CachedShapeSets("ocr"), 0u);
  ASSERT_TRUE(
      registry_.RegisterOnnx("ocr", ModelSource::Bytes(Bytes()), W(160)).ok());
  registry_.AnalyzeShapes("ocr", W(999));
  EXPECT_EQ(registry_.CachedShapeSets("ocr"), 1u);
  EXPECT_EQ(registry_.CostFor("nope", W(1)).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace joule
