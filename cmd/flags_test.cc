#include "cmd/flags.h"

#include "gtest/gtest.h"

namespace joule {
namespace {

TEST(FlagsTest, ParsesValuesBoolsAndPositionals) {
  Flags f;
  f.Add("listen", "127.0.0.1:50051", "address");
  f.Add("policy", "", "file");
  f.AddBool("dry-run", "place only");
  const char* argv[] = {"prog",      "--listen", "[::1]:0", "--policy=/p.yaml",
                        "--dry-run", "extra"};
  ASSERT_TRUE(f.Parse(6, const_cast<char**>(argv)).ok());
  EXPECT_EQ(f.Get("listen"), "[::1]:0");
  EXPECT_EQ(f.Get("policy"), "/p.yaml");
  EXPECT_TRUE(f.Bool("dry-run"));
  EXPECT_EQ(f.positional(), std::vector<std::string>{"extra"});
}

TEST(FlagsTest, KeepsDefaultsAndRejectsUnknownOrIncompleteFlags) {
  Flags f;
  f.Add("listen", "127.0.0.1:50051", "address");
  f.AddBool("help", "help");
  const char* none[] = {"prog"};
  ASSERT_TRUE(f.Parse(1, const_cast<char**>(none)).ok());
  EXPECT_EQ(f.Get("listen"), "127.0.0.1:50051");
  EXPECT_FALSE(f.IsSet("listen"));

  Flags g = f;
  const char* unknown[] = {"prog", "--nope"};
  absl::Status s = g.Parse(2, const_cast<char**>(unknown));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--nope"), std::string::npos);

  Flags h = f;
  const char* missing[] = {"prog", "--listen"};
  EXPECT_NE(
      h.Parse(2, const_cast<char**>(missing)).message().find("needs a value"),
      std::string::npos);

  Flags k = f;
  const char* bool_value[] = {"prog", "--help=yes"};
  EXPECT_FALSE(k.Parse(2, const_cast<char**>(bool_value)).ok());
  EXPECT_NE(f.Help().find("--listen VALUE"), std::string::npos);
}

}  // namespace
}  // namespace joule
