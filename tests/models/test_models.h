// The ONNX test models written by tests/models/make_models.py, for tests:
// where they are, their bytes, and the costs the generator computed for
// them from their layer definitions (independently of the analyser).
//
// CTest runs the generator once (fixture joule_onnx_models) into
// JOULE_TEST_MODELS_DIR; a test binary run by hand generates them itself
// into its temp dir on first use.
//
// Not thread-safe: used from a test's main thread.
#ifndef JOULE_TESTS_MODELS_TEST_MODELS_H_
#define JOULE_TESTS_MODELS_TEST_MODELS_H_

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

#ifndef JOULE_TEST_MODELS_DIR
#error "build with joule_onnx_test() (scheduler/CMakeLists.txt)"
#endif

namespace joule {
namespace test_models {

inline bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The directory holding NAME.onnx and NAME.expected.
inline const std::string& Dir() {
  static const std::string* dir = [] {
    const std::string fixture = JOULE_TEST_MODELS_DIR;
    if (FileExists(fixture + "/variant_op17.expected")) {
      return new std::string(fixture);
    }
    auto* own = new std::string(::testing::TempDir() + "/joule_models_" +
                                std::to_string(::getpid()));
    const std::string cmd =
        std::string("/usr/bin/python3 ") + JOULE_MAKE_MODELS_PY + " " + *own;
    if (std::system(cmd.c_str()) != 0) {
      ADD_FAILURE() << "could not generate the test models: " << cmd;
    }
    return own;
  }();
  return *dir;
}

inline std::string Path(const std::string& name) {
  return Dir() + "/" + name + ".onnx";
}

inline std::string Bytes(const std::string& name) {
  std::ifstream in(Path(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << Path(name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ExpectedNode {
  std::string name;
  std::string op;
  int64_t ops = 0;
  int64_t macs = 0;
  std::vector<int64_t> shape;  // of the first output
};

// What NAME.expected says (see make_models.py).
struct Expected {
  std::map<std::string, int64_t> totals;  // "ops", "macs", "weight_bytes", ...
  std::string precision;
  std::vector<ExpectedNode> nodes;
  std::vector<std::string> unresolved;

  int64_t at(const std::string& key) const {
    auto it = totals.find(key);
    EXPECT_NE(it, totals.end()) << key;
    return it == totals.end() ? -1 : it->second;
  }
};

inline Expected LoadExpected(const std::string& stem) {
  Expected e;
  std::ifstream in(Dir() + "/" + stem + ".expected");
  EXPECT_TRUE(in.good()) << stem << ".expected";
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string key;
    f >> key;
    if (key == "node") {
      ExpectedNode n;
      std::string shape;
      f >> n.name >> n.op >> n.ops >> n.macs >> shape;
      if (shape != "scalar") {
        std::istringstream dims(shape);
        std::string d;
        while (std::getline(dims, d, ',')) n.shape.push_back(std::stoll(d));
      }
      e.nodes.push_back(n);
    } else if (key == "unresolved") {
      std::string name;
      f >> name;
      e.unresolved.push_back(name);
    } else if (key == "precision") {
      f >> e.precision;
    } else if (!key.empty()) {
      int64_t v = 0;
      f >> v;
      e.totals[key] = v;
    }
  }
  return e;
}

}  // namespace test_models
}  // namespace joule

#endif  // JOULE_TESTS_MODELS_TEST_MODELS_H_
