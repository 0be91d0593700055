#include "platform/linux/rapl.h"

#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPkg[] = "sys/class/powercap/intel-rapl:0/";

TEST(RaplDeltaTest, CountsUpAndAcrossTheWrap) {
  EXPECT_EQ(RaplDeltaUj(100, 350, 1000), 250u);
  EXPECT_EQ(RaplDeltaUj(100, 100, 1000), 0u);
  // 900 → wrap at 1000 → 50: (50 − 900 + 1000) mod 1000 = 150.
  EXPECT_EQ(RaplDeltaUj(900, 50, 1000), 150u);
  EXPECT_EQ(RaplDeltaUj(1000, 0, 1000), 0u);
  // Intel's range is 2^32 µJ-ish; near the top of uint64 nothing overflows.
  const uint64_t kMax = 18446744073709551615u;
  EXPECT_EQ(RaplDeltaUj(kMax - 5, 4, kMax), 9u);
}

class RaplTest : public ::testing::Test {
 protected:
  RaplTest() {
    tree_.Write("sys/class/powercap/intel-rapl/enabled", "1\n");
    tree_.Write(std::string(kPkg) + "name", "package-0\n");
    tree_.Write(std::string(kPkg) + "max_energy_range_uj", "262143328850\n");
    tree_.Write(std::string(kPkg) + "energy_uj", "1000000\n");
    tree_.Write("sys/class/powercap/intel-rapl:0:0/name", "core\n");
    tree_.Write("sys/class/powercap/intel-rapl:0:0/max_energy_range_uj",
                "262143328850\n");
    tree_.Write("sys/class/powercap/intel-rapl:0:0/energy_uj", "5\n");
  }
  void SetEnergy(const std::string& uj) {
    tree_.Write(std::string(kPkg) + "energy_uj", uj);
  }
  FakeTree tree_;
  ManualClock clock_;
};

TEST_F(RaplTest, ListsDomains) {
  RaplDomainList list = ListRaplDomains(tree_.root());
  EXPECT_THAT(list.skipped, IsEmpty());
  ASSERT_EQ(list.domains.size(), 2u);
  EXPECT_EQ(list.domains[0].zone, "intel-rapl:0");
  EXPECT_EQ(list.domains[0].name, "package-0");
  EXPECT_EQ(list.domains[0].max_energy_range_uj, 262143328850u);
  EXPECT_EQ(list.domains[1].name, "core");
}

TEST_F(RaplTest, PowerIsEnergyOverTime) {
  absl::StatusOr<RaplEnergyCounter> c =
      RaplEnergyCounter::OpenPackage(tree_.root(), &clock_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->info().zone, "intel-rapl:0");
  clock_.Advance(seconds(2));
  SetEnergy("13000000\n");  // +12 J in 2 s
  absl::StatusOr<RaplSample> s = c->Sample();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->energy_j, 12.0);
  EXPECT_DOUBLE_EQ(s->power_w, 6.0);
  clock_.Advance(seconds(1));
  SetEnergy("16000000\n");  // +3 J in 1 s
  s = c->Sample();
  EXPECT_DOUBLE_EQ(s->energy_j, 15.0);
  EXPECT_DOUBLE_EQ(s->power_w, 3.0);
}

TEST_F(RaplTest, CounterWrapIsHandled) {
  tree_.Write(std::string(kPkg) + "max_energy_range_uj", "10000000\n");  // 10 J
  SetEnergy("9000000\n");
  absl::StatusOr<RaplEnergyCounter> c =
      RaplEnergyCounter::Open(tree_.root(), "intel-rapl:0", &clock_);
  ASSERT_TRUE(c.ok()) << c.status();
  clock_.Advance(seconds(1));
  SetEnergy("500000\n");  // 9 J → wrap at 10 J → 0.5 J: 1.5 J
  absl::StatusOr<RaplSample> s = c->Sample();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->energy_j, 1.5);
  EXPECT_DOUBLE_EQ(s->power_w, 1.5);
}

TEST_F(RaplTest, BadReadsChangeNothing) {
  absl::StatusOr<RaplEnergyCounter> c =
      RaplEnergyCounter::OpenPackage(tree_.root(), &clock_);
  ASSERT_TRUE(c.ok()) << c.status();
  clock_.Advance(seconds(1));
  for (const char* bad : {"abc\n", "", "-5\n", "262143328851\n"}) {
    SetEnergy(bad);
    absl::StatusOr<RaplSample> s = c->Sample();
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_THAT(s.status().message(), HasSubstr("intel-rapl:0/energy_uj"));
  }
  tree_.Remove(std::string(kPkg) + "energy_uj");
  EXPECT_TRUE(absl::IsNotFound(c->Sample().status()));
  // The next good read covers the whole 2 s since Open.
  clock_.Advance(seconds(1));
  SetEnergy("5000000\n");
  absl::StatusOr<RaplSample> s = c->Sample();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->energy_j, 4.0);
  EXPECT_DOUBLE_EQ(s->power_w, 2.0);
}

TEST_F(RaplTest, BrokenDomainsAreSkippedAndMissingOnesNotFound) {
  tree_.Write("sys/class/powercap/intel-rapl:0:0/max_energy_range_uj", "0\n");
  RaplDomainList list = ListRaplDomains(tree_.root());
  ASSERT_EQ(list.domains.size(), 1u);
  ASSERT_EQ(list.skipped.size(), 1u);
  EXPECT_THAT(list.skipped[0], HasSubstr("intel-rapl:0:0"));

  FakeTree empty;
  EXPECT_THAT(ListRaplDomains(empty.root()).domains, IsEmpty());
  EXPECT_TRUE(absl::IsNotFound(
      RaplEnergyCounter::OpenPackage(empty.root(), &clock_).status()));
}

}  // namespace
}  // namespace joule
