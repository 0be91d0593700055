// joulectl: the command-line client of jouled. Parses flags, makes one RPC,
// prints the answer as a table.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cmd/flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "joule/v1/admin.grpc.pb.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace {

using joule::Flags;
namespace v1 = joule::v1;

constexpr char kUsage[] =
    "Usage: joulectl [--server ADDR] COMMAND [flags]\n\n"
    "Commands:\n"
    "  submit     run a job (a registered --model or an explicit --ops cost)\n"
    "  devices    list devices: kind, P-state, frequency, temperature, "
    "power, queue\n"
    "  get ID     show a job\n"
    "  cancel ID  cancel a job\n"
    "  policy     print the running policy\n"
    "  reload [FILE]  reload the policy (default: its current file)\n\n"
    "Run 'joulectl COMMAND --help' for a command's flags.\n";

int Fail(const std::string& what) {
  std::cerr << "joulectl: " << what << "\n";
  return 1;
}

int RpcFail(const grpc::Status& s) {
  return Fail(absl::StrFormat("%s (gRPC code %d)", s.error_message(),
                              static_cast<int>(s.error_code())));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

// "PRECISION_FP32" -> "fp32", "JOB_STATE_COMPLETED" -> "completed".
template <typename E>
std::string EnumName(const std::string& full, const std::string& prefix) {
  return Lower(full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full);
}

std::string PrecisionLabel(v1::Precision p) {
  if (p == v1::PRECISION_UNSPECIFIED) return "-";
  return EnumName<v1::Precision>(v1::Precision_Name(p), "PRECISION_");
}

void PrintResult(const v1::JobResult& r) {
  if (r.dry_run()) {
    std::cout << "dry run: "
              << (r.state() == v1::JOB_STATE_REJECTED ? "would be rejected"
                                                      : "would be accepted")
              << "\n";
  } else {
    std::cout << "job " << r.job_id() << ": "
              << EnumName<v1::JobState>(v1::JobState_Name(r.state()),
                                        "JOB_STATE_")
              << "\n";
  }
  if (r.dry_run() && !r.device().empty()) {
    std::cout << absl::StrFormat(
        "device %s, P-state %d (%d MHz), %s%s: predicted %.3f ms, %.3f mJ\n",
        r.device(), r.pstate(), r.freq_khz() / 1000,
        PrecisionLabel(r.precision()), r.simulated() ? " (simulated)" : "",
        r.predicted_time_s() * 1e3, r.predicted_energy_j() * 1e3);
  } else if (!r.device().empty()) {
    std::cout << absl::StrFormat(
        "device %s, P-state %d (%d MHz), %s%s\n"
        "predicted %.3f ms, %.3f mJ; measured %.3f ms, %.3f mJ; queued "
        "%.3f ms\n",
        r.device(), r.pstate(), r.freq_khz() / 1000,
        PrecisionLabel(r.precision()), r.simulated() ? " (simulated)" : "",
        r.predicted_time_s() * 1e3,
        r.predicted_energy_j() * 1e3, r.measured_time_s() * 1e3,
        r.measured_energy_j() * 1e3, r.queue_time_s() * 1e3);
  }
  if (!r.error().empty()) std::cout << "error: " << r.error() << "\n";
  if (!r.explanation().empty()) std::cout << r.explanation() << "\n";
  if (r.candidates_size() == 0) return;
  std::cout << absl::StrFormat(
      "\n  %-8s %-4s %-5s %2s %10s %10s %10s %10s %10s %10s %10s  %s\n",
      "device", "kind", "prec", "P", "compute_ms", "memory_ms", "exec_ms",
      "backlog_ms", "finish_ms", "energy_mJ", "score", "verdict");
  for (const v1::DeviceEstimate& e : r.candidates()) {
    std::string verdict =
        e.chosen() ? "chosen" : (e.feasible() ? "feasible" : e.reason());
    if (e.feasible() && e.memory_bound()) verdict += ", memory-bound";
    std::cout << absl::StrFormat(
        "%s %-8s %-4s %-5s %2d %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f "
        "%10.4g  %s\n",
        e.chosen() ? "*" : " ", e.device(),
        EnumName<v1::DeviceKind>(v1::DeviceKind_Name(e.kind()),
                                 "DEVICE_KIND_"),
        PrecisionLabel(e.precision()), e.pstate(), e.compute_s() * 1e3, e.memory_s() * 1e3,
        e.exec_s() * 1e3, e.backlog_s() * 1e3, e.finish_s() * 1e3,
        e.energy_j() * 1e3, e.score(), verdict);
  }
}

absl::Status ParseDouble(const Flags& f, const std::string& name,
                         double* out) {
  if (!f.IsSet(name)) return absl::OkStatus();
  if (!absl::SimpleAtod(f.Get(name), out)) {
    return absl::InvalidArgumentError("--" + name + ": not a number");
  }
  return absl::OkStatus();
}

absl::Status BuildSubmit(const Flags& f, v1::SubmitRequest* req) {
  if (f.IsSet("model") == f.IsSet("ops")) {
    return absl::InvalidArgumentError("give exactly one of --model or --ops");
  }
  if (f.IsSet("model")) req->set_model(f.Get("model"));
  if (f.IsSet("ops")) {
    v1::JobCost* cost = req->mutable_cost();
    for (absl::string_view item : absl::StrSplit(f.Get("ops"), ',')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
      v1::Precision p;
      double ops = 0;
      if (!v1::Precision_Parse("PRECISION_" + std::string(kv.first), &p)) {
        for (char& c : kv.first) c = static_cast<char>(std::toupper(c));
        if (!v1::Precision_Parse("PRECISION_" + kv.first, &p)) {
          return absl::InvalidArgumentError(
              "--ops: unknown precision '" + kv.first +
              "' (fp32, fp16, int8, int4)");
        }
      }
      if (!absl::SimpleAtod(kv.second, &ops)) {
        return absl::InvalidArgumentError("--ops: '" + std::string(item) +
                                          "' is not PRECISION=OPS");
      }
      v1::PrecisionOps* po = cost->add_ops();
      po->set_precision(p);
      po->set_ops(ops);
    }
    double v = 0;
    const std::pair<const char*, void (v1::JobCost::*)(double)> bytes[] = {
        {"weight-bytes", &v1::JobCost::set_weight_bytes},
        {"activation-bytes", &v1::JobCost::set_activation_bytes},
        {"input-bytes", &v1::JobCost::set_input_bytes},
        {"output-bytes", &v1::JobCost::set_output_bytes}};
    for (const auto& [name, set] : bytes) {
      v = 0;
      if (absl::Status s = ParseDouble(f, name, &v); !s.ok()) return s;
      (cost->*set)(v);
    }
  }
  v1::PriorityClass cls;
  std::string c = "PRIORITY_CLASS_" + f.Get("class");
  for (char& ch : c) ch = static_cast<char>(std::toupper(ch));
  if (!v1::PriorityClass_Parse(c, &cls)) {
    return absl::InvalidArgumentError(
        "--class: realtime, interactive or batch");
  }
  req->set_priority_class(cls);
  v1::Preference pref;
  std::string p = "PREFERENCE_" + f.Get("prefer");
  for (char& ch : p) ch = static_cast<char>(std::toupper(ch));
  if (!v1::Preference_Parse(p, &pref)) {
    return absl::InvalidArgumentError("--prefer: latency, energy or balanced");
  }
  req->set_preference(pref);
  uint64_t deadline = 0;
  if (!absl::SimpleAtoi(f.Get("deadline-ms"), &deadline)) {
    return absl::InvalidArgumentError("--deadline-ms: not a whole number");
  }
  req->set_deadline_ms(deadline);
  uint32_t batch = 1;
  if (!absl::SimpleAtoi(f.Get("batch"), &batch)) {
    return absl::InvalidArgumentError("--batch: not a whole number");
  }
  req->set_batch_size(batch);
  if (f.IsSet("kinds")) {
    for (absl::string_view k : absl::StrSplit(f.Get("kinds"), ',')) {
      v1::DeviceKind kind;
      std::string name = "DEVICE_KIND_" + std::string(k);
      for (char& ch : name) ch = static_cast<char>(std::toupper(ch));
      if (!v1::DeviceKind_Parse(name, &kind)) {
        return absl::InvalidArgumentError("--kinds: cpu, gpu, npu");
      }
      req->add_allowed_kinds(kind);
    }
  }
  req->set_dry_run(f.Bool("dry-run"));
  return absl::OkStatus();
}

int Submit(const std::shared_ptr<grpc::Channel>& ch, int argc, char** argv) {
  Flags f;
  f.Add("model", "", "registered model name");
  f.Add("ops", "", "explicit cost: PRECISION=OPS[,...], e.g. int8=2e9,fp32=2e9");
  f.Add("weight-bytes", "0", "weights at FP32");
  f.Add("activation-bytes", "0", "activations per item at FP32");
  f.Add("input-bytes", "0", "input per item");
  f.Add("output-bytes", "0", "output per item");
  f.Add("class", "interactive", "realtime, interactive or batch");
  f.Add("prefer", "balanced", "latency, energy or balanced");
  f.Add("deadline-ms", "0", "relative deadline; 0 = none");
  f.Add("batch", "1", "batch size");
  f.Add("kinds", "", "allowed device kinds, e.g. npu,gpu (default: any)");
  f.AddBool("dry-run", "place only; print the explanation table");
  f.AddBool("help", "print this help");
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok()) return Fail(std::string(s.message()));
  if (f.Bool("help")) {
    std::cout << "Usage: joulectl submit [flags]\n\n" << f.Help();
    return 0;
  }
  v1::SubmitRequest req;
  if (absl::Status s = BuildSubmit(f, &req); !s.ok()) return Fail(std::string(s.message()));
  v1::JobResult resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->Submit(&ctx, req, &resp);
  if (!s.ok()) {
    auto id = ctx.GetServerTrailingMetadata().find("joule-job-id");
    if (id != ctx.GetServerTrailingMetadata().end()) {
      std::cerr << "job " << std::string(id->second.data(), id->second.size())
                << ": ";
    }
    return RpcFail(s);
  }
  PrintResult(resp);
  return 0;
}

