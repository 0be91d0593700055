#include "core/yaml_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(YamlErrorAtTest, ReportsOneBasedLineAndColumn) {
  YAML::Mark mark;
  mark.line = 2;
  mark.column = 4;
  absl::Status s = YamlErrorAt("f.yaml", mark, "boom");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "f.yaml:3:5: boom");
  EXPECT_EQ(YamlErrorAt("f.yaml", YAML::Mark::null_mark(), "boom").message(),
            "f.yaml: boom");
}

TEST(ParseYamlDocumentTest, EmptyAndCommentOnlyTextIsNull) {
  for (const char* text : {"", "# nothing here\n", "~\n"}) {
    absl::StatusOr<YAML::Node> node = ParseYamlDocument(text, "f");
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_TRUE(node->IsNull()) << text;
  }
}

TEST(ParseYamlDocumentTest, SyntaxErrorAndSecondDocumentArePositioned) {
  EXPECT_EQ(ParseYamlDocument("a: [1, 2\n", "f").status().message(),
            "f:2:1: end of sequence flow not found");
  EXPECT_EQ(ParseYamlDocument("a: 1\n---\nb: 2\n", "f").status().message(),
            "f:3:1: expected one YAML document, found 2");
}

TEST(ReadTextFileTest, MissingFileNamesPathAndErrno) {
  absl::StatusOr<std::string> text = ReadTextFile("/nonexistent/x.yaml");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(text.status().message(),
              HasSubstr("cannot open '/nonexistent/x.yaml'"));
  EXPECT_THAT(text.status().message(), HasSubstr("No such file or directory"));
}

TEST(ReadTextFileTest, DirectoryIsAnError) {
  absl::StatusOr<std::string> text = ReadTextFile("/");
  EXPECT_FALSE(text.ok());
  EXPECT_THAT(text.status().message(), HasSubstr("'/'"));
  EXPECT_THAT(text.status().message(), HasSubstr("a directory"));
}

// A FIFO nobody writes would block a plain open(); a device such as
// /dev/zero would be read up to the size cap. Both are refused at once.
TEST(ReadTextFileTest, FifosAndDevicesAreRefusedWithoutBlocking) {
  std::string dir = ::testing::TempDir() + "/joule-read-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string fifo = dir + "/p.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<std::string> text = ReadTextFile(fifo);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(),
              HasSubstr("is not a regular file (a FIFO)"));
  text = ReadTextFile("/dev/zero");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(), HasSubstr("a character device"));
  unlink(fifo.c_str());
  rmdir(dir.c_str());
}

TEST(BoundsTest, ContainsAndDescribe) {
  EXPECT_TRUE(Bounds::Fraction().Contains(0));
  EXPECT_TRUE(Bounds::Fraction().Contains(1));
  EXPECT_FALSE(Bounds::PositiveFraction().Contains(0));
  EXPECT_FALSE(Bounds::Positive().Contains(0));
  EXPECT_TRUE(Bounds::Any().Contains(-1e300));
  EXPECT_EQ(Bounds::Between(1, 60000).Describe(), "in [1, 60000]");
  EXPECT_EQ(Bounds::PositiveFraction().Describe(), "in (0, 1]");
  EXPECT_EQ(Bounds::AtLeast(0).Describe(), ">= 0");
  EXPECT_EQ(Bounds::Positive().Describe(), "> 0");
  EXPECT_EQ(Bounds::Any().Describe(), "any value");
}

TEST(YamlMapTest, ReadsTypedScalars) {
  YamlMap m = YamlMap::Parse(
      "d: 1.5e3\n"
      "e: .5\n"
      "i: -7\n"
      "u: 4000000000\n"
      "big: 18446744073709551615\n"
      "b: true\n"
      "s: hello\n"
      "q: \"123\"\n",
      "f");
  double d = 0, e = 0;
  int32_t i = 0;
  uint32_t u = 0;
  uint64_t big = 0;
  bool b = false;
  std::string s, q;
  int64_t untouched = 42;
  m.Required("d", &d);
  m.Required("e", &e);
  m.Required("i", &i);
  m.Required("u", &u);
  m.Required("big", &big);
  m.Required("b", &b);
  m.Required("s", &s);
  m.Required("q", &q);
  m.Optional("absent", &untouched);
  m.CheckNoUnknownKeys();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(d, 1500);
  EXPECT_EQ(e, 0.5);
  EXPECT_EQ(i, -7);
  EXPECT_EQ(u, 4000000000u);
  EXPECT_EQ(big, UINT64_MAX);
  EXPECT_TRUE(b);
  EXPECT_EQ(s, "hello");
  EXPECT_EQ(q, "123");
  EXPECT_EQ(untouched, 42);
}

// The first error of a document is its status; `key` is read from `yaml`.
template <typename T>
std::string ErrorOf(const std::string& yaml, const Bounds& bounds = {}) {
  YamlMap m = YamlMap::Parse(yaml, "f");
  T value{};
  m.Required("key", &value, bounds);
  return std::string(m.status().message());
}

