// Process-wide logging setup for joule's binaries: one spdlog logger on
// stderr (systemd's journal and kubectl logs both collect it) with an
// ISO-8601 timestamp, level and thread id on every line. Code logs through
// spdlog's default logger (spdlog::info(...)).
//
// Thread-safe (spdlog's registry is), but meant to be called from main()
// before threads start.
#ifndef JOULE_TELEMETRY_LOGGING_H_
#define JOULE_TELEMETRY_LOGGING_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spdlog/common.h"

namespace joule {

// Line layout, e.g. "2024-05-01T12:00:00.123+0000 [info] [1234] started".
inline constexpr char kLogPattern[] = "%Y-%m-%dT%H:%M:%S.%e%z [%^%l%$] [%t] %v";

// "trace", "debug", "info", "warn" (or "warning"), "error", "critical",
// "off"; case-insensitive. InvalidArgument, listing these, otherwise.
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view level);

// Makes the stderr logger the default, with kLogPattern, at `level`; warnings
// and worse are flushed at once. Calling it again changes the level. On an
// unknown level returns InvalidArgument and changes nothing.
absl::Status InitLogging(std::string_view level);

}  // namespace joule

#endif  // JOULE_TELEMETRY_LOGGING_H_
