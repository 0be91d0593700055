// The ONNX cost analysis against the generated test models: every figure is
// compared exactly with what make_models.py computed from the layer
// definitions, a few again with formulas written out here, and malformed
// models must give INVALID_ARGUMENT, never a crash.
#include "models/onnx_analysis.h"

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/onnx_report.h"
#include "tests/models/test_models.h"

namespace joule {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

OnnxAnalysis Analyze(const std::string& name, const InputShapes& shapes = {}) {
  absl::StatusOr<OnnxAnalysis> a =
      AnalyzeOnnx(test_models::Bytes(name), shapes);
  EXPECT_TRUE(a.ok()) << name << ": " << a.status();
  return a.ok() ? *a : OnnxAnalysis{};
}

const OnnxNodeInfo* FindNode(const OnnxAnalysis& a, const std::string& name) {
  for (const OnnxNodeInfo& n : a.nodes) {
    if (n.name == name) return &n;
  }
  ADD_FAILURE() << "no node " << name;
  return nullptr;
}

absl::Status ErrorOf(const std::string& bytes, const InputShapes& shapes = {}) {
  absl::StatusOr<OnnxAnalysis> a = AnalyzeOnnx(bytes, shapes);
  EXPECT_FALSE(a.ok());
  return a.ok() ? absl::OkStatus() : a.status();
}

void ExpectMatches(const OnnxAnalysis& a, const test_models::Expected& e) {
  EXPECT_EQ(a.ops, e.at("ops"));
  EXPECT_EQ(a.macs, e.at("macs"));
  EXPECT_EQ(a.weight_bytes, e.at("weight_bytes"));
  EXPECT_EQ(a.activation_bytes, e.at("activation_bytes"));
  EXPECT_EQ(a.native_weight_bytes, e.at("native_weight_bytes"));
  EXPECT_EQ(a.native_activation_bytes, e.at("native_activation_bytes"));
  EXPECT_EQ(a.input_bytes, e.at("input_bytes"));
  if (e.totals.count("output_bytes")) {
    EXPECT_EQ(a.output_bytes, e.at("output_bytes"));
  }
  EXPECT_EQ(PrecisionName(a.precision), e.precision);
  EXPECT_EQ(a.unresolved_nodes, e.unresolved);
  EXPECT_EQ(a.complete, e.at("complete") == 1);
  EXPECT_EQ(a.nodes_resolved, e.at("nodes_resolved"));
  EXPECT_EQ(a.nodes_total, e.at("nodes_total"));
  for (const test_models::ExpectedNode& en : e.nodes) {
    SCOPED_TRACE(en.name);
    const OnnxNodeInfo* n = FindNode(a, en.name);
    if (!n) continue;
    EXPECT_EQ(n->op_type, en.op);
    EXPECT_EQ(n->ops, en.ops);
    EXPECT_EQ(n->macs, en.macs);
    ASSERT_FALSE(n->output_shapes.empty());
    ASSERT_TRUE(n->output_shapes[0].has_value());
    EXPECT_EQ(*n->output_shapes[0], en.shape);
  }
}

class GeneratedModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratedModelTest, CostsWhatTheLayerDefinitionsSay) {
  const OnnxAnalysis a = Analyze(GetParam());
  ExpectMatches(a, test_models::LoadExpected(GetParam()));
}

TEST_P(GeneratedModelTest, PerNodeFiguresSumToTheTotals) {
  const OnnxAnalysis a = Analyze(GetParam());
  int64_t ops = 0, macs = 0, weights = 0, acts = 0;
  for (const OnnxNodeInfo& n : a.nodes) {
    ops += n.ops;
    macs += n.macs;
    weights += n.weight_bytes;
    acts += n.activation_bytes;
  }
  EXPECT_EQ(ops, a.ops);
  EXPECT_EQ(macs, a.macs);
  EXPECT_EQ(weights, a.weight_bytes);
  EXPECT_EQ(acts, a.activation_bytes);
}

