// Daemon: jouled's components wired together — policy, devices, scheduler,
// governor, the gRPC services (Scheduler, Admin, health, reflection) and the
// HTTP endpoint (/metrics, /healthz, /status). cmd/jouled.cc only parses
// flags and handles signals; tests start a whole Daemon on port 0.
//
// Start here when reading the code: Create() shows every component and how
// they connect.
//
// Thread-safe after Start(): ReloadPolicy and Shutdown may be called from any
// thread.
#ifndef JOULE_SERVER_DAEMON_H_
#define JOULE_SERVER_DAEMON_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/policy_store.h"
#include "core/work_queue.h"
#include "devices/device.h"
#include "devices/host_cpu.h"
#include "devices/thermal_network.h"
#include "governor/governor.h"
#include "models/model_registry.h"
#include "scheduler/scheduler.h"
#include "telemetry/http_server.h"
#include "telemetry/metrics.h"

namespace grpc {
class Server;
}

namespace joule {

class SchedulerService;
class AdminService;
class ModelExecutor;
class OrtLibrary;

struct DaemonOptions {
  std::string policy_path;  // empty: the embedded default policy
  std::string grpc_listen = "127.0.0.1:50051";
  std::string metrics_listen = "127.0.0.1:9810";
  // nullptr: a RealClock owned by the daemon. Tests pass a ManualClock.
  Clock* clock = nullptr;
  // Run the governor on its own thread; tests may call governor().Tick().
  bool start_governor = true;
  // Root of the host's /sys and /proc for the real CPU backends (cpufreq,
  // thermal zones, RAPL, /proc/stat); empty: no probe, every device is
  // simulated (tests, so they never touch the real cpufreq).
  std::string host_root;
  HostCpuOptions host_cpu;
  // The ONNX Runtime library (jouled --onnxruntime-library); empty: the
  // policy's executors.onnxruntime.library, else the one the build fetched.
  std::string onnxruntime_library;
};

class Daemon {
 public:
  static absl::StatusOr<std::unique_ptr<Daemon>> Create(
      const DaemonOptions& options);
  ~Daemon();  // Shutdown(0) if still running.

  // Binds both listeners and starts the governor. Unavailable naming the
  // address when a port cannot be bound.
  absl::Status Start();
  int grpc_port() const { return grpc_port_; }
  uint16_t metrics_port() const { return http_->port(); }

  absl::StatusOr<PolicySnapshot> ReloadPolicy(const std::string& path) {
    return policy_.Reload(path);
  }
  // Stops accepting jobs (UNAVAILABLE, health NOT_SERVING), waits up to
  // `grace` of wall time for queued and running jobs, then stops everything.
  // Jobs still unfinished then are cancelled, so each client is told.
  void Shutdown(Duration grace);

  Clock& clock() { return *clock_; }
  Registry& registry() { return registry_; }
  Scheduler& scheduler() { return *scheduler_; }
  Governor& governor() { return *governor_; }
  ModelRegistry& models() { return models_; }
  const std::vector<std::unique_ptr<Device>>& devices() const {
    return devices_;
  }

 private:
  Daemon();
  absl::Status Build(const DaemonOptions& options);
  // Loads ONNX Runtime (options, then the policy, then the fetched
  // default) when a device names an execution provider; a failure is
  // logged once and kept in ort_error_.
  void LoadOnnxRuntime(const std::vector<DeviceSpec>& specs,
                       const OnnxRuntimePolicy& policy);
  // One Device per profile entry (docs/ARCHITECTURE.md, "Devices"): devices
  // whose profile names an execution provider run models on ONNX Runtime
  // (the first CPU is the host's, with its real cpufreq, thermal and RAPL
  // backends where present); the others, and any whose provider this host
  // or library lacks, are simulated from the profile and say why. Simulated
  // power heats the profile's shared thermal network, when it has one.
  absl::Status MakeDevices(const std::vector<DeviceSpec>& specs,
                           const OnnxRuntimePolicy& policy);
  // A device running models on ONNX Runtime with spec.provider; null
  // (logged, with *why) when the provider cannot be used.
  std::unique_ptr<Device> MakeOrtDevice(const DeviceSpec& spec,
                                        const OnnxRuntimePolicy& policy,
                                        const HostProbe* host, bool host_cpu,
                                        std::string* why);
  // Loads a registered model into the executors that run models for real.
  absl::Status LoadIntoExecutors(const RegisteredModel& m);
  void InstallHttpHandlers();

  DaemonOptions options_;
  std::unique_ptr<RealClock> own_clock_;
  Clock* clock_ = nullptr;
  Registry registry_;
  PolicyStore policy_;
  ModelRegistry models_;
  std::vector<std::unique_ptr<Device>> devices_;
  // ONNX Runtime, when loaded; else why not.
  std::shared_ptr<const OrtLibrary> ort_;
  std::string ort_error_;
  // The executors that run registered ONNX models for real, with their
  // device's name (each owned by its Device).
  std::vector<std::pair<std::string, ModelExecutor*>> model_executors_;
  bool host_cpu_taken_ = false;
  // The profile's shared thermal network, heated by the devices whose
  // power is simulated; null when the profile has none.
  std::shared_ptr<ThermalNetwork> thermal_network_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Governor> governor_;
  // Runs the calls that read files or analyse models (RegisterModel,
  // UnloadModel, ReloadPolicy) off the reactor threads; at most
  // kMaxQueuedSlowCalls wait behind the running one.
  static constexpr size_t kMaxQueuedSlowCalls = 16;
  std::unique_ptr<WorkQueue> worker_ =
      std::make_unique<WorkQueue>("slow-calls", kMaxQueuedSlowCalls);
  std::unique_ptr<SchedulerService> scheduler_service_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<HttpServer> http_;
  int grpc_port_ = 0;
  bool running_ = false;
};

}  // namespace joule

#endif  // JOULE_SERVER_DAEMON_H_
