// jouled: the joule daemon. Parses flags, builds the Daemon (server/daemon.h),
// serves until SIGINT/SIGTERM, reloads the policy on SIGHUP.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "cmd/flags.h"
#include "core/policy_loader.h"
#include "devices/calibrated_profile.h"
#include "devices/profile_loader.h"
#include "server/daemon.h"
#include "spdlog/spdlog.h"
#include "telemetry/logging.h"

namespace {

std::string Host(const std::string& addr) {
  return addr.substr(0, addr.rfind(':'));
}

// --calibrate: measures the host and writes the policy's profile (or the
// embedded one) with the CPU's measured roofline numbers.
int Calibrate(const joule::Flags& flags) {
  std::string profile;  // empty: the embedded default
  if (!flags.Get("policy").empty()) {
    absl::StatusOr<joule::Policy> p = joule::LoadPolicyFile(flags.Get("policy"));
    if (!p.ok()) {
      std::cerr << "jouled: " << p.status().message() << "\n";
      return 1;
    }
    profile = p->device_profile;
  }
  std::string cpu = flags.Get("calibrate-device");
  if (cpu.empty()) {
    absl::StatusOr<std::vector<joule::DeviceSpec>> specs =
        profile.empty()
            ? joule::ParseProfile(joule::DefaultProfileYaml(), "<embedded>")
            : joule::LoadProfileFile(profile);
    if (!specs.ok()) {
      std::cerr << "jouled: " << specs.status().message() << "\n";
      return 1;
    }
    for (const joule::DeviceSpec& s : *specs) {
      if (s.kind == joule::DeviceKind::kCpu) {
        cpu = s.name;
        break;
      }
    }
  }
  absl::StatusOr<joule::HostCalibration> cal = joule::CalibrateHost();
  if (!cal.ok()) {
    std::cerr << "jouled: " << cal.status().message() << "\n";
    return 1;
  }
  std::cout << "jouled: " << cal->Summary() << "\n";
  const std::string out = flags.Get("calibrate-out");
  if (absl::Status s = joule::WriteCalibratedProfile(profile, cpu, *cal, out);
      !s.ok()) {
    std::cerr << "jouled: " << s.message() << "\n";
    return 1;
  }
  std::cout << "jouled: wrote " << out
            << " (use it with `devices: {profile: " << out
            << "}` in the policy)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian's Abseil is built without NDEBUG, so by default every
  // absl::Mutex::Lock also maintains a global lock-order graph to detect
  // deadlocks (GraphCycles, under a global lock): a cost on every job's path
  // in a release daemon. Debug builds and the tests keep the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  joule::Flags flags;
  flags.Add("policy", "", "policy YAML file (default: the embedded policy)");
  flags.Add("listen", "127.0.0.1:50051", "gRPC address; port 0 picks one");
  flags.Add("metrics-listen", "127.0.0.1:9810",
            "HTTP address for /metrics, /healthz, /status; port 0 picks one");
  flags.Add("log-level", "info", "trace, debug, info, warn, error or off");
  flags.Add("shutdown-grace-ms", "5000",
            "on SIGINT/SIGTERM, how long running jobs may finish");
  flags.Add("host-root", "/",
            "root of /sys and /proc for the real CPU backends (cpufreq, "
            "thermal, RAPL); empty: simulate every device");
  flags.AddBool("cpufreq-userspace",
                "pin frequencies with the userspace governor (default: cap "
                "scaling_max_freq under the running governor)");
  flags.AddBool("calibrate",
                "measure this host's CPU (GEMM peak FP32 ops/s, STREAM-triad "
                "bandwidth; about a second), write a profile with the "
                "measured figures to --calibrate-out, and exit");
  flags.Add("calibrate-out", "joule-calibrated.yaml",
            "where --calibrate writes the calibrated profile");
  flags.Add("calibrate-device", "",
            "the profile's CPU device to calibrate (default: its first cpu)");
  flags.AddBool("help", "print this help");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    std::cerr << "jouled: " << s.message() << "\n";
    return 2;
  }
  if (flags.Bool("help")) {
    std::cout << "Usage: jouled [flags]\n\nThe joule inference scheduler and "
                 "power governor daemon.\n\nFlags:\n"
              << flags.Help()
              << "\nSignals: SIGHUP reloads the policy file; SIGINT/SIGTERM "
                 "drain and stop.\n";
    return 0;
  }
  if (absl::Status s = joule::InitLogging(flags.Get("log-level")); !s.ok()) {
    std::cerr << "jouled: " << s.message() << "\n";
    return 2;
  }
  if (flags.Bool("calibrate")) return Calibrate(flags);
  int grace_ms = 0;
  try {
    grace_ms = std::stoi(flags.Get("shutdown-grace-ms"));
  } catch (const std::exception&) {
    std::cerr << "jouled: --shutdown-grace-ms: not a number\n";
    return 2;
  }

  // Signals are taken by sigwait below, never by a handler: block them
  // before any thread starts so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  joule::DaemonOptions options;
  options.policy_path = flags.Get("policy");
  options.grpc_listen = flags.Get("listen");
  options.metrics_listen = flags.Get("metrics-listen");
  options.host_root = flags.Get("host-root");
  options.host_cpu.cpufreq.switch_to_userspace = flags.Bool("cpufreq-userspace");
  absl::StatusOr<std::unique_ptr<joule::Daemon>> daemon =
      joule::Daemon::Create(options);
  if (!daemon.ok()) {
    std::cerr << "jouled: " << daemon.status().message() << "\n";
    return 1;
  }
  if (absl::Status s = (*daemon)->Start(); !s.ok()) {
    std::cerr << "jouled: " << s.message() << "\n";
    return 1;
  }
  const std::string http = "http://" + Host(options.metrics_listen) + ":" +
                           std::to_string((*daemon)->metrics_port());
  spdlog::info("gRPC (joule.v1.Scheduler, joule.v1.Admin) on {}:{}",
               Host(options.grpc_listen), (*daemon)->grpc_port());
  spdlog::info("metrics on {}/metrics, health on {}/healthz, status on {}/",
               http, http, http);

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      absl::StatusOr<joule::PolicySnapshot> p = (*daemon)->ReloadPolicy("");
      (void)p;  // The store logs and counts both outcomes.
      continue;
    }
    spdlog::info("signal {}: draining", sig);
    break;
  }
  (*daemon)->Shutdown(std::chrono::milliseconds(grace_ms));
  spdlog::info("stopped");
  return 0;
}