std::string StringErrorOf(const std::string& yaml) {
  YamlMap m = YamlMap::Parse(yaml, "f");
  std::string value;
  m.Required("key", &value);
  return std::string(m.status().message());
}

TEST(YamlMapTest, WrongTypesAreReportedAtTheValue) {
  EXPECT_EQ(ErrorOf<double>("key: abc\n"),
            "f:1:6: key: expected a number, got 'abc'");
  EXPECT_EQ(ErrorOf<double>("key: \"5\"\n"),
            "f:1:6: key: expected a number, got '5' (a quoted string)");
  EXPECT_EQ(ErrorOf<double>("key: [1]\n"),
            "f:1:6: key: expected a number, got a sequence");
  EXPECT_EQ(ErrorOf<double>("key:\nother: 1\n"),
            "f:1:1: key: expected a number, got nothing (null)");
  EXPECT_EQ(ErrorOf<double>("key: .inf\n"),
            "f:1:6: key: must be a finite number, got .inf");
  EXPECT_EQ(ErrorOf<uint32_t>("key: 1.5\n"),
            "f:1:6: key: expected an integer, got '1.5'");
  EXPECT_EQ(ErrorOf<uint32_t>("key: 0x10\n"),
            "f:1:6: key: expected a number, got '0x10'");
  EXPECT_EQ(StringErrorOf("key: {a: 1}\n"),
            "f:1:6: key: expected a string, got a mapping");
  YamlMap m = YamlMap::Parse("key: yes\n", "f");
  bool b = false;
  m.Required("key", &b);
  EXPECT_EQ(m.status().message(),
            "f:1:6: key: expected true or false, got 'yes'");
}

TEST(YamlMapTest, AcceptsTheYamlNumberForms) {
  YamlMap m = YamlMap::Parse(
      "a: 5.\nb: +1e3\nc: -2.5E-1\nd: !!float 3\ne: 20e-6\nf: +7\n", "f");
  double a = 0, b = 0, c = 0, d = 0, e = 0;
  int32_t f = 0;
  m.Required("a", &a);
  m.Required("b", &b);
  m.Required("c", &c);
  m.Required("d", &d);
  m.Required("e", &e);
  m.Required("f", &f);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(a, 5);
  EXPECT_EQ(b, 1000);
  EXPECT_EQ(c, -0.25);
  EXPECT_EQ(d, 3);
  EXPECT_EQ(e, 20e-6);
  EXPECT_EQ(f, 7);
  EXPECT_EQ(ErrorOf<double>("key: 1e400\n"),
            "f:1:6: key: must be a finite number, got 1e400");
  EXPECT_EQ(ErrorOf<double>("key: !!str 5\n"),
            "f:1:6: key: expected a number, got '5' (a quoted string)");
  EXPECT_EQ(ErrorOf<double>("key: 1.2.3\n"),
            "f:1:6: key: expected a number, got '1.2.3'");
}

TEST(YamlMapTest, RangesAreCheckedForTheTypeAndTheBounds) {
  EXPECT_EQ(ErrorOf<uint32_t>("key: -1\n"),
            "f:1:6: key: must be an integer in [0, 4294967295], got -1");
  EXPECT_EQ(ErrorOf<int32_t>("key: 3000000000\n"),
            "f:1:6: key: must be an integer in [-2147483648, 2147483647], got "
            "3000000000");
  EXPECT_EQ(ErrorOf<uint32_t>("key: 0\n", Bounds::Between(1, 60000)),
            "f:1:6: key: must be in [1, 60000], got 0");
  EXPECT_EQ(ErrorOf<double>("key: 0\n", Bounds::PositiveFraction()),
            "f:1:6: key: must be in (0, 1], got 0");
  EXPECT_EQ(ErrorOf<double>("key: -2\n", Bounds::AtLeast(0)),
            "f:1:6: key: must be >= 0, got -2");
}

TEST(YamlMapTest, MissingRequiredKeyIsReportedAtTheMapping) {
  YamlMap root = YamlMap::Parse("list:\n  - a: 1\n  - b: 2\n", "f");
  std::vector<YamlMap> list = root.RequiredMapList("list");
  ASSERT_EQ(list.size(), 2u);
  int a = 0;
  list[0].Required("a", &a);
  list[1].Required("a", &a);
  EXPECT_EQ(root.status().message(),
            "f:3:5: list[1]: missing required key 'a'");
}

TEST(YamlMapTest, UnknownKeyIsReportedAtTheKeyWithTheAllowedKeys) {
  YamlMap root = YamlMap::Parse("outer:\n  alpha: 1\n  betta: 2\n", "f");
  YamlMap outer = root.OptionalMap("outer");
  int v = 0;
  outer.Optional("alpha", &v);
  outer.Optional("beta", &v);
  outer.CheckNoUnknownKeys();
  EXPECT_EQ(root.status().message(),
            "f:3:3: unknown key 'betta' in 'outer'; did you mean 'beta'? "
            "(allowed: alpha, beta)");
}

