// joulectl: the command-line client of jouled. Parses flags, makes one RPC,
// prints the answer as a table.
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cmd/flags.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "joule/v1/admin.grpc.pb.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "models/onnx_analysis.h"
#include "models/onnx_report.h"

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
    "  reload [FILE]  reload the policy (default: its current file)\n"
    "  analyze FILE   analyse an ONNX model here, no daemon: per-node ops and "
    "bytes\n"
    "  models     list registered models: ops, bytes, per-device predictions\n"
    "  register NAME (--path P | --file F)  register an ONNX model\n"
    "  unload NAME    unregister a model\n\n"
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
  for (const v1::Tensor& t : r.outputs()) {
    std::cout << "output " << t.name() << " [";
    for (int i = 0; i < t.shape_size(); ++i) {
      std::cout << (i ? "," : "") << t.shape(i);
    }
    std::cout << "]:";
    const size_t n = t.data().size() / sizeof(float);
    for (size_t i = 0; i < n && i < 8; ++i) {
      float v;
      std::memcpy(&v, t.data().data() + i * sizeof(float), sizeof v);
      std::cout << " " << v;
    }
    std::cout << (n > 8 ? " ...\n" : "\n");
  }
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
  if (f.IsSet("inputs")) {
    if (!f.IsSet("model")) {
      return absl::InvalidArgumentError("--inputs needs --model");
    }
    // NAME=FILE:D1,D2,...[;...]: FILE holds raw little-endian float32.
    for (absl::string_view item :
         absl::StrSplit(f.Get("inputs"), ';', absl::SkipEmpty())) {
      std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
      std::vector<std::string> fs =
          kv.size() == 2 ? absl::StrSplit(kv[1], absl::MaxSplits(':', 1))
                         : std::vector<std::string>{};
      if (kv.size() != 2 || fs.size() != 2) {
        return absl::InvalidArgumentError(
            "--inputs: '" + std::string(item) + "' is not NAME=FILE:D1,D2,...");
      }
      v1::Tensor* t = req->add_inputs();
      t->set_name(kv[0]);
      t->set_dtype(v1::DATA_TYPE_FLOAT32);
      for (absl::string_view d : absl::StrSplit(fs[1], ',')) {
        int64_t dim = 0;
        if (!absl::SimpleAtoi(d, &dim) || dim < 0) {
          return absl::InvalidArgumentError("--inputs: bad dimension '" +
                                            std::string(d) + "'");
        }
        t->add_shape(dim);
      }
      std::ifstream in(fs[0], std::ios::binary);
      if (!in) {
        return absl::InvalidArgumentError("--inputs: cannot read " + fs[0]);
      }
      t->set_data(std::string(std::istreambuf_iterator<char>(in), {}));
    }
  }
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
  f.Add("inputs", "",
        "input tensors for --model: NAME=FILE:D1,D2,...[;...], FILE raw "
        "little-endian float32");
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
    if (id == ctx.GetServerTrailingMetadata().end()) return RpcFail(s);
    return Fail(absl::StrFormat(
        "job %s: %s (gRPC code %d)",
        std::string(id->second.data(), id->second.size()), s.error_message(),
        static_cast<int>(s.error_code())));
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

// ---- models: analyze, register, models, unload ----

// 1561226 -> "1.56M"; below 10000 exact.
std::string HumanCount(double v) {
  if (v < 1e4) return absl::StrFormat("%.0f", v);
  const char* units[] = {"K", "M", "G", "T", "P"};
  int u = -1;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return absl::StrFormat("%.2f%s", v, units[u]);
}

// 229544 -> "224.2 KiB".
std::string HumanBytes(double v) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrFormat("%.0f B", v)
                : absl::StrFormat("%.1f %s", v, units[u]);
}

