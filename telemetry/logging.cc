// Implementation of telemetry/logging.h.
#include "telemetry/logging.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

constexpr char kLoggerName[] = "joule";

}  // namespace

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(
    std::string_view level) {
  const std::string l = absl::AsciiStrToLower(std::string(level));
  if (l == "trace") return spdlog::level::trace;
  if (l == "debug") return spdlog::level::debug;
  if (l == "info") return spdlog::level::info;
  if (l == "warn" || l == "warning") return spdlog::level::warn;
  if (l == "error") return spdlog::level::err;
  if (l == "critical") return spdlog::level::critical;
  if (l == "off") return spdlog::level::off;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", std::string(level),
                   "\"; want one of trace, debug, info, warn, error, "
                   "critical, off"));
}

absl::Status InitLogging(std::string_view level) {
  absl::StatusOr<spdlog::level::level_enum> parsed = ParseLogLevel(level);
  if (!parsed.ok()) return parsed.status();
  static std::mutex mu;  // get-or-create below must not race itself
  std::lock_guard<std::mutex> lock(mu);
  std::shared_ptr<spdlog::logger> logger = spdlog::get(kLoggerName);
  if (logger == nullptr) {
    try {
      logger = spdlog::stderr_color_mt(kLoggerName);
    } catch (const spdlog::spdlog_ex& e) {
      return absl::InternalError(absl::StrCat("logging: ", e.what()));
    }
  }
  logger->set_pattern(kLogPattern);
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return absl::OkStatus();
}

}  // namespace joule
