// Per-operator cost formulas (onnx_op_cost.h), each checked by hand.
#include "models/onnx_op_cost.h"

#include "gtest/gtest.h"

namespace joule {
namespace onnx_internal {
namespace {

using Dims = std::vector<int64_t>;

TensorType T(Dims dims) {
  return TensorType{onnx::TensorProto::FLOAT, true, std::move(dims)};
}

struct Case {
  onnx::NodeProto node;
  std::vector<TensorType> ins;  // one per input
  TensorType out;

  Case(const std::string& op, std::vector<TensorType> in, TensorType o)
      : ins(std::move(in)), out(std::move(o)) {
    node.set_op_type(op);
    for (size_t i = 0; i < ins.size(); ++i)
      node.add_input("in" + std::to_string(i));
    node.add_output("out");
  }
  Case& Ints(const std::string& name, Dims v) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }
  Case& Int(const std::string& name, int64_t v) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  Case& Str(const std::string& name, const std::string& v) {
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
    return *this;
  }
  absl::StatusOr<OpCost> Cost() const {
    std::vector<const TensorType*> in;
    for (const TensorType& t : ins) in.push_back(&t);
    return CostOf(node, in, {&out});
  }
};

void ExpectCost(const Case& c, int64_t ops, int64_t macs) {
  absl::StatusOr<OpCost> cost = c.Cost();
  ASSERT_TRUE(cost.ok()) << c.node.op_type() << ": " << cost.status();
  EXPECT_EQ(cost->ops, ops) << c.node.op_type();
  EXPECT_EQ(cost->macs, macs) << c.node.op_type();
}

TEST(OpCostTest, Convolutions) {
  // 2 images, 3 -> 8 channels, 3x3, 10x10 out, with bias.
  const int64_t macs = 2 * 8 * 10 * 10 * 3 * 3 * 3;
  ExpectCost(Case("Conv", {T({2, 3, 12, 12}), T({8, 3, 3, 3}), T({8})},
                  T({2, 8, 10, 10})),
             2 * macs + 2 * 8 * 10 * 10, macs);
  // Depthwise: group 8, W [8, 1, 3, 3], no bias.
  ExpectCost(Case("Conv", {T({1, 8, 10, 10}), T({8, 1, 3, 3})}, T({1, 8, 8, 8}))
                 .Int("group", 8),
             2 * 8 * 8 * 8 * 9, 8 * 8 * 8 * 9);
  // 1-D conv.
  ExpectCost(Case("Conv", {T({1, 4, 100}), T({6, 4, 5})}, T({1, 6, 96})),
             2 * 6 * 96 * 4 * 5, 6 * 96 * 4 * 5);
  // ConvTranspose: X [1, 4, 5, 5], W [4, 2, 3, 3] (M/group = 2).
  ExpectCost(Case("ConvTranspose", {T({1, 4, 5, 5}), T({4, 2, 3, 3})},
                  T({1, 2, 11, 11})),
             2 * 4 * 25 * 2 * 9, 4 * 25 * 2 * 9);
  // Without W's shape the cost is unknown.
  Case unknown("Conv", {T({1, 3, 8, 8}), TensorType{}}, T({1, 4, 6, 6}));
  EXPECT_EQ(unknown.Cost().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(OpCostTest, MatMulAndGemm) {
  // Batched with broadcasting: [2,1,4,8] x [3,8,5] -> [2,3,4,5].
  ExpectCost(Case("MatMul", {T({2, 1, 4, 8}), T({3, 8, 5})}, T({2, 3, 4, 5})),
             2 * 120 * 8, 120 * 8);
  // Vector · matrix.
  ExpectCost(Case("MatMul", {T({8}), T({8, 5})}, T({5})), 2 * 40, 40);
  // Gemm with transA: A is [K, M] = [6, 4]; C present.
  ExpectCost(
      Case("Gemm", {T({6, 4}), T({6, 3}), T({3})}, T({4, 3})).Int("transA", 1),
      2 * 4 * 3 * 6 + 12, 4 * 3 * 6);
}

TEST(OpCostTest, PoolingNormalisationAndReductions) {
  ExpectCost(Case("MaxPool", {T({1, 2, 8, 8})}, T({1, 2, 4, 4}))
                 .Ints("kernel_shape", {3, 3}),
             32 * 9, 0);
  ExpectCost(Case("GlobalAveragePool", {T({1, 2, 8, 8})}, T({1, 2, 1, 1})), 128,
             0);
  ExpectCost(
      Case("BatchNormalization",
           {T({1, 2, 4, 4}), T({2}), T({2}), T({2}), T({2})}, T({1, 2, 4, 4})),
      64, 0);
  ExpectCost(Case("LayerNormalization", {T({2, 10}), T({10})}, T({2, 10})), 120,
             0);
  ExpectCost(Case("Softmax", {T({2, 10})}, T({2, 10})), 60, 0);
  ExpectCost(Case("ReduceMean", {T({2, 10})}, T({2, 1})), 20, 0);
  ExpectCost(Case("ReduceL2", {T({2, 10})}, T({2, 1})), 40, 0);
  Case pool_no_kernel("MaxPool", {T({1, 1, 4, 4})}, T({1, 1, 2, 2}));
  EXPECT_EQ(pool_no_kernel.Cost().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(OpCostTest, ElementwiseResizeAndDataMovement) {
  ExpectCost(Case("Add", {T({4, 1}), T({1, 5})}, T({4, 5})), 20, 0);
  ExpectCost(Case("Relu", {T({7})}, T({7})), 7, 0);
  ExpectCost(Case("Sum", {T({3}), T({3}), T({3})}, T({3})), 6, 0);
  ExpectCost(Case("Transpose", {T({2, 3})}, T({3, 2})), 0, 0);
  // Resize 2x along H and W: nearest 1, linear 2·2², cubic 2·4² per output.
  const Case nearest("Resize", {T({1, 1, 4, 4})}, T({1, 1, 8, 8}));
  ExpectCost(nearest, 64, 0);
  Case linear = nearest;
  linear.Str("mode", "linear");
  ExpectCost(linear, 64 * 8, 0);
  Case cubic = nearest;
  cubic.Str("mode", "cubic");
  ExpectCost(cubic, 64 * 32, 0);
}

TEST(OpCostTest, UnknownOpsAndOverflow) {
  EXPECT_EQ(Case("NonMaxSuppression", {T({1, 4, 4})}, T({3, 3}))
                .Cost()
                .status()
                .code(),
            absl::StatusCode::kUnimplemented);
  Case custom("Relu", {T({4})}, T({4}));
  custom.node.set_domain("com.example");
  EXPECT_EQ(custom.Cost().status().code(), absl::StatusCode::kUnimplemented);
  const int64_t big = int64_t{1} << 31;
  Case huge("MatMul", {T({big, big}), T({big, big})}, T({big, big}));
  EXPECT_EQ(huge.Cost().status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace onnx_internal
}  // namespace joule
