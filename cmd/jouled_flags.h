// jouled's command line: the table of its flags with their help text, the
// --help page, and the conversion of the parsed flags into DaemonOptions.
//
// Not thread-safe; used once at start-up.
#ifndef JOULE_CMD_JOULED_FLAGS_H_
#define JOULE_CMD_JOULED_FLAGS_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "cmd/flags.h"
#include "server/daemon.h"

namespace joule {

// Everything jouled needs to serve, read from its flags.
struct JouledOptions {
  DaemonOptions daemon;
  // On SIGINT/SIGTERM, how long running jobs may finish.
  std::chrono::milliseconds shutdown_grace{0};
};

// Defines every jouled flag on `flags`, with its default and help text.
void AddJouledFlags(Flags* flags);

// The --help page: usage, the flags from AddJouledFlags, the signals.
std::string JouledHelp(const Flags& flags);

// INVALID_ARGUMENT naming the flag when a value is not usable.
absl::StatusOr<JouledOptions> JouledOptionsFromFlags(const Flags& flags);

}  // namespace joule

#endif  // JOULE_CMD_JOULED_FLAGS_H_