INSTANTIATE_TEST_SUITE_P(Models, GeneratedModelTest,
                         ::testing::Values("cnn", "dwconv", "mlp", "mlp_fp16",
                                           "transformer", "reshape_chain",
                                           "custom_op", "unknown_only",
                                           "variant_op9", "variant_op11",
                                           "variant_op13", "variant_op17",
                                           "opset18", "opset18_changed",
                                           "opset19_changed", "opset20_partial",
                                           "opset21_changed", "opset25"));

TEST(OnnxAnalysisTest, HandFormulasForConvolutions) {
  const OnnxAnalysis cnn = Analyze("cnn");
  // conv1: 3->16, 3x3, pad 1 on 32x32, bias: MACs = N·M·H·W·C·k·k.
  EXPECT_EQ(FindNode(cnn, "conv1")->macs, 1 * 16 * 32 * 32 * 3 * 3 * 3);
  EXPECT_EQ(FindNode(cnn, "conv1")->ops,
            2 * (1 * 16 * 32 * 32 * 3 * 3 * 3) + 16 * 32 * 32);
  // conv2: 16->32, 3x3, stride 2, pad 1 on 16x16 -> 8x8, no bias.
  EXPECT_EQ(FindNode(cnn, "conv2")->ops, 2 * (32 * 8 * 8 * 16 * 3 * 3));
  // fc: Gemm 32 -> 10 with C.
  EXPECT_EQ(FindNode(cnn, "fc")->ops, 2 * 32 * 10 + 10);

  const OnnxAnalysis dw = Analyze("dwconv");
  // Depthwise (group = C = 8): each output reads 1 channel of 3x3.
  EXPECT_EQ(FindNode(dw, "dw")->macs, 8 * 16 * 16 * 1 * 3 * 3);
  // Grouped (group 2, 8 -> 16, 1x1): each output reads 8/2 channels.
  EXPECT_EQ(FindNode(dw, "pw")->macs, 16 * 16 * 16 * 4);
  // ConvTranspose 16 -> 4, 2x2 stride 2 on 8x8: each input element is
  // scattered to 4·2·2 outputs.
  EXPECT_EQ(FindNode(dw, "up")->macs, 16 * 8 * 8 * 4 * 2 * 2);
  EXPECT_EQ(*FindNode(dw, "up")->output_shapes[0],
            std::vector<int64_t>({1, 4, 16, 16}));
}

TEST(OnnxAnalysisTest, HandFormulasForTheTransformerBlock) {
  const OnnxAnalysis a = Analyze("transformer");
  EXPECT_EQ(FindNode(a, "q")->macs, 16 * 32 * 32);
  EXPECT_EQ(FindNode(a, "scores")->macs, 16 * 16 * 32);   // Q·Kᵀ
  EXPECT_EQ(FindNode(a, "context")->macs, 16 * 32 * 16);  // P·V
  EXPECT_EQ(FindNode(a, "attn")->ops, 3 * 16 * 16);       // softmax
  EXPECT_EQ(FindNode(a, "ln_mean")->ops, 16 * 32);        // ReduceMean reads X
  EXPECT_EQ(*FindNode(a, "ln_mean")->output_shapes[0],
            std::vector<int64_t>({1, 16, 1}));
  // Weights are Constant nodes: 4 projections, gamma, beta and 3 scalars.
  EXPECT_EQ(a.weight_bytes, (4 * 32 * 32 + 2 * 32 + 3) * 4);
  EXPECT_EQ(FindNode(a, "const_wq")->kind, OnnxNodeInfo::Kind::kConstant);
  EXPECT_EQ(FindNode(a, "const_wq")->weight_bytes, 32 * 32 * 4);
  EXPECT_EQ(FindNode(a, "kt")->activation_bytes, 32 * 16 * 4);  // Transpose
}

