// Public ONNX exports of what edge apps run (PaddleOCR detection,
// recognition and direction, Silero VAD, openWakeWord's keyword spotting
// chain; scripts/fetch-test-models.sh) through joule's ONNX Runtime code,
// against the reference outputs ONNX Runtime's own node binding computed for
// the same inputs (tests/public_models/reference.js; fixture
// joule_public_models):
//   - each model's declared inputs and outputs, as OrtSession reads them,
//     agree with the reference's (names, order, dtypes, static dims);
//   - every case run through OrtRuntime matches the reference within the
//     manifest's tolerance, on one thread and on two, one session serving
//     every input size of its model (dynamic dims fixed per run);
//   - what ModelRegistry::RegisterOnnx's analysis makes of each, reported
//     (a model the analysis cannot handle yet is refused with
//     INVALID_ARGUMENT, never worse).
#include "testing/public_models.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_runtime.h"
#include "executors/onnxruntime/ort_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/model_registry.h"
#include "testing/generated_files.h"
#include "tests/public_models/public_models.h"

namespace joule {
namespace {

using public_models::Case;
using ::testing::IsSupersetOf;
using ::testing::StartsWith;

// The fetched library (DefaultOrtLibraryOptions, checksum checked), loaded
// once; nullptr after an ADD_FAILURE when it cannot be.
std::shared_ptr<const OrtLibrary> Library() {
  static const std::shared_ptr<const OrtLibrary>* lib = [] {
    absl::StatusOr<std::shared_ptr<const OrtLibrary>> l =
        OrtLibrary::Load(DefaultOrtLibraryOptions());
    if (!l.ok()) ADD_FAILURE() << l.status();
    return new std::shared_ptr<const OrtLibrary>(l.ok() ? *l : nullptr);
  }();
  return *lib;
}

const std::vector<Case>& Cases() { return public_models::Get().cases; }

std::string ModelBytes(const Case& c) {
  return test_files::ReadFile(c.model_path);
}

// Each model file once, in the manifest's order, with its cases.
std::vector<std::pair<std::string, std::vector<const Case*>>> ByModel() {
  std::vector<std::pair<std::string, std::vector<const Case*>>> out;
  for (const Case& c : Cases()) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) {
      return e.first == c.model_file;
    });
    if (it == out.end()) {
      out.push_back({c.model_file, {}});
      it = out.end() - 1;
    }
    it->second.push_back(&c);
  }
  return out;
}

TEST(PublicModelsTest, ManifestCoversTheKindsOfModel) {
  std::set<std::string> names;
  bool multi_io_int64 = false;
  std::map<std::string, std::set<std::string>> shapes_per_model;
  for (const Case& c : Cases()) {
    names.insert(c.name);
    bool int64_input = false;
    std::string shapes;
    for (const Tensor& t : c.inputs) {
      int64_input |= t.dtype == DataType::kInt64;
      absl::StrAppend(&shapes, t.name, t.ShapeString(), ";");
    }
    multi_io_int64 |=
        c.inputs.size() >= 2 && c.outputs.size() >= 2 && int64_input;
    shapes_per_model[c.model_file].insert(shapes);
    EXPECT_GT(c.abs_tolerance, 0) << c.name;
  }
  EXPECT_THAT(names, IsSupersetOf({"ppocr_det_320x320", "ppocr_rec_w320",
                                   "ppocr_rec_w160", "ppocr_cls",
                                   "silero_vad_16k", "kws_melspectrogram",
                                   "kws_embedding", "kws_hello_deepa"}));
  EXPECT_TRUE(multi_io_int64) << "no case with 2+ inputs, 2+ outputs and an "
                                 "int64 input";
  EXPECT_GE(shapes_per_model["ppocr_rec.onnx"].size(), 2u);
  EXPECT_GE(shapes_per_model["ppocr_det.onnx"].size(), 2u);
}

TEST(PublicModelsTest, SessionsDescribeTheModelsAsTheReferenceSeesThem) {
  ASSERT_NE(Library(), nullptr);
  ASSERT_FALSE(Cases().empty());
  OrtSessionConfig config;
  config.intra_op_threads = 1;
  for (const auto& [file, cases] : ByModel()) {
    SCOPED_TRACE(file);
    absl::StatusOr<std::unique_ptr<OrtSession>> s =
        OrtSession::Create(Library(), file, ModelBytes(*cases[0]), config);
    ASSERT_TRUE(s.ok()) << s.status();
    for (const Case* c : cases) {
      SCOPED_TRACE(c->name);
      auto agree = [](const std::vector<OrtTensorInfo>& declared,
                      const std::vector<Tensor>& ref) {
        ASSERT_EQ(declared.size(), ref.size());
        for (size_t i = 0; i < ref.size(); ++i) {
          const OrtTensorInfo& d = declared[i];
          EXPECT_EQ(d.name, ref[i].name);
          EXPECT_EQ(ToDataType(d.element_type), ref[i].dtype) << d.name;
          ASSERT_EQ(d.shape.size(), ref[i].shape.size()) << d.name;
          for (size_t k = 0; k < d.shape.size(); ++k) {
            if (d.shape[k] >= 0) {
              EXPECT_EQ(d.shape[k], ref[i].shape[k]) << d.name << " dim " << k;
            }
          }
        }
      };
      agree((*s)->inputs(), c->inputs);
      agree((*s)->outputs(), c->outputs);
    }
  }
}

