#include "core/tensor.h"

#include <cstdint>
#include <limits>
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
  scalar.bytes.assign(8, '\0');
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
  t.bytes.assign(12, '\0');
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
  t.bytes.assign(4, '\0');
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