TEST(OnnxAnalysisTest, FoldsTheShapeChainBeforeReshape) {
  const OnnxAnalysis a = Analyze("reshape_chain");
  EXPECT_TRUE(a.unresolved_nodes.empty());
  EXPECT_GE(a.inference_passes, 2);
  for (const char* folded :
       {"flat_shape", "flat_gather", "flat_unsq", "flat_concat"}) {
    EXPECT_EQ(FindNode(a, folded)->kind, OnnxNodeInfo::Kind::kFolded) << folded;
    EXPECT_EQ(FindNode(a, folded)->activation_bytes, 0) << folded;
  }
  const OnnxNodeInfo* flat = FindNode(a, "flat");
  EXPECT_EQ(flat->kind, OnnxNodeInfo::Kind::kView);
  EXPECT_EQ(*flat->output_shapes[0], std::vector<int64_t>({1, 512}));
  EXPECT_EQ(FindNode(a, "fc")->macs, 512 * 10);
}

TEST(OnnxAnalysisTest, DynamicBatchDefaultsToOneAndFollowsGivenShapes) {
  const OnnxAnalysis b1 = Analyze("reshape_chain");
  ASSERT_EQ(b1.inputs.size(), 1u);
  EXPECT_EQ(b1.inputs[0].shape, std::vector<int64_t>({1, 4, 8, 8}));
  const OnnxAnalysis b3 = Analyze("reshape_chain", {{"x", {3, 4, 8, 8}}});
  ExpectMatches(b3, test_models::LoadExpected("reshape_chain_b3"));
  EXPECT_EQ(b3.ops, 3 * b1.ops);
  EXPECT_EQ(b3.weight_bytes, b1.weight_bytes);  // weights do not scale
  EXPECT_EQ(*FindNode(b3, "flat")->output_shapes[0],
            std::vector<int64_t>({3, 512}));
}

TEST(OnnxAnalysisTest, OpsetVariantsCostTheSame) {
  const OnnxAnalysis v9 = Analyze("variant_op9");
  for (const char* name : {"variant_op11", "variant_op13"}) {
    const OnnxAnalysis v = Analyze(name);
    EXPECT_EQ(v.ops, v9.ops) << name;
    EXPECT_EQ(v.macs, v9.macs) << name;
    EXPECT_EQ(v.activation_bytes, v9.activation_bytes) << name;
  }
  // Opset 17 adds a LayerNormalization over [1, 10] with a bias: 7·E.
  const OnnxAnalysis v17 = Analyze("variant_op17");
  EXPECT_EQ(v17.ops, v9.ops + 7 * 10);
  EXPECT_EQ(v9.opset, 9);
  EXPECT_EQ(v17.opset, 17);
}

TEST(OnnxAnalysisTest, UnknownOpsAreListedAndTheRestIsCosted) {
  const OnnxAnalysis a = Analyze("custom_op");
  EXPECT_THAT(a.unresolved_nodes, ElementsAre("frob", "relu2"));
  EXPECT_EQ(a.ops, 8);
  EXPECT_THAT(FindNode(a, "frob")->unresolved_reason, HasSubstr("unknown"));
}

TEST(OnnxAnalysisTest, JobCostIsFp32ReferencedAtTheModelsOwnPrecision) {
  const OnnxAnalysis a = Analyze("mlp_fp16");
  EXPECT_EQ(a.precision, Precision::kFp16);
  EXPECT_EQ(a.native_weight_bytes * 2, a.weight_bytes);
  const JobCost c = a.ToJobCost();
  EXPECT_EQ(c.model_precision, Precision::kFp16);
  EXPECT_EQ(c.ops(Precision::kFp16), static_cast<double>(a.ops));
  for (Precision p : {Precision::kFp32, Precision::kInt8, Precision::kInt4}) {
    EXPECT_FALSE(c.Supports(p)) << PrecisionName(p);
  }
  const JobCost fp32 = Analyze("cnn").ToJobCost();
  EXPECT_EQ(fp32.model_precision, Precision::kFp32);
  EXPECT_TRUE(fp32.Supports(Precision::kFp32));
  EXPECT_FALSE(fp32.Supports(Precision::kInt8));
  EXPECT_EQ(c.weight_bytes, 32 * 16 * 4);
  EXPECT_EQ(c.activation_bytes, (16 + 16) * 4);
  EXPECT_EQ(c.input_bytes, 32 * 2);  // float16 input, as sent
  EXPECT_EQ(c.output_bytes, 16 * 2);
  EXPECT_DOUBLE_EQ(
      a.ArithmeticIntensity(),
      static_cast<double>(a.ops) / (c.weight_bytes + c.activation_bytes));
}

