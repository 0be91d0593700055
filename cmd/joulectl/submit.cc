// joulectl submit: builds a SubmitRequest from the flags (a registered
// --model or an explicit --ops cost, class, preference, deadline, batch,
// allowed kinds, input tensors, a stream and its change signal for frame
// skipping), sends it, prints the job's result.
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cmd/flags.h"
#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "cmd/joulectl/print_job.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(c));
  return s;
}

void AddSubmitFlags(Flags* f) {
  f->Add("model", "", "registered model name");
  f->Add("ops", "",
         "explicit cost: PRECISION=OPS[,...], e.g. int8=2e9,fp32=2e9");
  f->Add("weight-bytes", "0", "weights at FP32");
  f->Add("activation-bytes", "0", "activations per item at FP32");
  f->Add("input-bytes", "0", "input per item");
  f->Add("output-bytes", "0", "output per item");
  f->Add("class", "interactive", "realtime, interactive or batch");
  f->Add("prefer", "balanced", "latency, energy or balanced");
  f->Add("deadline-ms", "0", "relative deadline; 0 = none");
  f->Add("batch", "1", "batch size");
  f->Add("kinds", "", "allowed device kinds, e.g. npu,gpu (default: any)");
  f->Add("inputs", "",
         "input tensors for --model: NAME=FILE:D1,D2,...[;...], FILE raw "
         "little-endian float32");
  f->Add("stream", "", "the stream the input comes from (frame skipping)");
  f->Add("digest", "",
         "change digest of the input: equal digests reuse the stream's "
         "held result (needs --stream)");
  f->AddBool("digest-inputs",
             "use a digest of the --inputs bytes (FNV-1a 64) as --digest");
  f->Add("thumbnail", "",
         "change thumbnail: comma-separated values in [0, 1] (needs "
         "--stream)");
  f->AddBool("dry-run", "place only; print the explanation table");
  f->AddBool("help", "print this help");
}

absl::Status ParseDouble(const Flags& f, const std::string& name, double* out) {
  if (!f.IsSet(name)) return absl::OkStatus();
  if (!absl::SimpleAtod(f.Get(name), out)) {
    return absl::InvalidArgumentError("--" + name + ": not a number");
  }
  return absl::OkStatus();
}

