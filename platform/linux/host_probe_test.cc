#include "platform/linux/host_probe.h"

#include <cmath>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_host.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(HostProbeTest, AnEmptyRootHasNothing) {
  FakeTree empty;
  HostProbe probe = ProbeHost(empty.root());
  EXPECT_FALSE(probe.has_cpufreq());
  EXPECT_THAT(probe.thermal_zones, IsEmpty());
  EXPECT_THAT(probe.rapl_domains, IsEmpty());
  EXPECT_FALSE(probe.has_proc_stat);
  EXPECT_THAT(probe.problems, IsEmpty());
  EXPECT_EQ(probe.Summary(),
            "host " + empty.root() +
                ": no cpufreq, no thermal zones, RAPL none, no /proc/stat");
}

TEST(HostProbeTest, FindsEverythingOnAFullHost) {
  FakeTree tree;
  BuildFullHost(tree);
  HostProbe probe = ProbeHost(tree.root());
  ASSERT_EQ(probe.cpufreq.size(), 2u);
  EXPECT_EQ(probe.cpufreq[0].name, "policy0");
  EXPECT_THAT(probe.cpufreq[0].cpus, ElementsAre(0, 1));
  EXPECT_THAT(probe.cpufreq[0].freqs.freqs_khz,
              ElementsAre(1000000, 1200000, 1400000, 1800000));
  EXPECT_EQ(probe.thermal_zones.size(), 1u);
  EXPECT_EQ(probe.rapl_domains.size(), 1u);
  EXPECT_TRUE(probe.has_proc_stat);
  EXPECT_THAT(probe.online_cpus, ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(probe.Summary(),
            "host " + tree.root() +
                ": cpufreq 2 policies (policy0: cpus 0-1, schedutil, 4 freqs "
                "1000-1800 MHz; policy2: cpus 2-3, schedutil, 3 freqs "
                "1200-2400 MHz), thermal zones [cpu-thermal], RAPL "
                "[package-0], /proc/stat 4 CPUs");
}

TEST(HostProbeTest, ReportsWhatItCannotRead) {
  FakeTree tree;
  BuildFullHost(tree);
  tree.Write(PolicyFile(2, "scaling_available_frequencies"), "abc\n");
  tree.Write("proc/stat", "nonsense\n");
  HostProbe probe = ProbeHost(tree.root());
  ASSERT_EQ(probe.cpufreq.size(), 1u);
  EXPECT_FALSE(probe.has_proc_stat);
  ASSERT_EQ(probe.problems.size(), 2u);
  EXPECT_THAT(probe.problems[0], HasSubstr("policy2"));
  EXPECT_THAT(probe.Summary(), HasSubstr("unreadable: policy2"));
}

// This machine, whatever it has: /proc/stat at least.
TEST(HostProbeTest, ProbesTheRealHost) {
  HostProbe probe = ProbeHost("/");
  EXPECT_TRUE(probe.has_proc_stat);
  EXPECT_THAT(probe.online_cpus, ::testing::Not(IsEmpty()));
  EXPECT_THAT(probe.Summary(), HasSubstr("host /: "));
}

}  // namespace
}  // namespace joule
