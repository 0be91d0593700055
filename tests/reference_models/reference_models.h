// Test-only: the models tests/reference_models/make_reference_models.py writes
// (written by the CTest fixture joule_reference_models, or on first use when a
// test binary runs by hand) and their reference data: NAME.onnx, NAME.meta
// ("input x 1,3,16,16" / "output y 1,10"), NAME.input.bin, NAME.expected.bin.
//
// Needs JOULE_REFERENCE_MODELS_DIR and JOULE_MAKE_REFERENCE_MODELS_PY defined
// by the build. Not thread-safe beyond ModelsDir()'s one-time generation.
#ifndef JOULE_TESTS_REFERENCE_MODELS_REFERENCE_MODELS_H_
#define JOULE_TESTS_REFERENCE_MODELS_REFERENCE_MODELS_H_

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "gtest/gtest.h"
#include "testing/generated_files.h"

namespace joule::reference_models {

using test_files::ReadFile;

inline const std::string& ModelsDir() {
  static const std::string* dir = [] {
    auto* d = new std::string(JOULE_REFERENCE_MODELS_DIR);
    test_files::GenerateUnlessPresent(*d, JOULE_MAKE_REFERENCE_MODELS_PY,
                                      "custom_op.onnx");
    return d;
  }();
  return *dir;
}

inline std::string ModelBytes(const std::string& name) {
  return ReadFile(ModelsDir() + "/" + name + ".onnx");
}

// "1,3,16,16" -> {1, 3, 16, 16}.
inline std::vector<int64_t> Dims(const std::string& csv) {
  std::vector<int64_t> dims;
  std::istringstream in(csv);
  std::string part;
  while (std::getline(in, part, ',')) dims.push_back(std::stoll(part));
  return dims;
}

// Raw little-endian float32 (these tests run on little-endian hosts only).
inline std::vector<float> Floats(const std::string& bytes) {
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

// One input, one output, and numpy's output for that input.
struct Case {
  Tensor input;  // FLOAT32, the generator's input
  std::string output_name;
  std::vector<int64_t> output_shape;
  std::vector<float> expected;
};

inline Case LoadCase(const std::string& name) {
  Case c;
  std::istringstream meta(ReadFile(ModelsDir() + "/" + name + ".meta"));
  std::string kind, tensor, dims;
  while (meta >> kind >> tensor >> dims) {
    if (kind == "input") {
      c.input.name = tensor;
      c.input.dtype = DataType::kFloat32;
      c.input.shape = Dims(dims);
      c.input.bytes = ReadFile(ModelsDir() + "/" + name + ".input.bin");
    } else {
      c.output_name = tensor;
      c.output_shape = Dims(dims);
    }
  }
  c.expected = Floats(ReadFile(ModelsDir() + "/" + name + ".expected.bin"));
  EXPECT_FALSE(c.input.name.empty()) << name << ".meta";
  return c;
}

}  // namespace joule::reference_models

#endif  // JOULE_TESTS_REFERENCE_MODELS_REFERENCE_MODELS_H_