TEST(OnnxAnalysisTest, InitializersListedAsInputsAreWeightsNotInputs) {
  const OnnxAnalysis a = Analyze("mlp");  // IR 3
  ASSERT_EQ(a.inputs.size(), 1u);
  EXPECT_EQ(a.inputs[0].name, "x");
  EXPECT_EQ(a.ir_version, 3);
}

TEST(OnnxAnalysisTest, MalformedBytesAreInvalidArgument) {
  EXPECT_THAT(ErrorOf("").message(), HasSubstr("empty"));
  EXPECT_EQ(ErrorOf("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf("hello, I am not an ONNX model\n").code(),
            absl::StatusCode::kInvalidArgument);
  std::mt19937 rng(42);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  EXPECT_EQ(ErrorOf(random).code(), absl::StatusCode::kInvalidArgument);
  const std::string cnn = test_models::Bytes("cnn");
  EXPECT_EQ(ErrorOf(cnn.substr(0, cnn.size() / 2)).code(),
            absl::StatusCode::kInvalidArgument);
}

// Every prefix of a model, and many single-byte corruptions of it, end in
// OK or INVALID_ARGUMENT: never a crash, never another code.
TEST(OnnxAnalysisTest, TruncationsAndCorruptionsNeverCrash) {
  for (const char* name :
       {"cnn", "reshape_chain", "variant_op9", "opset18_changed"}) {
    const std::string bytes = test_models::Bytes(name);
    for (size_t len = 0; len < bytes.size(); len += 1 + len / 16) {
      absl::StatusOr<OnnxAnalysis> a = AnalyzeOnnx(bytes.substr(0, len));
      if (!a.ok()) {
        EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument)
            << name << " truncated at " << len << ": " << a.status();
      }
    }
    std::mt19937 rng(7);
    for (int i = 0; i < 400; ++i) {
      std::string corrupt = bytes;
      for (int k = 0, n = 1 + i % 4; k < n; ++k) {
        corrupt[rng() % corrupt.size()] = static_cast<char>(rng());
      }
      absl::StatusOr<OnnxAnalysis> a = AnalyzeOnnx(corrupt);
      if (!a.ok()) {
        EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument)
            << name << " corruption " << i << ": " << a.status();
      }
    }
  }
}

TEST(OnnxAnalysisTest, BrokenGraphsNameTheNode) {
  EXPECT_THAT(ErrorOf(test_models::Bytes("cyclic")).message(),
              AllOf(HasSubstr("cycle"), HasSubstr("'a' (Add)"),
                    HasSubstr("'b' (Relu)")));
  EXPECT_THAT(ErrorOf(test_models::Bytes("missing_input")).message(),
              AllOf(HasSubstr("'add'"), HasSubstr("'nowhere'")));
  EXPECT_THAT(ErrorOf(test_models::Bytes("duplicate_output")).message(),
              AllOf(HasSubstr("'r2'"), HasSubstr("'r1'"), HasSubstr("'y'")));
}

