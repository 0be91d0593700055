// jouled --calibrate: measures this host's CPU (GEMM peak FP32 ops/s,
// STREAM-triad bandwidth) and writes the policy's device profile (or the
// embedded one) with the measured roofline figures, then jouled exits.
//
// Not thread-safe; runs once, instead of the daemon.
#ifndef JOULE_CMD_JOULED_CALIBRATE_H_
#define JOULE_CMD_JOULED_CALIBRATE_H_

#include "cmd/flags.h"

namespace joule {

// Reads --policy, --calibrate-device and --calibrate-out from `flags` (as
// defined by AddJouledFlags). Prints the measurement and the file written;
// returns jouled's exit code: 0, or 1 with the error on stderr.
int RunCalibration(const Flags& flags);

}  // namespace joule

#endif  // JOULE_CMD_JOULED_CALIBRATE_H_
