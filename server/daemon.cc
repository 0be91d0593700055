#include "server/daemon.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/admin_service.h"
#include "api/scheduler_service.h"
#include "core/policy_loader.h"
#include "devices/profile_loader.h"
#include "devices/simulated_power.h"
#include "executors/model_executor.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_runtime.h"
#include "executors/onnxruntime/ort_session.h"
#include "executors/simulated_device.h"
#include "executors/simulated_executor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "platform/linux/rapl.h"
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

// One run of a freshly loaded model on zeros at its registered shapes, so
// the first job does not pay for the runtime's first-run set-up (allocator
// arenas, kernel selection). Best effort: a model whose inputs carry meaning
// (a sample rate, a sequence length) may refuse zeros; it is still loaded.
void WarmUp(const std::string& device, const ModelExecutor& exec,
            const RegisteredModel& m) {
  absl::StatusOr<std::shared_ptr<RuntimeModel>> model = exec.Model(m.name);
  if (!model.ok()) return;
  std::vector<Tensor> zeros;
  for (const OnnxTensorInfo& in : m.analysis->inputs) {
    Tensor t;
    t.name = in.name;
    t.dtype = DataTypeFromOnnx(in.onnx_elem_type);
    t.shape = in.shape;
    absl::StatusOr<int64_t> n = t.NumElements();
    if (t.dtype == DataType::kUnspecified || !n.ok() ||
        *n * ElementSize(t.dtype) > (int64_t{256} << 20)) {
      return;
    }
    t.bytes = std::string(static_cast<size_t>(*n * ElementSize(t.dtype)), '\0');
    zeros.push_back(std::move(t));
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<Tensor>> out = (*model)->Run(zeros);
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (out.ok()) {
    spdlog::info("model {} on {}: loaded, warm-up run {:.1f} ms", m.name,
                 device, ms);
  } else {
    spdlog::info("model {} on {}: loaded; warm-up on zeros refused ({})",
                 m.name, device, std::string(out.status().message()));
  }
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
  if (absl::Status s = MakeDevices(*specs, policy.policy.onnxruntime);
      !s.ok()) {
    return s;
  }
  std::vector<Device*> raw;
  for (const auto& d : devices_) raw.push_back(d.get());

  scheduler_ = std::make_unique<Scheduler>(
      clock_, raw, SchedulerTunablesFor(policy.policy), &registry_);
  governor_ = std::make_unique<Governor>(
      clock_, raw, policy.policy.governor, policy.policy.thermal, &registry_,
      [this](const Device& dev) { scheduler_->OnDeviceChanged(dev); });
  governor_->SetDeadlineFloors([this] { return scheduler_->DeadlineFloors(); });
  governor_->SetPowerTunables(policy.policy.power);
  policy_.OnApply([this](const Policy& p) {
    scheduler_->SetTunables(SchedulerTunablesFor(p));
    governor_->SetTunables(p.governor, p.thermal);
    governor_->SetPowerTunables(p.power);
  });

  scheduler_service_ = std::make_unique<SchedulerService>(
      scheduler_.get(), &models_, clock_, worker_.get());
  scheduler_service_->SetModelHooks(ModelHooks{
      [this](const RegisteredModel& m) { return LoadIntoExecutors(m); },
      [this](const std::string& name) {
        for (const auto& [device, exec] : model_executors_) {
          exec->UnloadModel(name);
        }
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

void Daemon::LoadOnnxRuntime(const std::vector<DeviceSpec>& specs,
                             const OnnxRuntimePolicy& policy) {
  std::vector<std::string> users;
  for (const DeviceSpec& spec : specs) {
    if (!spec.provider.empty()) users.push_back(spec.name);
  }
  if (users.empty()) return;
  OrtLibraryOptions lo = DefaultOrtLibraryOptions();
  const std::string& path = !options_.onnxruntime_library.empty()
                                ? options_.onnxruntime_library
                                : policy.library;
  if (!path.empty() && path != lo.path) {
    lo.path = path;
    lo.expected_sha256.clear();  // pinned for the fetched build only
  }
  absl::StatusOr<std::shared_ptr<const OrtLibrary>> lib = OrtLibrary::Load(lo);
  if (!lib.ok()) {
    ort_error_ = std::string(lib.status().message());
    spdlog::error(
        "ONNX Runtime did not load: {}; {} simulated (models are costed, not "
        "run). Run scripts/fetch-onnxruntime.sh, or point "
        "--onnxruntime-library / executors.onnxruntime.library at a build",
        ort_error_, absl::StrJoin(users, ", "));
    return;
  }
  ort_ = *std::move(lib);
  spdlog::info("ONNX Runtime {} from {} (providers: {})", ort_->version(),
               ort_->path(), absl::StrJoin(ort_->available_providers(), ", "));
}

absl::Status Daemon::MakeDevices(const std::vector<DeviceSpec>& specs,
                                 const OnnxRuntimePolicy& policy) {
  std::optional<HostProbe> host;
  if (!options_.host_root.empty()) {
    host = ProbeHost(options_.host_root);
    spdlog::info("{}", host->Summary());
  }
  LoadOnnxRuntime(specs, policy);
  absl::StatusOr<std::shared_ptr<ThermalNetwork>> thermal =
      ThermalNetwork::ForDevices(specs, clock_);
  if (!thermal.ok()) return thermal.status();
  thermal_network_ = *std::move(thermal);
  for (const DeviceSpec& spec : specs) {
    std::unique_ptr<Device> device;
    std::string why = "no execution provider named in the profile";
    if (!spec.provider.empty()) {
      const bool host_cpu = spec.kind == DeviceKind::kCpu && !host_cpu_taken_;
      if (!ort_) {
        why = "ONNX Runtime did not load: " + ort_error_;
      } else if (spec.kind == DeviceKind::kCpu && !host_cpu) {
        why = "only the profile's first CPU is this host's";
      } else {
        device = MakeOrtDevice(spec, policy, host ? &*host : nullptr, host_cpu,
                               &why);
        if (device && host_cpu) host_cpu_taken_ = true;
      }
    }
    if (!device) {
      // No hardware backend for this device here: simulated from its
      // profile, and reported as simulated everywhere, with why.
      device = MakeSimulatedDevice(
          spec, clock_, why, spec.soc_thermal ? thermal_network_ : nullptr);
      spdlog::info("device {} ({}): {} P-states up to {} MHz, simulated: {}",
                   spec.name, std::string(DeviceKindName(spec.kind)),
                   spec.pstates.size(), spec.pstates.back().freq_khz / 1000,
                   why);
    }
    devices_.push_back(std::move(device));
  }
  return absl::OkStatus();
}

std::unique_ptr<Device> Daemon::MakeOrtDevice(const DeviceSpec& profile_spec,
                                              const OnnxRuntimePolicy& policy,
                                              const HostProbe* host,
                                              bool host_cpu, std::string* why) {
  OrtSessionConfig config;
  config.intra_op_threads = static_cast<int>(policy.intra_op_threads);
  config.allow_spinning = policy.allow_spinning;
  config.graph_optimization = policy.graph_optimization;
  // "cpu" is ORT's own CPU kernels, which every session has.
  if (!absl::EqualsIgnoreCase(profile_spec.provider, "cpu")) {
    config.provider = profile_spec.provider;
  }
  if (absl::Status s = OrtCheckSessionConfig(*ort_, config); !s.ok()) {
    *why = absl::StrCat("execution provider '", profile_spec.provider,
                        "' unavailable: ", s.message());
    spdlog::error("device {}: {}", profile_spec.name, *why);
    return nullptr;
  }
  // The host's CPU: its cpufreq P-states when the host has them.
  DeviceSpec spec = profile_spec;
  bool real_cpufreq = false;
  if (host_cpu && host && host->has_cpufreq()) {
    absl::StatusOr<DeviceSpec> host_spec = HostCpuSpec(profile_spec, *host);
    if (host_spec.ok()) {
      spec = *host_spec;
      real_cpufreq = true;
    } else {
      spdlog::warn("{}: {}", spec.name, host_spec.status().ToString());
    }
  }
  ModelExecutorOptions eo;
  eo.energy_for = [spec](Duration t, int pstate) {
    // Modelled: busy power at the P-state times the measured time.
    const PState& p = spec.pstates[std::clamp(pstate, 0, spec.max_pstate())];
    return (spec.static_power_w + p.dynamic_power_w) * ToSeconds(t);
  };
  if (host_cpu && host && !host->rapl_domains.empty()) {
    // Measured: the package counter read around each run (on the
    // executor's worker thread only, as RaplEnergyCounter requires).
    absl::StatusOr<RaplEnergyCounter> rapl =
        RaplEnergyCounter::OpenPackage(host->root, clock_);
    if (rapl.ok()) {
      auto counter = std::make_shared<RaplEnergyCounter>(*std::move(rapl));
      eo.energy_counter_j = [counter]() -> absl::StatusOr<double> {
        absl::StatusOr<RaplSample> s = counter->Sample();
        if (!s.ok()) return s.status();
        return s->energy_j;
      };
    } else {
      spdlog::warn("{}: per-job energy modelled: {}", spec.name,
                   rapl.status().ToString());
    }
  }
  auto exec = std::make_unique<ModelExecutor>(
      clock_, std::make_unique<OrtRuntime>(ort_, config), eo);
  ModelExecutor* raw = exec.get();
  const std::string note = absl::StrCat("onnxruntime ", ort_->version(),
                                        ", provider ", profile_spec.provider);
  std::unique_ptr<Device> device;
  if (real_cpufreq) {
    HostCpuOptions ho = options_.host_cpu;
    ho.executor_note = note;
    device = MakeHostCpuDevice(spec, *host, clock_, std::move(exec),
                               ho);  // logs its own line
  }
  if (!device) {
    device = MakeDeviceWithSimulatedPower(
        spec, clock_, std::move(exec), note,
        profile_spec.soc_thermal ? thermal_network_ : nullptr);
    spdlog::info(
        "device {} ({}): runs ONNX models on this host ({}); power, "
        "temperature and P-states simulated from the profile",
        spec.name, std::string(DeviceKindName(spec.kind)), note);
  }
  model_executors_.emplace_back(spec.name, raw);
  return device;
}

absl::Status Daemon::LoadIntoExecutors(const RegisteredModel& m) {
  if (model_executors_.empty() || !m.analysis) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const std::string>> bytes =
      models_.OnnxBytes(m.name);
  if (!bytes.ok()) return bytes.status();
  std::vector<std::string> errors;
  absl::Status first;
  for (const auto& [device, exec] : model_executors_) {
    absl::Status s = exec->LoadModel(m.name, **bytes);
    if (s.ok()) {
      WarmUp(device, *exec, m);
      continue;
    }
    spdlog::warn("model {} on {}: {}; it is placed on other devices only",
                 m.name, device, std::string(s.message()));
    if (first.ok()) first = s;
    errors.push_back(model_executors_.size() == 1
                         ? std::string(s.message())
                         : absl::StrCat(device, ": ", s.message()));
  }
  if (first.ok()) return first;
  return absl::Status(first.code(), absl::StrJoin(errors, "; "));
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