// A model is never refused for its opset: newer than ONNX 1.12's 17, every
// node is adapted to its opset-17 form (onnx_opset_adapt.h) or unresolved.
TEST(OnnxAnalysisTest, OpsetsNewerThanShapeInferenceKnowsAreAnalysed) {
  const OnnxAnalysis o18 = Analyze("opset18");
  EXPECT_EQ(o18.opset, 18);
  EXPECT_TRUE(o18.complete);
  EXPECT_EQ(o18.CostNote(), "");
  // ReduceMean-18 reads its axes from an input. ONNX 1.12's ReduceMean-13
  // would ignore it and reduce every axis ([1,1,1,1]); adapted, it
  // reduces H and W only.
  const OnnxAnalysis a = Analyze("opset18_changed");
  EXPECT_TRUE(a.complete) << a.partial_reason;
  EXPECT_EQ(*FindNode(a, "mean")->output_shapes[0],
            std::vector<int64_t>({1, 4, 1, 1}));
  // Pad-18 over axes 2 and 3 only; Split-18 into num_outputs halves.
  EXPECT_EQ(*FindNode(a, "pad")->output_shapes[0],
            std::vector<int64_t>({1, 8, 18, 20}));
  ASSERT_EQ(FindNode(a, "split")->output_shapes.size(), 2u);
  EXPECT_EQ(*FindNode(a, "split")->output_shapes[1],
            std::vector<int64_t>({1, 4, 18, 20}));
  // GroupNormalization is new at 18: 7 ops per element.
  EXPECT_EQ(FindNode(a, "gn")->ops, 7 * 4 * 18 * 20);
  // The same graph at a larger input costs more: shapes follow the input.
  const OnnxAnalysis b3 = Analyze("opset18_changed", {{"x", {3, 8, 16, 16}}});
  EXPECT_EQ(b3.ops, 3 * a.ops);
}

TEST(OnnxAnalysisTest, PartialAnalysesSayHowMuchIsResolved) {
  const OnnxAnalysis a = Analyze("opset20_partial");
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.nodes_resolved, 2);
  EXPECT_EQ(a.nodes_total, 4);
  EXPECT_DOUBLE_EQ(a.ResolvedFraction(), 0.5);
  EXPECT_THAT(a.partial_reason,
              AllOf(HasSubstr("2 unresolved"), HasSubstr("'col2im' (Col2Im)"),
                    HasSubstr("new or changed after opset 17")));
  EXPECT_THAT(a.CostNote(),
              HasSubstr("cost partly estimated: 2 of 4 nodes resolved; "
                        "refined by measured runs"));
  // What resolved is costed: Gelu and ReduceMax over [1,4,8].
  EXPECT_EQ(a.ops, 32 + 32);
  EXPECT_GT(a.ToJobCost().ops(Precision::kFp32), 0);

  // Nothing resolved at all: registered from memory traffic, never 0.
  const OnnxAnalysis u = Analyze("unknown_only");
  EXPECT_FALSE(u.complete);
  EXPECT_EQ(u.nodes_resolved, 0);
  EXPECT_EQ(u.ops, 0);
  const JobCost c = u.ToJobCost();
  EXPECT_TRUE(c.Supports(Precision::kFp32));
  EXPECT_EQ(c.activation_bytes, 8 * 4);  // the input, read once

  // Newer than the operator history known: resolved, but partial.
  const OnnxAnalysis o25 = Analyze("opset25");
  EXPECT_FALSE(o25.complete);
  EXPECT_EQ(o25.nodes_resolved, o25.nodes_total);
  EXPECT_THAT(o25.partial_reason, HasSubstr("opset 25 is newer"));
  EXPECT_EQ(o25.ops, 8);
}

// ONNX 1.12's own inference reads out of bounds on this model (a 1-D
// ConvTranspose weight; Python's onnx too), crashing some of the time: it is
// refused before inference, the same way every time.
TEST(OnnxAnalysisTest, ModelsThatCrashOnnxInferenceAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) {
    absl::Status s = ErrorOf(test_models::Bytes("crash_convtranspose"));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("node 'up' (ConvTranspose): weight "
                                       "'w1d' has rank 1"));
  }
  // And the process goes on analysing.
  EXPECT_EQ(Analyze("cnn").ops, test_models::LoadExpected("cnn").at("ops"));
}