// Takes every `--input-shape NAME=D1,...` (or `--input-shape=...`) out of
// argv, since the flag may repeat; each value may also hold several shapes
// separated by ';'. Leaves the other arguments for Flags.
absl::Status TakeInputShapes(int* argc, char** argv,
                             joule::InputShapes* shapes) {
  int out = 0;
  for (int i = 0; i < *argc; ++i) {
    const std::string a = argv[i];
    std::string value;
    if (a == "--input-shape") {
      if (i + 1 >= *argc)
        return absl::InvalidArgumentError("--input-shape needs a value");
      value = argv[++i];
    } else if (a.rfind("--input-shape=", 0) == 0) {
      value = a.substr(14);
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (absl::Status s = joule::ParseInputShapes(value, shapes); !s.ok()) {
      return absl::InvalidArgumentError("--input-shape: " +
                                        std::string(s.message()));
    }
  }
  *argc = out;
  return absl::OkStatus();
}

constexpr char kInputShapeHelp[] =
    "  --input-shape NAME=D1,D2,...   fix an input's dynamic dims (repeat, or "
    "separate with ';');\n"
    "                                 default: the model's shapes, a dynamic "
    "first dim as batch 1\n";

int Analyze(int argc, char** argv) {
  joule::InputShapes shapes;
  if (absl::Status s = TakeInputShapes(&argc, argv, &shapes); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  Flags f;
  f.AddBool("json", "print the totals as one JSON object instead of the table");
  f.AddBool("help", "print this help");
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok())
    return Fail(std::string(s.message()));
  if (f.Bool("help")) {
    std::cout
        << "Usage: joulectl analyze FILE [--input-shape NAME=D1,...] "
           "[--json]\n\n"
           "Analyses an ONNX model as jouled does at registration (no daemon "
           "needed):\nper node its op, output shape, ops (a multiply-add is "
           "2), MACs and bytes\n(weights first read there + activations "
           "written, FP32-referenced), then totals.\n\n"
        << kInputShapeHelp << f.Help();
    return 0;
  }
  if (f.positional().size() != 1) return Fail("analyze needs exactly one FILE");
  const std::string& path = f.positional()[0];
  absl::StatusOr<std::string> bytes = joule::ReadOnnxFile(path);
  if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
  absl::StatusOr<joule::OnnxAnalysis> a = joule::AnalyzeOnnx(*bytes, shapes);
  if (!a.ok())
    return Fail(absl::StrCat("analyze ", path, ": ", a.status().message()));
  std::cout << (f.Bool("json") ? joule::AnalysisToJson(*a, path)
                               : joule::FormatAnalysisTable(*a));
  return 0;
}

std::string TensorsLabel(
    const google::protobuf::RepeatedPtrField<v1::Tensor>& ts) {
  std::vector<std::string> parts;
  for (const v1::Tensor& t : ts) {
    parts.push_back(absl::StrCat(
        t.name(), " ",
        EnumName<v1::DataType>(v1::DataType_Name(t.dtype()), "DATA_TYPE_"), "[",
        absl::StrJoin(t.shape(), ","), "]"));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

void PrintModels(
    const google::protobuf::RepeatedPtrField<v1::ModelInfo>& models) {
  std::cout << absl::StrFormat("%-20s %10s %10s %11s %12s %9s  %s\n", "model",
                               "ops", "macs", "weights", "activations",
                               "ops/byte", "inputs");
  for (const v1::ModelInfo& m : models) {
    const double ops = m.ops_size() ? m.ops(0).ops() : 0;
    std::cout << absl::StrFormat(
        "%-20s %10s %10s %11s %12s %9.2f  %s\n", m.name(), HumanCount(ops),
        HumanCount(m.macs()), HumanBytes(m.weight_bytes()),
        HumanBytes(m.activation_bytes()), m.arithmetic_intensity(),
        TensorsLabel(m.inputs()));
    for (const v1::ModelDeviceInfo& d : m.devices()) {
      if (!d.supported()) {
        std::cout << absl::StrFormat("    %-8s unsupported: %s\n", d.device(),
                                     d.reason());
        continue;
      }
      std::vector<std::string> ms;
      for (double t : d.predicted_s())
        ms.push_back(absl::StrFormat("%.3f", t * 1e3));
      std::cout << absl::StrFormat(
          "    %-8s %-5s %s-bound, predicted ms by P-state (slowest first): "
          "%s\n",
          d.device(), PrecisionLabel(d.precision()),
          d.memory_bound() ? "memory" : "compute", absl::StrJoin(ms, " "));
    }
  }
}

int Models(const std::shared_ptr<grpc::Channel>& ch) {
  v1::ListModelsResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->ListModels(&ctx, {}, &resp);
  if (!s.ok()) return RpcFail(s);
  if (resp.models_size() == 0) {
    std::cout << "no models registered\n";
    return 0;
  }
  PrintModels(resp.models());
  return 0;
}

int Register(const std::shared_ptr<grpc::Channel>& ch, int argc, char** argv) {
  joule::InputShapes shapes;
  if (absl::Status s = TakeInputShapes(&argc, argv, &shapes); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  Flags f;
  f.Add("path", "",
        "the model's file on the daemon's host, under its model_dir");
  f.Add("file", "", "a local ONNX file whose bytes are sent");
  f.AddBool("help", "print this help");
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok())
    return Fail(std::string(s.message()));
  if (f.Bool("help")) {
    std::cout << "Usage: joulectl register NAME (--path P | --file F) "
                 "[--input-shape NAME=D1,...]\n\n"
              << kInputShapeHelp << f.Help();
    return 0;
  }
  if (f.positional().size() != 1)
    return Fail("register needs exactly one NAME");
  if (f.IsSet("path") == f.IsSet("file")) {
    return Fail("register: give exactly one of --path or --file");
  }
  v1::RegisterModelRequest req;
  req.set_name(f.positional()[0]);
  if (f.IsSet("path")) {
    req.set_path(f.Get("path"));
  } else {
    absl::StatusOr<std::string> bytes = joule::ReadOnnxFile(f.Get("file"));
    if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
    req.set_onnx(*std::move(bytes));
  }
  for (const auto& [name, dims] : shapes) {
    v1::InputShape* in = req.add_input_shapes();
    in->set_name(name);
    for (int64_t d : dims) in->add_dims(d);
  }
  v1::ModelInfo info;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->RegisterModel(&ctx, req, &info);
  if (!s.ok()) return RpcFail(s);
  google::protobuf::RepeatedPtrField<v1::ModelInfo> one;
  *one.Add() = info;
  PrintModels(one);
  return 0;
}

int Unload(const std::shared_ptr<grpc::Channel>& ch, int argc, char** argv) {
  if (argc != 3) return Fail("unload needs exactly one NAME");
  v1::UnloadModelRequest req;
  req.set_name(argv[2]);
  v1::UnloadModelResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->UnloadModel(&ctx, req, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << "model " << argv[2] << " unloaded\n";
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

  if (cmd == "analyze") return Analyze(argc, argv);
  if (cmd == "models") return Models(ch);
  if (cmd == "register") return Register(ch, argc, argv);
  if (cmd == "unload") return Unload(ch, argc, argv);
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
