#include "telemetry/logging.h"

#include "gtest/gtest.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

TEST(ParseLogLevelTest, KnownNames) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("Warning"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("critical"), spdlog::level::critical);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
}

TEST(ParseLogLevelTest, UnknownNameIsInvalidArgument) {
  absl::StatusOr<spdlog::level::level_enum> l = ParseLogLevel("verbose");
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(l.status().message().find("verbose"), std::string_view::npos);
}

TEST(InitLoggingTest, SetsDefaultLoggerLevelAndCanBeCalledAgain) {
  ASSERT_TRUE(InitLogging("debug").ok());
  EXPECT_EQ(spdlog::default_logger()->name(), "joule");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  ASSERT_TRUE(InitLogging("error").ok());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
}

TEST(InitLoggingTest, UnknownLevelChangesNothing) {
  ASSERT_TRUE(InitLogging("warn").ok());
  EXPECT_EQ(InitLogging("loud").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
}

}  // namespace
}  // namespace joule
