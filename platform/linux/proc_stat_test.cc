#include "platform/linux/proc_stat.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// user nice system idle iowait irq softirq steal guest guest_nice
constexpr char kStat0[] =
    "cpu  100 0 50 800 50 0 0 0 0 0\n"
    "cpu0 60 0 20 400 20 0 0 0 0 0\n"
    "cpu1 40 0 30 400 30 0 0 0 0 0\n"
    "intr 12345 1 2 3\n"
    "ctxt 999\n";
// All CPUs: total 1000 → 1190, busy 150 → 220. cpu0: total 500 → 600,
// busy 80 → 140. iowait counts as idle.
constexpr char kStat1[] =
    "cpu  170 0 50 910 60 0 0 0 0 0\n"
    "cpu0 110 0 30 440 20 0 0 0 0 0\n"
    "cpu1 60 0 20 470 40 0 0 0 0 0\n"
    "intr 12345 1 2 3\n";

TEST(ProcStatTest, ParsesLines) {
  absl::StatusOr<CpuTicks> t = ParseProcStat(kStat0, "cpu1", "stat");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->total(), 500u);
  EXPECT_EQ(t->busy(), 70u);  // total − idle − iowait
  EXPECT_THAT(ProcStatCpus(kStat0), ElementsAre(0, 1));
  // An old kernel's four counters are enough.
  EXPECT_EQ(ParseProcStat("cpu 1 2 3 4\n", "cpu", "stat")->total(), 10u);
}

TEST(ProcStatTest, RejectsGarbage) {
  EXPECT_TRUE(absl::IsNotFound(ParseProcStat(kStat0, "cpu7", "stat").status()));
  for (const char* bad :
       {"cpu 1 2 3\n", "cpu 1 2 abc 4\n", "cpu 1 -2 3 4\n", "cpu\n"}) {
    absl::StatusOr<CpuTicks> t = ParseProcStat(bad, "cpu", "/proc/stat");
    EXPECT_TRUE(absl::IsInvalidArgument(t.status())) << bad;
    EXPECT_THAT(t.status().message(), HasSubstr("/proc/stat"));
  }
}

TEST(ProcStatTest, UtilisationIsBusyOverTotalDelta) {
  const CpuTicks a = *ParseProcStat(kStat0, "cpu", "s");
  const CpuTicks b = *ParseProcStat(kStat1, "cpu", "s");
  EXPECT_DOUBLE_EQ(Utilization(a, b), 70.0 / 190.0);
  EXPECT_EQ(Utilization(a, a), 0.0);  // no tick passed
  EXPECT_EQ(Utilization(b, a), 0.0);  // counters went backwards
}

TEST(ProcStatTest, SamplesDeltasFromTheFile) {
  FakeTree tree;
  tree.Write("proc/stat", kStat0);
  absl::StatusOr<ProcStatUtilization> all =
      ProcStatUtilization::Open(tree.root());
  absl::StatusOr<ProcStatUtilization> cpu0 =
      ProcStatUtilization::Open(tree.root(), {0});
  ASSERT_TRUE(all.ok() && cpu0.ok());
  tree.Write("proc/stat", kStat1);
  EXPECT_DOUBLE_EQ(*all->Sample(), 70.0 / 190.0);
  EXPECT_DOUBLE_EQ(*cpu0->Sample(), 60.0 / 100.0);
  EXPECT_EQ(*all->Sample(), 0.0);  // nothing moved since

  tree.Write("proc/stat", "garbage\n");
  EXPECT_FALSE(all->Sample().ok());
  tree.Remove("proc/stat");
  EXPECT_TRUE(absl::IsNotFound(all->Sample().status()));
  FakeTree empty;
  EXPECT_TRUE(
      absl::IsNotFound(ProcStatUtilization::Open(empty.root()).status()));
}

}  // namespace
}  // namespace joule
