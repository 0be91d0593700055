// Constant folding of shape subgraphs (onnx_fold.h), node by node.
#include "models/onnx_fold.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace onnx_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using Dims = std::vector<int64_t>;

onnx::NodeProto Node(const std::string& op, std::vector<std::string> ins,
                     const std::string& out = "out") {
  onnx::NodeProto n;
  n.set_op_type(op);
  for (const std::string& i : ins) n.add_input(i);
  n.add_output(out);
  return n;
}

void SetInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void SetInts(onnx::NodeProto* n, const std::string& name, Dims v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

ConstTensor Ints(Dims values, Dims dims) {
  ConstTensor c;
  c.elem_type = onnx::TensorProto::INT64;
  c.ints = std::move(values);
  c.dims = std::move(dims);
  return c;
}

ConstTensor Vec(Dims values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return Ints(std::move(values), {n});
}

ConstTensor Scalar(int64_t v) { return Ints({v}, {}); }

ConstTensor Reals(std::vector<double> values, Dims dims) {
  ConstTensor c;
  c.elem_type = onnx::TensorProto::FLOAT;
  c.reals = std::move(values);
  c.dims = std::move(dims);
  return c;
}

class FoldTest : public ::testing::Test {
 protected:
  std::optional<ConstTensor> Fold(const onnx::NodeProto& n, int opset = 13) {
    return FoldNode(n, opset, consts_, types_);
  }
  ConstMap consts_;
  TypeMap types_;
};

TEST_F(FoldTest, ShapeAndSizeOfAKnownShape) {
  types_["x"] = TensorType{onnx::TensorProto::FLOAT, true, {2, 3, 4}};
  std::optional<ConstTensor> s = Fold(Node("Shape", {"x"}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->dims, Dims({3}));
  EXPECT_THAT(s->ints, ElementsAre(2, 3, 4));
  onnx::NodeProto sliced = Node("Shape", {"x"});
  SetInt(&sliced, "start", 1);
  SetInt(&sliced, "end", -1);  // opset 15 attributes
  EXPECT_THAT(Fold(sliced, 15)->ints, ElementsAre(3));
  std::optional<ConstTensor> size = Fold(Node("Size", {"x"}));
  ASSERT_TRUE(size);
  EXPECT_TRUE(size->dims.empty());
  EXPECT_THAT(size->ints, ElementsAre(24));
  // Unknown dims are not folded.
  types_["y"] = TensorType{onnx::TensorProto::FLOAT, true, {-1, 3}};
  EXPECT_FALSE(Fold(Node("Shape", {"y"})));
}

TEST_F(FoldTest, GatherUnsqueezeConcatReshapeChain) {
  consts_["s"] = Vec({8, 3, 4, 4});
  consts_["i0"] = Scalar(0);
  consts_["neg"] = Scalar(-1);
  onnx::NodeProto g = Node("Gather", {"s", "i0"});
  std::optional<ConstTensor> first = Fold(g);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->dims.empty());
  EXPECT_THAT(first->ints, ElementsAre(8));
  EXPECT_THAT(Fold(Node("Gather", {"s", "neg"}))->ints, ElementsAre(4));

  consts_["first"] = *first;
  consts_["axes"] = Vec({0});
  std::optional<ConstTensor> u = Fold(Node("Unsqueeze", {"first", "axes"}));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->dims, Dims({1}));
  onnx::NodeProto old_unsqueeze = Node("Unsqueeze", {"first"});
  SetInts(&old_unsqueeze, "axes", {0});
  EXPECT_EQ(Fold(old_unsqueeze, 11)->dims, Dims({1}));

  consts_["u"] = *u;
  consts_["m1"] = Vec({-1});
  std::optional<ConstTensor> cat = Fold(Node("Concat", {"u", "m1"}));
  ASSERT_TRUE(cat);
  EXPECT_THAT(cat->ints, ElementsAre(8, -1));

  // Reshape of constant data: 0 copies a dim, -1 is inferred.
  consts_["data"] = Ints(Dims(24, 7), {2, 3, 4});
  consts_["shape"] = Vec({0, -1});
  std::optional<ConstTensor> r = Fold(Node("Reshape", {"data", "shape"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->dims, Dims({2, 12}));
}

TEST_F(FoldTest, GatherOnAnAxisOfAMatrix) {
  consts_["m"] = Ints({0, 1, 2, 3, 4, 5}, {2, 3});
  consts_["idx"] = Vec({2, 0});
  onnx::NodeProto g = Node("Gather", {"m", "idx"});
  SetInt(&g, "axis", 1);
  std::optional<ConstTensor> out = Fold(g);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->dims, Dims({2, 2}));
  EXPECT_THAT(out->ints, ElementsAre(2, 0, 5, 3));
  consts_["bad"] = Vec({3});
  EXPECT_FALSE(Fold(Node("Gather", {"m", "bad"})));  // out of range
}

TEST_F(FoldTest, SliceWithAttributesAndInputs) {
  consts_["s"] = Vec({1, 3, 224, 224});
  onnx::NodeProto old = Node("Slice", {"s"});
  SetInts(&old, "starts", {1});
  SetInts(&old, "ends", {3});
  EXPECT_THAT(Fold(old, 9)->ints, ElementsAre(3, 224));

  consts_["st"] = Vec({-2});
  consts_["en"] = Vec({std::numeric_limits<int64_t>::max()});
  EXPECT_THAT(Fold(Node("Slice", {"s", "st", "en"}))->ints,
              ElementsAre(224, 224));
  // Negative step walks backwards.
  consts_["st2"] = Vec({-1});
  consts_["en2"] = Vec({std::numeric_limits<int64_t>::min()});
  consts_["ax"] = Vec({0});
  consts_["step"] = Vec({-2});
  EXPECT_THAT(Fold(Node("Slice", {"s", "st2", "en2", "ax", "step"}))->ints,
              ElementsAre(224, 3));
}

TEST_F(FoldTest, ArithmeticBroadcastsAndRefusesWhatIsUndefined) {
  consts_["a"] = Vec({6, -7, 9});
  consts_["two"] = Scalar(2);
  consts_["zero"] = Scalar(0);
  consts_["big"] = Scalar(std::numeric_limits<int64_t>::max());
  EXPECT_THAT(Fold(Node("Mul", {"a", "two"}))->ints, ElementsAre(12, -14, 18));
  EXPECT_THAT(Fold(Node("Div", {"a", "two"}))->ints, ElementsAre(3, -3, 4));
  EXPECT_THAT(Fold(Node("Mod", {"a", "two"}))->ints, ElementsAre(0, 1, 1));
  EXPECT_FALSE(Fold(Node("Div", {"a", "zero"})));
  EXPECT_FALSE(Fold(Node("Mul", {"big", "two"})));  // would overflow
  // Where(Equal(s, -1), 1, s): a common exporter pattern.
  consts_["s"] = Vec({4, -1, 8});
  consts_["m1"] = Scalar(-1);
  consts_["one"] = Scalar(1);
  std::optional<ConstTensor> eq = Fold(Node("Equal", {"s", "m1"}));
  ASSERT_TRUE(eq);
  EXPECT_EQ(eq->elem_type, onnx::TensorProto::BOOL);
  consts_["eq"] = *eq;
  EXPECT_THAT(Fold(Node("Where", {"eq", "one", "s"}))->ints,
              ElementsAre(4, 1, 8));
}

TEST_F(FoldTest, CastFloorAndFloatArithmetic) {
  consts_["f"] = Reals({2.5, -1.5}, {2});
  onnx::NodeProto cast = Node("Cast", {"f"});
  SetInt(&cast, "to", onnx::TensorProto::INT64);
  EXPECT_THAT(Fold(cast)->ints, ElementsAre(2, -1));  // truncation
  EXPECT_THAT(Fold(Node("Floor", {"f"}))->reals, ElementsAre(2.0, -2.0));
  consts_["i"] = Vec({3});
  onnx::NodeProto to_float = Node("Cast", {"i"});
  SetInt(&to_float, "to", onnx::TensorProto::FLOAT);
  std::optional<ConstTensor> f = Fold(to_float);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->is_real());
  EXPECT_THAT(f->reals, ElementsAre(3.0));
}

