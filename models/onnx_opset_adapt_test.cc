// Nodes of models newer than opset 17 brought into the opset-17 form ONNX
// 1.12's inference knows (onnx_opset_adapt.h), rule by rule.
#include "models/onnx_opset_adapt.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace onnx_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

onnx::NodeProto Node(const std::string& op, std::vector<std::string> ins) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name("n");
  for (const std::string& i : ins) n.add_input(i);
  n.add_output("out");
  return n;
}

void SetInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

ConstTensor Ints(std::vector<int64_t> values) {
  ConstTensor c;
  c.dims = {static_cast<int64_t>(values.size())};
  c.ints = std::move(values);
  return c;
}

TEST(OpsetAdaptTest, NothingChangesAtOrBelowOpset17) {
  const onnx::NodeProto n = Node("ReduceMean", {"x", "axes"});
  AdaptedNode a = AdaptNodeForInference(n, 17, {}, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_FALSE(a.rewritten);
  EXPECT_EQ(a.node->input_size(), 2);
}

TEST(OpsetAdaptTest, ReduceAxesInputBecomesTheAttribute) {
  const ConstMap consts = {{"axes", Ints({2, 3})}};
  AdaptedNode a =
      AdaptNodeForInference(Node("ReduceMean", {"x", "axes"}), 18, consts, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_TRUE(a.rewritten);
  EXPECT_EQ(a.node->input_size(), 1);
  ASSERT_NE(FindAttr(*a.node, "axes"), nullptr);
  EXPECT_THAT(*AttrInts(*a.node, "axes"), ElementsAre(2, 3));
  // A computed axes input cannot be read: unresolved, never guessed.
  a = AdaptNodeForInference(Node("ReduceMax", {"x", "computed"}), 20, consts,
                            {});
  EXPECT_FALSE(a.node.has_value());
  EXPECT_THAT(a.reason, HasSubstr("'computed' is not a constant"));
  // No axes with noop_with_empty_axes: the input unchanged.
  onnx::NodeProto noop = Node("ReduceSumSquare", {"x"});
  SetInt(&noop, "noop_with_empty_axes", 1);
  a = AdaptNodeForInference(noop, 21, {}, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_EQ(a.node->op_type(), "Identity");
}

TEST(OpsetAdaptTest, PadAxesBecomePadsOverEveryAxis) {
  const ConstMap consts = {{"pads", Ints({1, 2, 3, 4})},
                           {"axes", Ints({-1, 1})}};
  TypeMap types;
  types["x"] = TensorType{onnx::TensorProto::FLOAT, true, {1, 8, 16}};
  const onnx::NodeProto pad = Node("Pad", {"x", "pads", "", "axes"});
  AdaptedNode a = AdaptNodeForInference(pad, 18, consts, types);
  ASSERT_TRUE(a.node.has_value());
  EXPECT_EQ(a.node->input_size(), 3);
  ASSERT_EQ(a.initializers.size(), 1u);
  EXPECT_EQ(a.node->input(1), a.initializers[0].name());
  // begin: axis 2 gets 1, axis 1 gets 2; end: axis 2 gets 3, axis 1 gets 4.
  std::optional<ConstTensor> full = ConstFromTensor(a.initializers[0]);
  ASSERT_TRUE(full.has_value());
  EXPECT_THAT(full->ints, ElementsAre(0, 2, 1, 0, 4, 3));
  // The input's rank is not known yet: left out for now.
  a = AdaptNodeForInference(pad, 18, consts, {});
  EXPECT_FALSE(a.node.has_value());
}

TEST(OpsetAdaptTest, StandInsAndUnadaptableOps) {
  onnx::NodeProto split = Node("Split", {"x"});
  SetInt(&split, "num_outputs", 2);
  AdaptedNode a = AdaptNodeForInference(split, 18, {}, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_EQ(FindAttr(*a.node, "num_outputs"), nullptr);

  a = AdaptNodeForInference(Node("GroupNormalization", {"x", "s", "b"}), 18, {},
                            {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_EQ(a.node->op_type(), "Identity");
  EXPECT_THAT(a.node->input(), ElementsAre("x"));
  EXPECT_THAT(a.node->output(), ElementsAre("out"));

  a = AdaptNodeForInference(Node("BitwiseAnd", {"a", "b"}), 18, {}, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_EQ(a.node->op_type(), "Add");

  a = AdaptNodeForInference(Node("Col2Im", {"x", "i", "b"}), 18, {}, {});
  EXPECT_FALSE(a.node.has_value());

  onnx::NodeProto pool = Node("AveragePool", {"x"});
  onnx::AttributeProto* d = pool.add_attribute();
  d->set_name("dilations");
  d->set_type(onnx::AttributeProto::INTS);
  d->add_ints(2);
  d->add_ints(2);
  EXPECT_FALSE(AdaptNodeForInference(pool, 19, {}, {}).node.has_value());
  // Unchanged ops pass as they are.
  a = AdaptNodeForInference(Node("Conv", {"x", "w"}), 22, {}, {});
  ASSERT_TRUE(a.node.has_value());
  EXPECT_FALSE(a.rewritten);
}

}  // namespace
}  // namespace onnx_internal
}  // namespace joule