int Devices(const std::shared_ptr<grpc::Channel>& ch) {
  v1::ListDevicesResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s =
      v1::Scheduler::NewStub(ch)->ListDevices(&ctx, {}, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << absl::StrFormat("%-8s %-4s %7s %4s %8s %7s %7s %6s %6s %10s %-9s %s\n",
                               "device", "kind", "P-state", "cap", "MHz",
                               "temp_C", "power_W", "util", "queue",
                               "backlog_ms", "thermal", "backend");
  for (const v1::DeviceStatus& d : resp.devices()) {
    std::cout << absl::StrFormat(
        "%-8s %-4s %4d/%-2d %4d %8d %7.1f %7.2f %5.0f%% %6d %10.2f %-9s %s%s\n",
        d.name(),
        EnumName<v1::DeviceKind>(v1::DeviceKind_Name(d.kind()),
                                 "DEVICE_KIND_"),
        d.pstate(), d.pstate_count() - 1, d.pstate_cap(), d.freq_khz() / 1000,
        d.temperature_c(), d.power_w(), d.utilization() * 100,
        d.queue_depth(), d.backlog_s() * 1e3,
        d.critical() ? "critical" : (d.throttled() ? "throttled" : "ok"),
        d.backend(),
        d.simulated() && d.backend() != "simulated" ? " (simulated)" : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Global flags come before the command.
  std::string server = "127.0.0.1:50051";
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--server" && i + 1 < argc) {
      server = argv[++i];
    } else if (a.rfind("--server=", 0) == 0) {
      server = a.substr(9);
    } else {
      break;
    }
  }
  if (i >= argc || std::string(argv[i]) == "--help" ||
      std::string(argv[i]) == "help") {
    std::cout << kUsage;
    return i >= argc ? 2 : 0;
  }
  // Shift so argv[1] is the command.
  argv += i - 1;
  argc -= i - 1;
  const std::string cmd = argv[1];
  auto ch = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());

  if (cmd == "submit") return Submit(ch, argc, argv);
  if (cmd == "devices") return Devices(ch);
  if (cmd == "get" || cmd == "cancel") {
    if (argc < 3) return Fail(cmd + " needs a job id");
    grpc::ClientContext ctx;
    auto stub = v1::Scheduler::NewStub(ch);
    if (cmd == "get") {
      v1::GetJobRequest req;
      req.set_job_id(argv[2]);
      v1::JobResult resp;
      grpc::Status s = stub->GetJob(&ctx, req, &resp);
      if (!s.ok()) return RpcFail(s);
      PrintResult(resp);
      return 0;
    }
    v1::CancelJobRequest req;
    req.set_job_id(argv[2]);
    v1::CancelJobResponse resp;
    grpc::Status s = stub->CancelJob(&ctx, req, &resp);
    if (!s.ok()) return RpcFail(s);
    std::cout << "job " << argv[2] << ": "
              << EnumName<v1::JobState>(v1::JobState_Name(resp.state()),
                                        "JOB_STATE_")
              << "\n";
    return 0;
  }
  if (cmd == "policy" || cmd == "reload") {
    grpc::ClientContext ctx;
    auto stub = v1::Admin::NewStub(ch);
    v1::Policy policy;
    grpc::Status s;
    if (cmd == "policy") {
      s = stub->GetPolicy(&ctx, {}, &policy);
    } else {
      v1::ReloadPolicyRequest req;
      if (argc >= 3) req.set_path(argv[2]);
      v1::ReloadPolicyResponse resp;
      s = stub->ReloadPolicy(&ctx, req, &resp);
      policy = resp.policy();
    }
    if (!s.ok()) return RpcFail(s);
    std::cout << "# generation " << policy.generation() << " from "
              << policy.source() << "\n"
              << (cmd == "policy" ? policy.yaml() : "");
    return 0;
  }
  std::cerr << kUsage;
  return Fail("unknown command '" + cmd + "'");
}
