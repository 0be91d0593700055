#include "cmd/jouled_flags.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace joule {

void AddJouledFlags(Flags* flags) {
  flags->Add("policy", "", "policy YAML file (default: the embedded policy)");
  flags->Add("listen", "127.0.0.1:50051", "gRPC address; port 0 picks one");
  flags->Add("metrics-listen", "127.0.0.1:9810",
             "HTTP address for /metrics, /healthz, /status; port 0 picks one");
  flags->Add("log-level", "info", "trace, debug, info, warn, error or off");
  flags->Add("shutdown-grace-ms", "5000",
             "on SIGINT/SIGTERM, how long running jobs may finish");
  flags->Add("host-root", "/",
             "root of /sys and /proc for the real CPU backends (cpufreq, "
             "thermal, RAPL); empty: simulate every device");
  flags->Add("onnxruntime-library", "",
             "ONNX Runtime shared library (libonnxruntime.so.1) that runs "
             "models, e.g. a board's build with GPU providers (default: the "
             "policy's executors.onnxruntime.library, else the fetched CPU "
             "build)");
  flags->AddBool("cpufreq-userspace",
                 "pin frequencies with the userspace governor (default: cap "
                 "scaling_max_freq under the running governor)");
  flags->AddBool("calibrate",
                 "measure this host's CPU (GEMM peak FP32 ops/s, STREAM-triad "
                 "bandwidth; about a second), write a profile with the "
                 "measured figures to --calibrate-out, and exit");
  flags->Add("calibrate-out", "joule-calibrated.yaml",
             "where --calibrate writes the calibrated profile");
  flags->Add("calibrate-device", "",
             "the profile's CPU device to calibrate (default: its first cpu)");
  flags->AddBool("help", "print this help");
}

std::string JouledHelp(const Flags& flags) {
  return absl::StrCat(
      "Usage: jouled [flags]\n\nThe joule inference scheduler and power "
      "governor daemon.\n\nFlags:\n",
      flags.Help(),
      "\nSignals: SIGHUP reloads the policy file; SIGINT/SIGTERM drain and "
      "stop.\n");
}

absl::StatusOr<JouledOptions> JouledOptionsFromFlags(const Flags& flags) {
  JouledOptions options;
  try {
    options.shutdown_grace =
        std::chrono::milliseconds(std::stoi(flags.Get("shutdown-grace-ms")));
  } catch (const std::exception&) {
    return absl::InvalidArgumentError("--shutdown-grace-ms: not a number");
  }
  options.daemon.policy_path = flags.Get("policy");
  options.daemon.grpc_listen = flags.Get("listen");
  options.daemon.metrics_listen = flags.Get("metrics-listen");
  options.daemon.host_root = flags.Get("host-root");
  options.daemon.onnxruntime_library = flags.Get("onnxruntime-library");
  options.daemon.host_cpu.cpufreq.switch_to_userspace =
      flags.Bool("cpufreq-userspace");
  return options;
}

}  // namespace joule
