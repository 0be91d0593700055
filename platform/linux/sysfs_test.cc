#include "platform/linux/sysfs.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/linux_test_tree.h"

namespace joule {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HostPathTest, JoinsRootAndRelativePath) {
  EXPECT_EQ(HostPath("/", "proc/stat"), "/proc/stat");
  EXPECT_EQ(HostPath("", "/proc/stat"), "/proc/stat");
  EXPECT_EQ(HostPath("/tmp/t", "sys/class"), "/tmp/t/sys/class");
  EXPECT_EQ(HostPath("/tmp/t/", "/sys/class"), "/tmp/t/sys/class");
}

TEST(ParseTest, UnsignedIsStrict) {
  EXPECT_EQ(*ParseSysfsUint64("1800000\n", "f"), 1800000u);
  EXPECT_EQ(*ParseSysfsUint64(" 0 ", "f"), 0u);
  EXPECT_EQ(*ParseSysfsUint64("18446744073709551615", "f"),
            18446744073709551615u);
  for (const char* bad : {"", "\n", "abc", "-5", "+5", "12abc", "1e3", "1 2",
                          "18446744073709551616", "0x10"}) {
    absl::StatusOr<uint64_t> v = ParseSysfsUint64(bad, "/sys/f");
    EXPECT_TRUE(absl::IsInvalidArgument(v.status())) << bad;
    EXPECT_THAT(v.status().message(), HasSubstr("/sys/f"));
  }
}

TEST(ParseTest, SignedAcceptsNegatives) {
  EXPECT_EQ(*ParseSysfsInt64("-40000\n", "f"), -40000);
  EXPECT_EQ(*ParseSysfsInt64("45000", "f"), 45000);
  EXPECT_EQ(*ParseSysfsInt64("-9223372036854775808", "f"), INT64_MIN);
  for (const char* bad :
       {"", "-", "--5", "abc", "9223372036854775808", "4.5"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseSysfsInt64(bad, "f").status()))
        << bad;
  }
}

TEST(ParseTest, CpuLists) {
  EXPECT_THAT(*ParseCpuList("0-3,6\n", "f"), ElementsAre(0, 1, 2, 3, 6));
  EXPECT_THAT(*ParseCpuList("2 0 1\n", "f"), ElementsAre(0, 1, 2));
  for (const char* bad : {"", "\n", "a", "3-1", "1-2-3", "-1"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseCpuList(bad, "f").status()))
        << bad;
  }
}

TEST(ParseTest, IndexAfterPrefix) {
  EXPECT_EQ(SysfsIndexAfter("policy12", "policy"), 12);
  EXPECT_EQ(SysfsIndexAfter("thermal_zone3", "thermal_zone"), 3);
  EXPECT_EQ(SysfsIndexAfter("cpu0", "cpu"), 0);
  EXPECT_EQ(SysfsIndexAfter("cpu007", "cpu"), 7);
  EXPECT_EQ(SysfsIndexAfter("cpu2147483647", "cpu"), 2147483647);
  for (const char* bad :
       {"policy", "policy1a", "policy-1", "policy+1", "policy 1", "xpolicy1",
        "Policy1", "cpufreq", "policy2147483648", ""}) {
    EXPECT_EQ(SysfsIndexAfter(bad, "policy"), -1) << bad;
  }
  EXPECT_EQ(SysfsIndexAfter("cpufreq", "cpu"), -1);
}

TEST(FileTest, ReadsWritesAndReportsErrno) {
  FakeTree tree;
  tree.Write("a/value", "42\n");
  EXPECT_EQ(*ReadSysfsUint64(tree.Path("a/value")), 42u);
  EXPECT_EQ(*ReadSysfsTrimmed(tree.Path("a/value")), "42");
  ASSERT_TRUE(WriteSysfsFile(tree.Path("a/value"), "7").ok());
  EXPECT_EQ(tree.Read("a/value"), "7");

  absl::StatusOr<std::string> missing = ReadSysfsFile(tree.Path("a/nope"));
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(missing.status().message(),
              HasSubstr("No such file or directory"));
  // Never creates a file that is not there.
  EXPECT_TRUE(absl::IsNotFound(WriteSysfsFile(tree.Path("a/nope"), "1")));
  EXPECT_FALSE(SysfsPathExists(tree.Path("a/nope")));

  tree.Write("empty", "  \n");
  EXPECT_TRUE(
      absl::IsInvalidArgument(ReadSysfsTrimmed(tree.Path("empty")).status()));
  EXPECT_THAT(*ListSysfsDirectory(tree.Path("a")), ElementsAre("value"));
  EXPECT_TRUE(SysfsIsDirectory(tree.Path("a")));
}

}  // namespace
}  // namespace joule