TEST_F(FoldTest, GeneratorsAndReductions) {
  consts_["shape"] = Vec({2, 3});
  std::optional<ConstTensor> z = Fold(Node("ConstantOfShape", {"shape"}));
  ASSERT_TRUE(z);
  EXPECT_EQ(z->dims, Dims({2, 3}));
  EXPECT_THAT(z->reals, ElementsAreArray(std::vector<double>(6, 0.0)));
  consts_["start"] = Scalar(1);
  consts_["limit"] = Scalar(8);
  consts_["delta"] = Scalar(3);
  EXPECT_THAT(Fold(Node("Range", {"start", "limit", "delta"}))->ints,
              ElementsAre(1, 4, 7));
  consts_["v"] = Vec({2, 3, 4});
  onnx::NodeProto prod = Node("ReduceProd", {"v"});
  SetInt(&prod, "keepdims", 0);
  std::optional<ConstTensor> p = Fold(prod);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->dims.empty());
  EXPECT_THAT(p->ints, ElementsAre(24));
  consts_["one"] = Ints({5}, {1});
  consts_["to"] = Vec({2, 2});
  EXPECT_THAT(Fold(Node("Expand", {"one", "to"}))->ints,
              ElementsAre(5, 5, 5, 5));
  // Too large to fold: left to ONNX.
  consts_["huge"] = Vec({1 << 20, 1 << 20});
  EXPECT_FALSE(Fold(Node("ConstantOfShape", {"huge"})));
}

TEST_F(FoldTest, NothingFoldsWithoutConstantInputs) {
  consts_["a"] = Vec({1});
  EXPECT_FALSE(Fold(Node("Add", {"a", "runtime"})));
  EXPECT_FALSE(Fold(Node("Relu", {"a"})));  // not a shape op
  onnx::NodeProto custom = Node("Shape", {"a"});
  custom.set_domain("com.example");
  EXPECT_FALSE(Fold(custom));
}

TEST(ConstTensorTest, RoundTripsThroughTensorProto) {
  for (int32_t type : {onnx::TensorProto::INT64, onnx::TensorProto::INT32,
                       onnx::TensorProto::INT8, onnx::TensorProto::BOOL}) {
    ConstTensor c = Ints({1, 0, 1, 1}, {2, 2});
    c.elem_type = type;
    std::optional<ConstTensor> back = ConstFromTensor(ConstToTensor(c, "t"));
    ASSERT_TRUE(back) << type;
    EXPECT_EQ(back->dims, c.dims);
    EXPECT_EQ(back->ints, c.ints);
  }
  ConstTensor f = Reals({0.5, -2}, {2});
  std::optional<ConstTensor> back = ConstFromTensor(ConstToTensor(f, "f"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->reals, f.reals);
  // Data that does not match the dims is not a constant.
  onnx::TensorProto bad = ConstToTensor(Vec({1, 2}), "bad");
  bad.add_dims(3);
  EXPECT_FALSE(ConstFromTensor(bad));
}

}  // namespace
}  // namespace onnx_internal
}  // namespace joule
