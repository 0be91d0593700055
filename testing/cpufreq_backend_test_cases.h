// The CpufreqBackend conformance suite: one set of test cases (and the
// CpufreqController cases on top of them) that every backend must pass.
// cpufreq_sysfs_test.cc instantiates it for SysfsCpufreq on a fake tree;
// cpufreq_libcpufreq_test.cc for libcpufreq (and sysfs with root "/") on
// the same fake tree bind-mounted over /sys/devices/system/cpu.
//
// The fake tree: testing/fake_host.h.
//
// Test-only. Not thread-safe.
#ifndef JOULE_TESTING_CPUFREQ_BACKEND_TEST_CASES_H_
#define JOULE_TESTING_CPUFREQ_BACKEND_TEST_CASES_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "platform/linux/cpufreq_backend.h"
#include "testing/fake_host.h"
#include "testing/linux_test_tree.h"

namespace joule {

struct CpufreqBackendFactory {
  std::string name;  // the instantiation's label
  // Runs before each test once the tree is built (e.g. bind-mounts it);
  // may be empty. Unavailable means this environment cannot run the backend
  // and skips the test with the message; any other error fails it.
  std::function<absl::Status(const std::string& root)> prepare;
  // A backend reading the fake tree whose root is `root`.
  std::function<std::unique_ptr<CpufreqBackend>(const std::string& root)> make;
  // Runs after each test, before the tree is removed (e.g. unmounts); may
  // be empty.
  std::function<void()> cleanup;
};

inline std::ostream& operator<<(std::ostream& os,
                                const CpufreqBackendFactory& f) {
  return os << f.name;
}

class CpufreqBackendTest
    : public ::testing::TestWithParam<CpufreqBackendFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A fresh backend of the same kind (the controller tests own theirs).
  std::unique_ptr<CpufreqBackend> NewBackend();

  FakeTree tree_;
  std::unique_ptr<CpufreqBackend> backend_;
  bool prepared_ = false;  // cleanup is due
};

}  // namespace joule

#endif  // JOULE_TESTING_CPUFREQ_BACKEND_TEST_CASES_H_
