#include "platform/linux/cpufreq_sysfs.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/linux/cpufreq_factory.h"
#include "testing/cpufreq_backend_test_cases.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

INSTANTIATE_TEST_SUITE_P(
    Sysfs, CpufreqBackendTest,
    ::testing::Values(CpufreqBackendFactory{
        "Sysfs", nullptr,
        [](const std::string& root) -> std::unique_ptr<CpufreqBackend> {
          return std::make_unique<SysfsCpufreq>(root);
        },
        nullptr}),
    [](const ::testing::TestParamInfo<CpufreqBackendFactory>& info) {
      return info.param.name;
    });

// What only the sysfs backend can promise: the errno text of every failure.
class SysfsCpufreqTest : public ::testing::Test {
 protected:
  SysfsCpufreqTest() : sysfs_(tree_.root()) { BuildFakeCpufreqTree(tree_); }
  FakeTree tree_;
  SysfsCpufreq sysfs_;
};

TEST_F(SysfsCpufreqTest, FailedWritesCarryTheErrnoText) {
  tree_.ReplaceWithDevFull(PolicyFile(0, "scaling_setspeed"));
  absl::Status s = sysfs_.SetSpeedKhz(0, 1200000);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;  // ENOSPC
  EXPECT_THAT(s.message(), HasSubstr("No space left on device"));
  EXPECT_THAT(s.message(),
              HasSubstr(tree_.Path("sys/devices/system/cpu/cpu0/cpufreq/"
                                   "scaling_setspeed")));

  tree_.ReplaceWithDirectory(PolicyFile(0, "scaling_max_freq"));
  s = sysfs_.SetMaxFreqKhz(0, 1200000);
  EXPECT_THAT(s.message(), HasSubstr("Is a directory"));
}

TEST_F(SysfsCpufreqTest, WritesReplaceTheWholeValue) {
  ASSERT_TRUE(sysfs_.SetMaxFreqKhz(0, 800000).ok());  // shorter than 1800000
  EXPECT_EQ(tree_.Read(PolicyFile(0, "scaling_max_freq")), "800000");
}

TEST_F(SysfsCpufreqTest, UsesPolicyDirectoryWhenThereIsNoPerCpuLink) {
  tree_.Remove(std::string(kFakeCpuDir) + "/cpu0");
  absl::StatusOr<std::string> dir = sysfs_.PolicyDir(0);
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(*dir, tree_.Path(std::string(kFakeCpuDir) + "/cpufreq/policy0"));
  EXPECT_EQ(*sysfs_.CurrentFreqKhz(0), 1400000u);
}

TEST_F(SysfsCpufreqTest, ListsPoliciesWithTheirCpus) {
  tree_.Write(PolicyFile(2, "related_cpus"), "2-3\n");
  absl::StatusOr<std::vector<CpufreqPolicyDir>> p =
      ListCpufreqPolicies(tree_.root());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "policy0");
  EXPECT_THAT((*p)[0].cpus, ElementsAre(0, 1));
  EXPECT_EQ((*p)[1].name, "policy2");
  EXPECT_THAT((*p)[1].cpus, ElementsAre(2, 3));
}

TEST_F(SysfsCpufreqTest, ListsPerCpuDirectoriesOnOldKernels) {
  // No cpufreq/policyN: cpu0 owns the directory, cpu1 links to it.
  FakeTree old;
  old.Write(std::string(kFakeCpuDir) + "/cpu0/cpufreq/scaling_governor",
            "ondemand\n");
  old.Symlink(std::string(kFakeCpuDir) + "/cpu1/cpufreq", "../cpu0/cpufreq");
  old.Write(std::string(kFakeCpuDir) + "/cpu2/cpufreq/scaling_governor",
            "ondemand\n");
  absl::StatusOr<std::vector<CpufreqPolicyDir>> p =
      ListCpufreqPolicies(old.root());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "cpu0");
  EXPECT_THAT((*p)[0].cpus, ElementsAre(0, 1));
  EXPECT_THAT((*p)[1].cpus, ElementsAre(2));
}

TEST_F(SysfsCpufreqTest, NoCpufreqListsNothingAndGarbageCpuListsFail) {
  FakeTree empty;
  absl::StatusOr<std::vector<CpufreqPolicyDir>> none =
      ListCpufreqPolicies(empty.root());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());

  tree_.Write(PolicyFile(2, "related_cpus"), "two\n");
  absl::StatusOr<std::vector<CpufreqPolicyDir>> bad =
      ListCpufreqPolicies(tree_.root());
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_THAT(bad.status().message(), HasSubstr("related_cpus"));
}

TEST(CpufreqBackendFactoryTest, LibcpufreqNeedsTheRealRoot) {
  absl::StatusOr<std::unique_ptr<CpufreqBackend>> b =
      MakeCpufreqBackend(CpufreqBackendKind::kLibcpufreq, "/tmp/x");
  EXPECT_TRUE(absl::IsInvalidArgument(b.status())) << b.status();
  b = MakeCpufreqBackend(CpufreqBackendKind::kLibcpufreq, "/");
  EXPECT_EQ(b.ok(), LibcpufreqAvailable()) << b.status();
  b = MakeCpufreqBackend(CpufreqBackendKind::kSysfs, "/tmp/x");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->name(), "sysfs");
}

}  // namespace
}  // namespace joule