// --ops and the four --*-bytes flags.
absl::Status BuildCost(const Flags& f, v1::JobCost* cost) {
  for (absl::string_view item : absl::StrSplit(f.Get("ops"), ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    v1::Precision p;
    double ops = 0;
    if (!v1::Precision_Parse("PRECISION_" + kv.first, &p) &&
        !v1::Precision_Parse("PRECISION_" + Upper(kv.first), &p)) {
      return absl::InvalidArgumentError("--ops: unknown precision '" +
                                        Upper(kv.first) +
                                        "' (fp32, fp16, int8, int4)");
    }
    if (!absl::SimpleAtod(kv.second, &ops)) {
      return absl::InvalidArgumentError("--ops: '" + std::string(item) +
                                        "' is not PRECISION=OPS");
    }
    v1::PrecisionOps* po = cost->add_ops();
    po->set_precision(p);
    po->set_ops(ops);
  }
  const std::pair<const char*, void (v1::JobCost::*)(double)> bytes[] = {
      {"weight-bytes", &v1::JobCost::set_weight_bytes},
      {"activation-bytes", &v1::JobCost::set_activation_bytes},
      {"input-bytes", &v1::JobCost::set_input_bytes},
      {"output-bytes", &v1::JobCost::set_output_bytes}};
  for (const auto& [name, set] : bytes) {
    double v = 0;
    if (absl::Status s = ParseDouble(f, name, &v); !s.ok()) return s;
    (cost->*set)(v);
  }
  return absl::OkStatus();
}

// --inputs NAME=FILE:D1,D2,...[;...]: FILE holds raw little-endian float32.
absl::Status BuildInputs(const Flags& f, v1::SubmitRequest* req) {
  for (absl::string_view item :
       absl::StrSplit(f.Get("inputs"), ';', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    std::vector<std::string> fs =
        kv.size() == 2 ? absl::StrSplit(kv[1], absl::MaxSplits(':', 1))
                       : std::vector<std::string>{};
    if (kv.size() != 2 || fs.size() != 2) {
      return absl::InvalidArgumentError("--inputs: '" + std::string(item) +
                                        "' is not NAME=FILE:D1,D2,...");
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
  return absl::OkStatus();
}

// FNV-1a 64 over every input's bytes, as 16 hex digits: stable across
// builds and machines, so two clients of one stream agree.
std::string InputsDigest(const v1::SubmitRequest& req) {
  uint64_t h = 14695981039346656037ull;
  for (const v1::Tensor& t : req.inputs()) {
    for (unsigned char c : t.data()) {
      h ^= c;
      h *= 1099511628211ull;
    }
  }
  return absl::StrFormat("%016x", h);
}

// --stream, --digest / --digest-inputs, --thumbnail.
absl::Status BuildFrameSignal(const Flags& f, v1::SubmitRequest* req) {
  req->set_stream(f.Get("stream"));
  if (f.IsSet("digest") && f.Bool("digest-inputs")) {
    return absl::InvalidArgumentError(
        "give at most one of --digest or --digest-inputs");
  }
  if (f.Bool("digest-inputs")) {
    if (req->inputs_size() == 0) {
      return absl::InvalidArgumentError("--digest-inputs needs --inputs");
    }
    req->set_change_digest(InputsDigest(*req));
  } else {
    req->set_change_digest(f.Get("digest"));
  }
  if (f.IsSet("thumbnail")) {
    for (absl::string_view v : absl::StrSplit(f.Get("thumbnail"), ',')) {
      float x = 0;
      if (!absl::SimpleAtof(v, &x)) {
        return absl::InvalidArgumentError("--thumbnail: '" + std::string(v) +
                                          "' is not a number");
      }
      req->add_change_thumbnail(x);
    }
  }
  if (req->stream().empty() &&
      (!req->change_digest().empty() || req->change_thumbnail_size() > 0)) {
    return absl::InvalidArgumentError(
        "--digest, --digest-inputs and --thumbnail need --stream");
  }
  return absl::OkStatus();
}

absl::Status BuildSubmit(const Flags& f, v1::SubmitRequest* req) {
  if (f.IsSet("model") == f.IsSet("ops")) {
    return absl::InvalidArgumentError("give exactly one of --model or --ops");
  }
  if (f.IsSet("model")) req->set_model(f.Get("model"));
  if (f.IsSet("ops")) {
    if (absl::Status s = BuildCost(f, req->mutable_cost()); !s.ok()) return s;
  }
  v1::PriorityClass cls;
  if (!v1::PriorityClass_Parse(Upper("PRIORITY_CLASS_" + f.Get("class")),
                               &cls)) {
    return absl::InvalidArgumentError(
        "--class: realtime, interactive or batch");
  }
  req->set_priority_class(cls);
  v1::Preference pref;
  if (!v1::Preference_Parse(Upper("PREFERENCE_" + f.Get("prefer")), &pref)) {
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
      if (!v1::DeviceKind_Parse(Upper("DEVICE_KIND_" + std::string(k)),
                                &kind)) {
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
    if (absl::Status s = BuildInputs(f, req); !s.ok()) return s;
  }
  return BuildFrameSignal(f, req);
}

}  // namespace

int Submit(const Channel& ch, int argc, char** argv) {
  Flags f;
  AddSubmitFlags(&f);
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (f.Bool("help")) {
    std::cout << "Usage: joulectl submit [flags]\n\n" << f.Help();
    return 0;
  }
  v1::SubmitRequest req;
  if (absl::Status s = BuildSubmit(f, &req); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  v1::JobResult resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->Submit(&ctx, req, &resp);
  if (!s.ok()) {
    auto id = ctx.GetServerTrailingMetadata().find("joule-job-id");
    if (id == ctx.GetServerTrailingMetadata().end()) return RpcFail(s);
    return Fail(
        absl::StrFormat("job %s: %s (gRPC code %d)",
                        std::string(id->second.data(), id->second.size()),
                        s.error_message(), static_cast<int>(s.error_code())));
  }
  PrintJobResult(resp);
  return 0;
}

}  // namespace joule::joulectl