TEST(PublicModelsTest, OrtRuntimeMatchesTheReference) {
  ASSERT_NE(Library(), nullptr);
  ASSERT_FALSE(Cases().empty());
  for (int threads : {1, 2}) {
    OrtSessionConfig config;
    config.intra_op_threads = threads;
    OrtRuntime runtime(Library(), config);
    for (const auto& [file, cases] : ByModel()) {
      absl::StatusOr<std::shared_ptr<RuntimeModel>> model =
          runtime.Load(file, ModelBytes(*cases[0]));
      ASSERT_TRUE(model.ok()) << model.status();
      for (const Case* c : cases) {
        absl::StatusOr<std::vector<Tensor>> out = (*model)->Run(c->inputs);
        ASSERT_TRUE(out.ok()) << c->name << ": " << out.status();
        absl::StatusOr<std::vector<public_models::OutputError>> err =
            public_models::CompareOutputs(*c, *out);
        EXPECT_TRUE(err.ok()) << "threads " << threads << ": " << err.status();
        if (!err.ok()) continue;
        for (const public_models::OutputError& e : *err) {
          const std::string report = absl::StrCat(
              "max abs error ", e.max_abs_error, ", max rel error ",
              e.max_rel_error, " (element ", e.worst_index, ")");
          std::printf("[ reference ] %s threads=%d %s: %s\n", c->name.c_str(),
                      threads, e.output.c_str(), report.c_str());
          RecordProperty(
              absl::StrCat(c->name, ".", e.output, ".threads", threads),
              report);
        }
      }
    }
  }
}

// The comparison itself: the reference matches itself, and an element moved
// past the tolerance, or a wrong shape, fails naming the case, the output
// and the element.
TEST(PublicModelsTest, CompareOutputsNamesWhatDoesNotMatch) {
  auto it = std::find_if(Cases().begin(), Cases().end(),
                         [](const Case& c) { return c.name == "ppocr_cls"; });
  ASSERT_NE(it, Cases().end());
  const Case& c = *it;
  ASSERT_EQ(c.outputs.size(), 1u);
  absl::StatusOr<std::vector<public_models::OutputError>> same =
      public_models::CompareOutputs(c, c.outputs);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ((*same)[0].max_abs_error, 0);

  std::vector<Tensor> moved = c.outputs;
  float v;
  std::memcpy(&v, moved[0].bytes.data() + sizeof(float), sizeof(float));
  v += 10 * static_cast<float>(c.abs_tolerance + c.rel_tolerance * v);
  std::string bytes = std::move(moved[0].bytes).TakeString();
  std::memcpy(bytes.data() + sizeof(float), &v, sizeof(float));
  moved[0].bytes = std::move(bytes);
  absl::StatusOr<std::vector<public_models::OutputError>> err =
      public_models::CompareOutputs(c, moved);
  EXPECT_TRUE(absl::IsInvalidArgument(err.status())) << err.status();
  EXPECT_THAT(std::string(err.status().message()),
              StartsWith("ppocr_cls: output 'softmax_0.tmp_0' element 1: "));

  std::vector<Tensor> reshaped = c.outputs;
  reshaped[0].shape = {2, 1};
  err = public_models::CompareOutputs(c, reshaped);
  EXPECT_TRUE(absl::IsInvalidArgument(err.status())) << err.status();
  EXPECT_THAT(std::string(err.status().message()),
              StartsWith("ppocr_cls: output 'softmax_0.tmp_0' is "));
}

// Report only: the analysis is models/'s business. What it says of each
// case is printed and recorded; a refusal must be INVALID_ARGUMENT.
TEST(PublicModelsTest, RegistryAnalysisOfEachModel) {
  ASSERT_FALSE(Cases().empty());
  for (const Case& c : Cases()) {
    ModelRegistry registry;
    absl::StatusOr<RegisteredModel> m = registry.RegisterOnnx(
        c.name, ModelSource::Bytes(ModelBytes(c)), c.InputShapes());
    std::string report;
    if (m.ok()) {
      const OnnxAnalysis& a = *m->analysis;
      report =
          absl::StrCat("registered: opset ", a.opset, ", ", a.ops, " ops, ",
                       a.macs, " MACs, ", a.weight_bytes, " weight bytes, ",
                       a.unresolved_nodes.size(), " unresolved nodes");
      for (size_t i = 0; i < a.outputs.size() && i < c.outputs.size(); ++i) {
        if (!a.outputs[i].shape_known) {
          absl::StrAppend(&report, "; output '", a.outputs[i].name,
                          "' shape unknown");
        } else if (a.outputs[i].shape != c.outputs[i].shape) {
          absl::StrAppend(&report, "; output '", a.outputs[i].name,
                          "' analysed as ", ShapeString(a.outputs[i].shape),
                          ", runs as ", c.outputs[i].ShapeString());
        }
      }
    } else {
      EXPECT_TRUE(absl::IsInvalidArgument(m.status()))
          << c.name << ": " << m.status();
      report = absl::StrCat("refused: ", m.status().ToString());
    }
    std::printf("[ analysis ] %s: %s\n", c.name.c_str(), report.c_str());
    RecordProperty(absl::StrCat(c.name, ".analysis"), report);
  }
}

}  // namespace
}  // namespace joule