TEST(OnnxAnalysisTest, HugeDimsAreInvalidArgumentNotOverflow) {
  absl::Status s = ErrorOf(test_models::Bytes("huge_dims"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("'x'"), HasSubstr("64 bits")));
  // Given at registration: 2^40 · 2^40 elements.
  s = ErrorOf(test_models::Bytes("mlp_fp16"),
              {{"x", {int64_t{1} << 40, int64_t{1} << 40}}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  // Large but countable input: the node's op count overflows instead.
  s = ErrorOf(test_models::Bytes("cnn"),
              {{"x", {int64_t{1} << 45, 3, 32, 32}}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("node 'conv1'"));
  s = ErrorOf(test_models::Bytes("lying_initializer"));
  EXPECT_THAT(s.message(), AllOf(HasSubstr("initializer 'w'"),
                                 HasSubstr("1099511627776 elements")));
}

TEST(OnnxAnalysisTest, InputShapesAreValidated) {
  const std::string cnn = test_models::Bytes("cnn");
  EXPECT_THAT(ErrorOf(cnn, {{"y", {1, 3, 32, 32}}}).message(),
              AllOf(HasSubstr("'y' is not an input"), HasSubstr("inputs: x")));
  EXPECT_THAT(ErrorOf(cnn, {{"x", {1, 3, 32}}}).message(), HasSubstr("rank 4"));
  EXPECT_THAT(ErrorOf(cnn, {{"x", {1, 4, 32, 32}}}).message(),
              HasSubstr("dim 1 is 3 in the model, 4 given"));
  EXPECT_THAT(ErrorOf(cnn, {{"x", {0, 3, 32, 32}}}).message(),
              HasSubstr("must be > 0"));
  // A dynamic dimension other than the first must be given.
  const std::string seq = test_models::Bytes("dynamic_seq");
  EXPECT_THAT(ErrorOf(seq).message(),
              AllOf(HasSubstr("input 'x' dim 1 ('T') is dynamic"),
                    HasSubstr("x=D1,D2")));
  absl::StatusOr<OnnxAnalysis> ok = AnalyzeOnnx(seq, {{"x", {2, 5}}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->ops, 10);
}

TEST(OnnxAnalysisTest, ParseInputShapes) {
  InputShapes s;
  ASSERT_TRUE(ParseInputShapes("x=1,3,224,224; mask = 1,128", &s).ok());
  EXPECT_EQ(s.at("x"), std::vector<int64_t>({1, 3, 224, 224}));
  EXPECT_EQ(s.at("mask"), std::vector<int64_t>({1, 128}));
  EXPECT_FALSE(ParseInputShapes("x=1", &s).ok());  // given twice
  InputShapes t;
  EXPECT_THAT(ParseInputShapes("x", &t).message(), HasSubstr("NAME=D1,D2"));
  EXPECT_THAT(ParseInputShapes("x=1,-3", &t).message(), HasSubstr("'-3'"));
  EXPECT_THAT(ParseInputShapes("x=1,,3", &t).message(), HasSubstr("''"));
}

TEST(OnnxAnalysisTest, ReadOnnxFileErrorsNameThePath) {
  absl::StatusOr<std::string> r = ReadOnnxFile("/nonexistent/m.onnx");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("/nonexistent/m.onnx"));
  r = ReadOnnxFile(test_models::Dir());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = ReadOnnxFile(test_models::Path("cnn"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, test_models::Bytes("cnn"));
}

TEST(OnnxReportTest, JsonHasTheTotalsAndUnresolvedNodes) {
  const std::string json =
      AnalysisToJson(Analyze("custom_op"), "m/custom_op.onnx");
  EXPECT_THAT(json,
              AllOf(HasSubstr("\"ops\": 8,"), HasSubstr("\"macs\": 0,"),
                    HasSubstr("\"weight_bytes\": 0,"),
                    HasSubstr("\"activation_bytes\": 32,"),
                    HasSubstr("\"unresolved_nodes\": [\"frob\", \"relu2\"]"),
                    HasSubstr("\"source\": \"m/custom_op.onnx\"")));
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(OnnxReportTest, TableListsEveryNodeAndTheTotals) {
  const OnnxAnalysis a = Analyze("reshape_chain");
  const std::string table = FormatAnalysisTable(a);
  for (const OnnxNodeInfo& n : a.nodes) EXPECT_THAT(table, HasSubstr(n.name));
  EXPECT_THAT(table, AllOf(HasSubstr("[1,8,8,8]"), HasSubstr("folded"),
                           HasSubstr("view"),
                           HasSubstr(absl::StrCat("total: ", a.ops, " ops")),
                           HasSubstr("unresolved: none")));
}

}  // namespace
}  // namespace joule
