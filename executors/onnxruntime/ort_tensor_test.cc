// Element types both ways and checking a run's tensors against a model's
// declared inputs (no library needed).
#include "executors/onnxruntime/ort_tensor.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

using ort::ElementType;

TEST(OrtTensorTest, ElementTypesMapBothWaysWithOnnxValues) {
  struct Case {
    ElementType ort;
    int onnx_value;  // onnx.TensorProto.DataType
    DataType joule;
    const char* name;
  };
  for (const Case& c :
       {Case{ElementType::kFloat, 1, DataType::kFloat32, "float32"},
        Case{ElementType::kUint8, 2, DataType::kUint8, "uint8"},
        Case{ElementType::kInt8, 3, DataType::kInt8, "int8"},
        Case{ElementType::kInt32, 6, DataType::kInt32, "int32"},
        Case{ElementType::kInt64, 7, DataType::kInt64, "int64"},
        Case{ElementType::kFloat16, 10, DataType::kFloat16, "float16"}}) {
    EXPECT_EQ(static_cast<int>(c.ort), c.onnx_value) << c.name;
    EXPECT_TRUE(IsSupportedElementType(c.ort)) << c.name;
    EXPECT_EQ(ToDataType(c.ort), c.joule) << c.name;
    EXPECT_EQ(ToElementType(c.joule), c.ort) << c.name;
    EXPECT_EQ(ElementTypeName(c.ort), c.name);
  }
  const auto kDouble = static_cast<ElementType>(11);
  EXPECT_FALSE(IsSupportedElementType(kDouble));
  EXPECT_FALSE(IsSupportedElementType(ElementType::kUndefined));
  EXPECT_EQ(ToDataType(kDouble), DataType::kUnspecified);
  EXPECT_EQ(ElementTypeName(kDouble), "onnx type 11");
  EXPECT_EQ(ToElementType(DataType::kUnspecified), std::nullopt);
  EXPECT_EQ(ToElementType(static_cast<DataType>(99)), std::nullopt);
}

TEST(OrtTensorTest, InfoStringShowsDynamicDims) {
  EXPECT_EQ(InfoString({"x", ElementType::kFloat, {-1, 16}}),
            "float32 [-1,16]");
  EXPECT_EQ(InfoString({"s", ElementType::kInt64, {}}), "int64 []");
}

std::vector<OrtTensorInfo> TwoInputs() {
  return {{"x", ElementType::kFloat, {-1, 4}},
          {"ids", ElementType::kInt64, {2}}};
}

Tensor Make(std::string name, DataType dtype, std::vector<int64_t> shape) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  int64_t n = *t.NumElements();
  t.bytes = std::string(static_cast<size_t>(n * ElementSize(dtype)), '\0');
  return t;
}

TEST(OrtTensorTest, MatchInputsOrdersByTheModel) {
  std::vector<Tensor> given = {Make("ids", DataType::kInt64, {2}),
                               Make("x", DataType::kFloat32, {3, 4})};
  std::vector<const Tensor*> ordered;
  ASSERT_TRUE(MatchInputs("m", TwoInputs(), given, &ordered).ok());
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0], &given[1]);
  EXPECT_EQ(ordered[1], &given[0]);
}

absl::Status Match(std::vector<Tensor> given) {
  std::vector<const Tensor*> ordered;
  return MatchInputs("m", TwoInputs(), given, &ordered);
}

TEST(OrtTensorTest, MatchInputsNamesTheInputOnEveryMismatch) {
  const Tensor ids = Make("ids", DataType::kInt64, {2});
  struct Case {
    std::vector<Tensor> given;
    std::string message;
  };
  Tensor short_x = Make("x", DataType::kFloat32, {1, 4});
  short_x.bytes = std::string(short_x.bytes.view().substr(0, 12));
  for (const Case& c : std::vector<Case>{
           {{Make("x", DataType::kInt32, {1, 4}), ids},
            "model 'm': input 'x' is float32 [-1,4], got int32 [1,4]"},
           {{Make("x", DataType::kFloat32, {4}), ids},
            "model 'm': input 'x' is float32 [-1,4], got rank 1 [4]"},
           {{Make("x", DataType::kFloat32, {1, 5}), ids},
            "model 'm': input 'x' is float32 [-1,4], got [1,5] (dim 1)"},
           {{short_x, ids},
            "model 'm': tensor 'x': 12 bytes, shape [1,4] float32 needs 16"},
           {{ids}, "model 'm': input 'x' (float32 [-1,4]) not given"},
           {{Make("x", DataType::kFloat32, {1, 4}), ids,
             Make("z", DataType::kFloat32, {1})},
            "model 'm' has no input 'z' (its inputs: x, ids)"},
           {{Make("x", DataType::kFloat32, {1, 4}), ids, ids},
            "model 'm': input 'ids' given twice"},
       }) {
    absl::Status s = Match(c.given);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
    EXPECT_EQ(std::string(s.message()), c.message);
  }
}

}  // namespace
}  // namespace joule
