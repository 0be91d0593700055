// Test-only helpers for the ONNX Runtime tests (ort_api_test.cc,
// ort_library_test.cc, ort_session_test.cc): the fetched library loaded once
// per test process, the models of tests/onnxruntime/make_ort_models.py
// (written by the CTest fixture joule_ort_models, or on first use when a test
// binary runs by hand), files, tensors, and counting this process's threads.
//
// Needs JOULE_ORT_MODELS_DIR and JOULE_MAKE_ORT_MODELS_PY defined by the
// build. Not thread-safe beyond the one-time initialisations.
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_TEST_UTIL_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_TEST_UTIL_H_

#include <dirent.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "executors/onnxruntime/ort_library.h"
#include "gtest/gtest.h"
#include "testing/generated_files.h"

namespace joule::ort_test {

// The fetched library (DefaultOrtLibraryOptions, checksum checked), loaded
// once; nullptr after an ADD_FAILURE when it cannot be.
inline std::shared_ptr<const OrtLibrary> Library() {
  static const std::shared_ptr<const OrtLibrary>* lib = [] {
    absl::StatusOr<std::shared_ptr<const OrtLibrary>> l =
        OrtLibrary::Load(DefaultOrtLibraryOptions());
    if (!l.ok()) ADD_FAILURE() << l.status();
    return new std::shared_ptr<const OrtLibrary>(l.ok() ? *l : nullptr);
  }();
  return *lib;
}

using test_files::ReadFile;

inline const std::string& OrtModelsDir() {
  static const std::string* dir = [] {
    auto* d = new std::string(JOULE_ORT_MODELS_DIR);
    test_files::GenerateUnlessPresent(*d, JOULE_MAKE_ORT_MODELS_PY,
                                      "double_in.onnx");
    return d;
  }();
  return *dir;
}

// tests/onnxruntime/make_ort_models.py's NAME.onnx.
inline std::string OrtModelBytes(const std::string& name) {
  return ReadFile(OrtModelsDir() + "/" + name + ".onnx");
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// A fresh path under the test's temporary directory.
inline std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/joule_ort_" + name;
}

// A tensor holding `values` as raw little-endian bytes.
template <typename T>
Tensor MakeTensor(std::string name, DataType dtype, std::vector<int64_t> shape,
                  const std::vector<T>& values) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes = std::string(reinterpret_cast<const char*>(values.data()),
                        values.size() * sizeof(T));
  return t;
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  std::vector<T> v(t.bytes.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), t.bytes.data(), v.size() * sizeof(T));
  return v;
}

// Threads of this process now (/proc/self/task).
inline int ThreadCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace joule::ort_test

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_TEST_UTIL_H_
