#include "server/daemon.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/admin_service.h"
#include "api/scheduler_service.h"
#include "core/policy_loader.h"
#include "devices/profile_loader.h"
#include "devices/simulated_power.h"
#include "executors/cpu_onnx_executor.h"
#include "executors/simulated_device.h"
#include "executors/simulated_executor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/status_page.h"
#include "spdlog/spdlog.h"
#include "telemetry/exposition.h"

#ifndef JOULE_VERSION
#define JOULE_VERSION "dev"
#endif

namespace joule {

namespace {

// joule_policy_reloads_total{result}, both series present from the start.
PolicyStore::ReloadObserver CountReloads(Registry* registry) {
  Family<Counter>& reloads = registry->AddCounter(
      "joule_policy_reloads_total",
      "Policy loads after start-up, by result (success or failure).",
      {"result"});
  Counter& success = reloads.WithLabels({"success"});
  Counter& failure = reloads.WithLabels({"failure"});
  return [&success, &failure](bool accepted) {
    (accepted ? success : failure).Inc();
  };
}

}  // namespace

Daemon::Daemon() : policy_(CountReloads(&registry_)) {}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Create(
    const DaemonOptions& options) {
  std::unique_ptr<Daemon> d(new Daemon());
  absl::Status s = d->Build(options);
  if (!s.ok()) return s;
  return d;
}

absl::Status Daemon::Build(const DaemonOptions& options) {
  options_ = options;
  clock_ = options.clock;
  if (!clock_) {
    own_clock_ = std::make_unique<RealClock>();
    clock_ = own_clock_.get();
  }
  registry_
      .AddGauge("joule_build_info", "Always 1; the labels say which build.",
                {"version"})
      .WithLabels({JOULE_VERSION})
      .Set(1);

  if (absl::Status s = policy_.Init(options.policy_path); !s.ok()) return s;
  const PolicySnapshot policy = policy_.Current();
  spdlog::info("policy generation {} loaded from {}", policy.generation,
               policy.source);

  absl::StatusOr<std::vector<DeviceSpec>> specs =
      LoadDevicesForPolicy(policy.policy);
  if (!specs.ok()) return specs.status();
  if (absl::Status s = MakeDevices(*specs); !s.ok()) return s;
  std::vector<Device*> raw;
  for (const auto& d : devices_) raw.push_back(d.get());

  scheduler_ = std::make_unique<Scheduler>(clock_, raw, policy.policy.scheduler,
                                           &registry_);
  governor_ = std::make_unique<Governor>(
      clock_, raw, policy.policy.governor, policy.policy.thermal, &registry_,
      [this](const Device& dev) { scheduler_->OnDeviceChanged(dev); });
  policy_.OnApply([this](const Policy& p) {
    scheduler_->SetTunables(p.scheduler);
    governor_->SetTunables(p.governor, p.thermal);
  });

  scheduler_service_ = std::make_unique<SchedulerService>(
      scheduler_.get(), &models_, clock_, worker_.get());
  scheduler_service_->SetModelHooks(ModelHooks{
      [this](const RegisteredModel& m) { return LoadIntoExecutors(m); },
      [this](const std::string& name) {
        if (cpu_onnx_) cpu_onnx_->UnloadModel(name);
      }});
  // Models: the directory RegisterModel paths must lie in, and the models
  // the policy preloads (each analysed once; one that fails stops the start).
  if (absl::Status s = models_.Configure(policy.policy.models); !s.ok()) {
    return s;
  }
  for (const RegisteredModel& m : models_.List()) {
    spdlog::info("model {}: {} ops, {} weight bytes, {} activation bytes",
                 m.name, m.cost.ops(Precision::kFp32), m.cost.weight_bytes,
                 m.cost.activation_bytes);
    scheduler_service_->ModelRegistered(m);
  }
  admin_service_ = std::make_unique<AdminService>(&policy_, worker_.get());
  http_ = std::make_unique<HttpServer>(options.metrics_listen);
  InstallHttpHandlers();
  return absl::OkStatus();
}

absl::Status Daemon::MakeDevices(const std::vector<DeviceSpec>& specs) {
  std::optional<HostProbe> host;
  if (!options_.host_root.empty()) {
    host = ProbeHost(options_.host_root);
    spdlog::info("{}", host->Summary());
  }
  for (const DeviceSpec& spec : specs) {
    std::unique_ptr<Device> device;
    if (spec.kind == DeviceKind::kCpu && cpu_onnx_ == nullptr) {
      device = MakeHostCpu(spec, host ? &*host : nullptr);
    }
    if (!device) {
      // No hardware backend for this device here: simulated from its
      // profile, and reported as simulated everywhere.
      device = MakeSimulatedDevice(spec, clock_);
      spdlog::info("device {} ({}): {} P-states up to {} MHz, simulated",
                   spec.name, std::string(DeviceKindName(spec.kind)),
                   spec.pstates.size(), spec.pstates.back().freq_khz / 1000);
    }
    devices_.push_back(std::move(device));
  }
  return absl::OkStatus();
}

std::unique_ptr<Device> Daemon::MakeHostCpu(const DeviceSpec& profile_spec,
                                            const HostProbe* host) {
  // The first CPU of the profile is this host's CPU: registered ONNX models
  // run on it for real (OpenCV DNN); jobs that carry only a cost are still
  // simulated on it, and say so.
  DeviceSpec spec = profile_spec;
  bool real_cpufreq = false;
  if (host && host->has_cpufreq()) {
    absl::StatusOr<DeviceSpec> host_spec = HostCpuSpec(profile_spec, *host);
    if (host_spec.ok()) {
      spec = *host_spec;
      real_cpufreq = true;
    } else {
      spdlog::warn("{}: {}", spec.name, host_spec.status().ToString());
    }
  }
  CpuOnnxExecutorOptions eo;
  eo.energy_for = [spec](Duration t, int pstate) {
    // Modelled: busy power at the P-state times the measured time.
    const PState& p = spec.pstates[std::clamp(pstate, 0, spec.max_pstate())];
    return (spec.static_power_w + p.dynamic_power_w) * ToSeconds(t);
  };
  auto exec = std::make_unique<CpuOnnxExecutor>(clock_, eo);
  CpuOnnxExecutor* raw = exec.get();
  std::unique_ptr<Device> device;
  if (real_cpufreq) {
    device = MakeHostCpuDevice(spec, *host, clock_, std::move(exec),
                               options_.host_cpu);  // logs its own line
  } else {
    std::shared_ptr<SimulatedPowerModel> power =
        SimulatedPowerModel::Create(spec, clock_, exec.get());
    device = std::make_unique<Device>(
        spec, std::move(exec), power->MakeSensor(), power->MakeActuator());
    spdlog::info(
        "device {} (cpu): runs ONNX models on this host (OpenCV DNN); "
        "power, temperature and P-states simulated from the profile",
        spec.name);
  }
  if (device) cpu_onnx_ = raw;
  return device;
}

absl::Status Daemon::LoadIntoExecutors(const RegisteredModel& m) {
  if (!cpu_onnx_ || !m.analysis) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const std::string>> bytes =
      models_.OnnxBytes(m.name);
  absl::Status s =
      bytes.ok() ? cpu_onnx_->LoadModel(m.name, **bytes) : bytes.status();
  if (!s.ok()) {
    spdlog::warn("model {}: {}; it is placed on other devices only", m.name,
                 std::string(s.message()));
  }
  return s;
}

void Daemon::InstallHttpHandlers() {
  http_->Handle("/metrics", [this](const HttpRequest&) {
    scheduler_->Loads();  // refreshes the backlog gauges
    HttpResponse r;
    r.content_type = kExpositionContentType;
    r.body = ExposeText(registry_);
    return r;
  });
  http_->Handle("/healthz", [this](const HttpRequest&) {
    HttpResponse r;
    if (scheduler_->draining()) {
      r.status = 503;
      r.body = "draining\n";
    } else {
      r.body = "ok\n";
    }
    return r;
  });
  auto status = [this](const HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = RenderStatusPage(scheduler_->Loads(), policy_.Current(),
                              scheduler_->draining());
    return r;
  };
  http_->Handle("/", status);
  http_->Handle("/status", status);
}

absl::Status Daemon::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.grpc_listen,
                           grpc::InsecureServerCredentials(), &grpc_port_);
  // RegisterModel may carry a whole ONNX file.
  builder.SetMaxReceiveMessageSize(256 << 20);
  builder.RegisterService(scheduler_service_.get());
  builder.RegisterService(admin_service_.get());
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("gRPC cannot listen on ", options_.grpc_listen));
  }
  if (absl::Status s = http_->Start(); !s.ok()) {
    grpc_server_->Shutdown();
    return s;
  }
  if (options_.start_governor) governor_->Start();
  running_ = true;
  return absl::OkStatus();
}

void Daemon::Shutdown(Duration grace) {
  if (!running_) return;
  running_ = false;
  scheduler_->StartDraining();
  grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  if (!scheduler_->WaitIdleFor(grace)) {
    spdlog::warn(
        "shutdown: jobs still unfinished after the grace period; "
        "cancelling them");
    scheduler_->CancelAll();
  }
  grpc_server_->Shutdown(std::chrono::system_clock::now() +
                         std::chrono::seconds(1));
  worker_->Stop();  // every call it held has finished
  http_->Stop();
  governor_->Stop();
}

Daemon::~Daemon() {
  Shutdown(Duration::zero());
  // No timer may run into the members destroyed after this.
  if (own_clock_) own_clock_->Stop();
}

}  // namespace joule