TEST(YamlMapTest, UnknownTopLevelKey) {
  YamlMap root = YamlMap::Parse("zzz: 1\n", "f");
  int v = 0;
  root.Optional("a", &v);
  root.CheckNoUnknownKeys();
  EXPECT_EQ(root.status().message(),
            "f:1:1: unknown key 'zzz' at the top level (allowed: a)");
}

TEST(YamlMapTest, DuplicateAndNonStringKeysAreErrors) {
  EXPECT_EQ(YamlMap::Parse("a: 1\nb: 2\na: 3\n", "f").status().message(),
            "f:3:1: duplicate key 'a' (first at 1:1)");
  EXPECT_EQ(YamlMap::Parse("[a]: 1\n", "f").status().message(),
            "f:1:1: keys must be strings, got a sequence");
}

TEST(YamlMapTest, NonMappingsWhereMappingsBelong) {
  EXPECT_EQ(YamlMap::Parse("- 1\n", "f").status().message(),
            "f:1:1: expected a mapping at the top level, got a sequence");
  YamlMap root = YamlMap::Parse("m: 5\n", "f");
  root.OptionalMap("m");
  EXPECT_EQ(root.status().message(), "f:1:4: m: expected a mapping, got '5'");
  YamlMap list_root = YamlMap::Parse("l:\n  - 5\n", "f");
  list_root.OptionalMapList("l");
  EXPECT_EQ(list_root.status().message(),
            "f:2:5: l[0]: expected a mapping, got '5'");
}

TEST(YamlMapTest, NullAndAbsentNestedValuesAreEmpty) {
  YamlMap root = YamlMap::Parse("m:\nl:\n", "f");
  YamlMap m = root.OptionalMap("m");
  EXPECT_TRUE(root.OptionalMapList("l").empty());
  EXPECT_TRUE(root.OptionalMapList("absent").empty());
  YamlMap absent = root.OptionalMap("absent");
  m.CheckNoUnknownKeys();
  absent.CheckNoUnknownKeys();
  root.CheckNoUnknownKeys();
  EXPECT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(absent.path(), "absent");
}

TEST(YamlMapTest, OneOfListsTheChoices) {
  YamlMap m = YamlMap::Parse("mode: fast\n", "f");
  std::string mode = "slow";
  m.OptionalOneOf("mode", &mode, {"slow", "medium"});
  EXPECT_EQ(m.status().message(),
            "f:1:7: mode: must be one of slow, medium; got 'fast'");
  EXPECT_EQ(mode, "slow");
}

TEST(YamlMapTest, EntriesGivesUserNamedMappings) {
  YamlMap root = YamlMap::Parse("o:\n  x: {v: 1}\n  y: {v: 2}\n", "f");
  int sum = 0;
  std::vector<std::string> names;
  for (auto& [name, m] : root.OptionalMap("o").Entries()) {
    int v = 0;
    m.Required("v", &v);
    m.CheckNoUnknownKeys();
    sum += v;
    names.push_back(name);
    EXPECT_EQ(m.path(), "o." + name);
  }
  EXPECT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "y"}));
}

TEST(YamlMapTest, FirstErrorWinsAndLaterGettersLeaveOutputsAlone) {
  YamlMap m = YamlMap::Parse("a: x\nb: 2\n", "f");
  int a = 0, b = 0;
  m.Required("a", &a);
  m.Required("b", &b);
  m.FailAt("b", "later");
  EXPECT_EQ(m.status().message(), "f:1:4: a: expected a number, got 'x'");
  EXPECT_EQ(b, 0);
}

TEST(YamlMapTest, FailAtPointsAtTheValueOrTheMapping) {
  YamlMap m = YamlMap::Parse("top:\n  a: 1\n  b: 2\n", "f");
  YamlMap top = m.OptionalMap("top");
  top.FailAt("b", "too big");
  EXPECT_EQ(m.status().message(), "f:3:6: top.b: too big");
  YamlMap m2 = YamlMap::Parse("top:\n  a: 1\n", "f");
  m2.OptionalMap("top").FailAt("absent", "needed");
  EXPECT_EQ(m2.status().message(), "f:2:3: top.absent: needed");
  EXPECT_EQ(YamlMap::Parse("top:\n  a: 1\n", "f").PositionOf("top"), "2:3");
}

TEST(YamlMapTest, AssigningMapsDoesNotWriteIntoTheDocument) {
  YamlMap root = YamlMap::Parse("a: {x: 1}\nb: {y: 2}\n", "f");
  YamlMap a = root.OptionalMap("a");
  YamlMap b = root.OptionalMap("b");
  a = b;
  int x = 0;
  root.OptionalMap("a").Required("x", &x);
  EXPECT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(x, 1);
}

}  // namespace
}  // namespace joule
