// jouled: the joule daemon. Parses flags (cmd/jouled_flags.h), runs the
// --calibrate mode (cmd/jouled_calibrate.h) or builds the Daemon
// (server/daemon.h), serves until SIGINT/SIGTERM, reloads the policy on SIGHUP.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cmd/flags.h"
#include "cmd/jouled_calibrate.h"
#include "cmd/jouled_flags.h"
#include "cmd/mutex_mode.h"
#include "server/daemon.h"
#include "spdlog/spdlog.h"
#include "telemetry/logging.h"

namespace {

int Fail(const absl::Status& s, int exit_code) {
  std::cerr << "jouled: " << s.message() << "\n";
  return exit_code;
}

std::string Host(const std::string& addr) {
  return addr.substr(0, addr.rfind(':'));
}

// Signals are taken by sigwait in ServeUntilStopSignal, never by a handler:
// blocked before any thread starts so every thread inherits the mask.
sigset_t BlockDaemonSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Binds the listeners, starts the governor and logs where jouled serves.
absl::Status Start(joule::Daemon& daemon, const joule::DaemonOptions& options) {
  if (absl::Status s = daemon.Start(); !s.ok()) return s;
  const std::string http = "http://" + Host(options.metrics_listen) + ":" +
                           std::to_string(daemon.metrics_port());
  spdlog::info("gRPC (joule.v1.Scheduler, joule.v1.Admin) on {}:{}",
               Host(options.grpc_listen), daemon.grpc_port());
  spdlog::info("metrics on {}/metrics, health on {}/healthz, status on {}/",
               http, http, http);
  return absl::OkStatus();
}

// Reloads the policy on SIGHUP; returns on SIGINT or SIGTERM.
void ServeUntilStopSignal(joule::Daemon& daemon, const sigset_t& signals) {
  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGHUP) {
      spdlog::info("signal {}: draining", sig);
      return;
    }
    absl::StatusOr<joule::PolicySnapshot> p = daemon.ReloadPolicy("");
    (void)p;  // The store logs and counts both outcomes.
  }
}

}  // namespace

int main(int argc, char** argv) {
  joule::SkipMutexDeadlockDetectionInRelease();
  joule::Flags flags;
  joule::AddJouledFlags(&flags);
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return Fail(s, 2);
  if (flags.Bool("help")) {
    std::cout << joule::JouledHelp(flags);
    return 0;
  }
  if (absl::Status s = joule::InitLogging(flags.Get("log-level")); !s.ok()) {
    return Fail(s, 2);
  }
  if (flags.Bool("calibrate")) return joule::RunCalibration(flags);
  absl::StatusOr<joule::JouledOptions> options =
      joule::JouledOptionsFromFlags(flags);
  if (!options.ok()) return Fail(options.status(), 2);

  const sigset_t signals = BlockDaemonSignals();
  absl::StatusOr<std::unique_ptr<joule::Daemon>> daemon =
      joule::Daemon::Create(options->daemon);
  if (!daemon.ok()) return Fail(daemon.status(), 1);
  if (absl::Status s = Start(**daemon, options->daemon); !s.ok()) {
    return Fail(s, 1);
  }
  ServeUntilStopSignal(**daemon, signals);
  (*daemon)->Shutdown(options->shutdown_grace);
  spdlog::info("stopped");
  return 0;
}
