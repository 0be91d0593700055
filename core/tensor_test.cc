#include "core/tensor.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

TEST(TensorTest, ElementSizesMatchTheProto) {
  EXPECT_EQ(ElementSize(DataType::kFloat32), 4);
  EXPECT_EQ(ElementSize(DataType::kFloat16), 2);
  EXPECT_EQ(ElementSize(DataType::kInt8), 1);
  EXPECT_EQ(ElementSize(DataType::kUint8), 1);
  EXPECT_EQ(ElementSize(DataType::kInt32), 4);
  EXPECT_EQ(ElementSize(DataType::kInt64), 8);
  EXPECT_EQ(ElementSize(DataType::kUnspecified), 0);
  EXPECT_EQ(ElementSize(static_cast<DataType>(42)), 0);
  EXPECT_EQ(DataTypeName(DataType::kUint8), "uint8");
}

TEST(TensorTest, ValidTensors) {
  Tensor t = MakeFloat32Tensor("x", {2, 3}, std::vector<float>(6, 1.5f));
  EXPECT_TRUE(t.Validate().ok());
  EXPECT_EQ(*t.NumElements(), 6);
  EXPECT_EQ(t.ShapeString(), "[2,3]");

  Tensor scalar;  // rank 0: one element
  scalar.name = "s";
  scalar.dtype = DataType::kInt64;
  scalar.bytes = std::string(8, '\0');
  EXPECT_TRUE(scalar.Validate().ok());

  Tensor empty;  // a zero dim: no bytes
  empty.name = "e";
  empty.dtype = DataType::kInt8;
  empty.shape = {4, 0, 7};
  EXPECT_TRUE(empty.Validate().ok());
}

TEST(TensorTest, WrongByteCountNamesEverything) {
  Tensor t;
  t.name = "x";
  t.dtype = DataType::kFloat32;
  t.shape = {1, 4};
  t.bytes = std::string(12, '\0');
  absl::Status s = t.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("tensor 'x': 12 bytes, shape [1,4] float32 needs 16"));
}

TEST(TensorTest, NegativeDimAndUnknownDtypeRejected) {
  Tensor t;
  t.name = "x";
  t.dtype = DataType::kFloat32;
  t.shape = {1, -4};
  EXPECT_THAT(t.Validate().message(), HasSubstr("dim 1 of shape [1,-4]"));
  t.shape = {1};
  t.dtype = DataType::kUnspecified;
  t.bytes = std::string(4, '\0');
  EXPECT_THAT(t.Validate().message(), HasSubstr("unspecified or unknown"));
}

TEST(TensorTest, OverflowRejected) {
  Tensor t;
  t.name = "huge";
  t.dtype = DataType::kFloat32;
  const int64_t big = int64_t{1} << 32;
  t.shape = {big, big};  // 2^64 elements
  EXPECT_THAT(t.Validate().message(), HasSubstr("overflows int64"));
  t.shape = {std::numeric_limits<int64_t>::max() /
             2};  // elements fit, bytes not
  EXPECT_THAT(t.Validate().message(), HasSubstr("overflows int64 bytes"));
  t.shape = {big, 0, big};  // a zero dim anywhere: 0 elements, no overflow
  EXPECT_TRUE(t.Validate().ok());
}

TEST(TensorTest, Float32ValuesRoundTrip) {
  const std::vector<float> v = {1.f, -2.5f, 3.25f};
  Tensor t = MakeFloat32Tensor("y", {3}, v);
  absl::StatusOr<std::vector<float>> back = Float32Values(t);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
  t.dtype = DataType::kInt32;
  EXPECT_THAT(Float32Values(t).status().message(),
              HasSubstr("'y' is int32, not float32"));
}

TEST(TensorTest, BoolIsOneBytePerElement) {
  EXPECT_EQ(ElementSize(DataType::kBool), 1);
  EXPECT_EQ(DataTypeName(DataType::kBool), "bool");
  Tensor t{"mask", DataType::kBool, {2, 2}, std::string("\x01\x00\x00\x01", 4)};
  EXPECT_TRUE(t.Validate().ok()) << t.Validate();
}

TEST(TensorTest, OnnxElementTypes) {
  EXPECT_EQ(DataTypeFromOnnx(1), DataType::kFloat32);
  EXPECT_EQ(DataTypeFromOnnx(2), DataType::kUint8);
  EXPECT_EQ(DataTypeFromOnnx(3), DataType::kInt8);
  EXPECT_EQ(DataTypeFromOnnx(6), DataType::kInt32);
  EXPECT_EQ(DataTypeFromOnnx(7), DataType::kInt64);
  EXPECT_EQ(DataTypeFromOnnx(9), DataType::kBool);
  EXPECT_EQ(DataTypeFromOnnx(10), DataType::kFloat16);
  for (int32_t unsupported : {0, 4, 5, 8, 11, 12, 13, 16, 99}) {
    EXPECT_EQ(DataTypeFromOnnx(unsupported), DataType::kUnspecified)
        << unsupported;
  }
}

}  // namespace
}  // namespace joule

namespace joule {
namespace {

TEST(TensorBytesTest, OwnedBytesMoveWithoutACopy) {
  std::string big(1 << 20, 'a');
  const char* buffer = big.data();
  TensorBytes b(std::move(big));
  EXPECT_FALSE(b.borrowed());
  EXPECT_EQ(b.data(), buffer);
  TensorBytes moved = std::move(b);
  EXPECT_EQ(moved.data(), buffer);
  EXPECT_EQ(moved.size(), size_t{1} << 20);
  std::string out = std::move(moved).TakeString();
  EXPECT_EQ(out.data(), buffer);
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move): reset
}

TEST(TensorBytesTest, BorrowedBytesAreSharedAndKeepTheirOwnerAlive) {
  auto owner = std::make_shared<std::string>(4096, 'b');
  const char* buffer = owner->data();
  TensorBytes b = TensorBytes::Borrow(*owner, owner);
  EXPECT_TRUE(b.borrowed());
  EXPECT_EQ(b.data(), buffer);
  TensorBytes copy = b;  // shares the view: no byte copied
  EXPECT_EQ(copy.data(), buffer);
  EXPECT_EQ(owner.use_count(), 3);
  std::weak_ptr<std::string> watch = owner;
  owner.reset();  // the tensors alone hold it now
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(copy.view(), std::string(4096, 'b'));
  // Taking a string out of borrowed bytes copies them and lets go.
  std::string out = std::move(b).TakeString();
  EXPECT_NE(out.data(), buffer);
  EXPECT_EQ(out, std::string(4096, 'b'));
  EXPECT_FALSE(watch.expired());
  copy = TensorBytes();
  EXPECT_TRUE(watch.expired());
}

TEST(TensorBytesTest, EqualityComparesTheBytes) {
  auto owner = std::make_shared<std::string>("abc");
  EXPECT_EQ(TensorBytes::Borrow(*owner, owner), TensorBytes("abc"));
  EXPECT_NE(TensorBytes("abd"), TensorBytes("abc"));
}

TEST(TensorBytesDeathTest, ABorrowNothingHoldsCrashes) {
  EXPECT_DEATH(TensorBytes::Borrow("abc", nullptr),
               "TensorBytes::Borrow without a keep-alive");
}

}  // namespace
}  // namespace joule
