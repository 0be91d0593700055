// Test data on disk: reading a file whole, and the model sets that a
// generator writes (tests/reference_models/make_reference_models.py,
// tests/onnxruntime/make_ort_models.py, tests/public_models/generate.sh).
// CTest runs each generator once as a fixture; a test binary run by hand runs
// it itself on first use.
//
// Not thread-safe: used from a test's main thread.
#ifndef JOULE_TESTING_GENERATED_FILES_H_
#define JOULE_TESTING_GENERATED_FILES_H_

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace joule::test_files {

// The bytes of `path`; a test failure naming it when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the shell command `command dir` unless dir/last_file exists (the
// file the generator writes last); a test failure when the command fails.
inline void RunUnlessPresent(const std::string& dir, const std::string& command,
                             const std::string& last_file) {
  struct stat st;
  if (stat((dir + "/" + last_file).c_str(), &st) == 0) return;
  const std::string cmd = command + " " + dir;
  if (std::system(cmd.c_str()) != 0) {
    ADD_FAILURE() << "could not generate the test models: " << cmd;
  }
}

// RunUnlessPresent of `/usr/bin/python3 script`.
inline void GenerateUnlessPresent(const std::string& dir,
                                  const std::string& script,
                                  const std::string& last_file) {
  RunUnlessPresent(dir, "/usr/bin/python3 " + script, last_file);
}

}  // namespace joule::test_files

#endif  // JOULE_TESTING_GENERATED_FILES_H_
