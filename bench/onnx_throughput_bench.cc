// onnx_throughput_bench: real CPU inference through jouled against ONNX
// Runtime called directly — same process, same library, same models, same
// session options (intra-op threads, optimisation level), same run
// (bench/RESULTS.md, "Real CPU inference: jouled vs ONNX Runtime direct").
//
//   direct   an OrtSession of its own on the model's bytes, then in a loop:
//            OrtSession::Run on the input tensor (what a user calling ORT's
//            C API does per inference).
//   jouled   an in-process Daemon (RealClock, 127.0.0.1 port 0, no governor
//            thread so the P-state and so the calibration key stay put), the
//            model registered by bytes over gRPC, then Submit over loopback
//            with real input tensors and allowed_kinds=[CPU], keeping a fixed
//            number of calls outstanding (closed loop; 1 and 4 by default).
//
// Rounds alternate the modes (rotating which goes first) and each lasts
// --round-s; figures are medians over rounds, ratios the median of each
// round's jouled/direct. Latency percentiles pool every timed call.
// Afterwards it prints the prediction error of the scheduler's cost model on
// the jobs it ran: BEFORE = measured / the analytic roofline prediction (the
// ListModels figure for cpu0 at the job's P-state), AFTER = measured / the
// calibrated prediction placement used (JobResult.predicted_time_s; what
// joule_prediction_error_ratio observes).
//
// Models (--models): by default three public exports from .deps/models
// (scripts/fetch-test-models.sh fetches them; onnx_bench.h lists the input
// shapes): `ppocr_rec` (PaddleOCR PP-OCRv4 recognition), `ppocr_det` (its
// text detector) and `kws_hello_deepa` (an openWakeWord keyword head, whose
// run is far shorter than one RPC: it shows the per-call fixed cost). Also
// available: those of tests/reference_models/make_reference_models.py
// (tiny), and two generated here with /usr/bin/python3 + onnx + numpy:
// `convnet` (four 3x3 conv layers on 1x3x128x128, ~0.46 GFLOP) and `gemm`
// ([256,1024] x [1024,1024], ~0.54 GFLOP, 1 MiB in and out). The direct
// path reads ORT's outputs in place (no copy). By default the cpu0 profile is
// first rewritten with this host's measured peak FP32 and memory bandwidth (as
// `jouled
// --calibrate` does), so BEFORE is this host's roofline, not the RK3588's.
// --threads and --spinning set the intra-op threads and allow_spinning of
// every session, the daemon's (through its policy) and the direct ones. The
// process turns off Abseil's mutex deadlock detection, as jouled does in a
// release build.
//
// Not a CTest test (bench/CMakeLists.txt). Single-threaded driver; gRPC
// callbacks run on gRPC's threads and hand results over under a mutex.
//
// Files: onnx_bench.h (the models and both paths), onnx_bench_models.cc
// (model generation and the direct path), onnx_bench_closed_loop.cc (the
// jouled path); this one has the flags, the daemon set-up, the rounds and
// the report.
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "bench/onnx_bench.h"
#include "devices/calibrated_profile.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_session.h"
#include "grpcpp/grpcpp.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "server/daemon.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace onnx_bench {
namespace {

// CPU time of the whole process so far (every thread: the bench's, ORT's
// pools, the executor's worker, gRPC's), user + system.
double ProcessCpuSeconds() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// ---- Options ----------------------------------------------------------------

struct Options {
  int rounds = 5;
  double round_s = 1.0;  // per mode, per model, per round
  std::vector<int> outstanding = {1, 4};
  // Public exports (.deps/models) and generated models; any mix.
  std::vector<std::string> models = {"ppocr_rec", "ppocr_det",
                                     "kws_hello_deepa"};
  std::string public_models_dir = JOULE_FETCHED_MODELS_DIR;
  bool calibrate_host = true;  // false: the embedded RK3588 profile
  // Intra-op threads of every session, the daemon's and the direct ones;
  // 0: ORT's default (one per physical core).
  int threads = 0;
  // executors.onnxruntime.allow_spinning of every session, the daemon's and
  // the direct ones; -1: the policy's default.
  int spinning = -1;
  std::string make_cpu_models = JOULE_MAKE_REFERENCE_MODELS_PY;
};

bool ParseFlags(int argc, char** argv, Options* o) try {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const size_t eq = a.find('=');
    const std::string key = a.substr(0, eq);
    const std::string val = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (key == "--rounds") {
      o->rounds = std::max(1, std::stoi(val));
    } else if (key == "--round-s") {
      o->round_s = std::max(0.05, std::stod(val));
    } else if (key == "--outstanding") {
      o->outstanding.clear();
      for (const std::string& k : SplitCsv(val)) {
        o->outstanding.push_back(std::max(1, std::stoi(k)));
      }
    } else if (key == "--models") {
      o->models = SplitCsv(val);
    } else if (key == "--profile") {
      if (val != "host" && val != "embedded") return false;
      o->calibrate_host = val == "host";
    } else if (key == "--threads") {
      o->threads = std::stoi(val);
    } else if (key == "--spinning") {
      if (val != "on" && val != "off") return false;
      o->spinning = val == "on";
    } else if (key == "--public-models-dir") {
      o->public_models_dir = val;
    } else if (key == "--make-cpu-models") {
      o->make_cpu_models = val;
    } else {
      return false;
    }
  }
  return !o->models.empty() && !o->outstanding.empty();
} catch (const std::exception&) {  // std::stoi / std::stod on a bad number
  return false;
}

// ---- Statistics -------------------------------------------------------------

// Nearest-rank percentile, q in [0, 1]; NaN for no data.
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t k =
      static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
}
double Median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

// ---- Setup ------------------------------------------------------------------

// The daemon's policy: `profile` (empty: the embedded one), ORT sessions
// with `threads` intra-op threads and, when `spinning` is 0 or 1, that
// allow_spinning. Returns its path.
std::string WritePolicy(const std::string& dir, const std::string& profile,
                        int threads, int spinning) {
  const std::string policy = dir + "/policy.yaml";
  std::ofstream out(policy);
  if (!profile.empty()) out << "devices:\n  profile: \"" << profile << "\"\n";
  out << "executors:\n  onnxruntime:\n    intra_op_threads: " << threads
      << "\n";
  if (spinning >= 0) {
    out << "    allow_spinning: " << (spinning ? "true" : "false") << "\n";
  }
  return policy;
}

// A profile with this host's measured cpu0 figures; empty on failure.
std::string HostCalibratedProfile(const std::string& dir) {
  absl::StatusOr<HostCalibration> cal = CalibrateHost();
  if (!cal.ok()) {
    std::cerr << "host calibration failed: " << cal.status() << "\n";
    return "";
  }
  std::cout << "host calibration: " << cal->Summary() << "\n";
  const std::string profile = dir + "/host-profile.yaml";
  if (absl::Status s = WriteCalibratedProfile("", "cpu0", *cal, profile);
      !s.ok()) {
    std::cerr << s << "\n";
    return "";
  }
  return profile;
}

const v1::ModelDeviceInfo* Cpu0(const v1::ModelInfo& info) {
  for (const v1::ModelDeviceInfo& d : info.devices()) {
    if (d.device() == "cpu0") return &d;
  }
  return nullptr;
}

double Fp32Ops(const v1::ModelInfo& info) {
  for (const v1::PrecisionOps& o : info.ops()) {
    if (o.precision() == v1::PRECISION_FP32) return o.ops();
  }
  return 0;
}

double MaxAbsDiff(const std::string& bytes, const std::vector<float>& want) {
  std::vector<float> got(bytes.size() / sizeof(float));
  std::memcpy(got.data(), bytes.data(), got.size() * sizeof(float));
  if (got.size() != want.size()) return std::nan("");
  double d = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    d = std::max(d, std::fabs(double{got[i]} - want[i]));
  }
  return d;
}

// ---- The bench --------------------------------------------------------------

class Bench {
 public:
  explicit Bench(Options opt) : opt_(std::move(opt)) {
    modes_.push_back("direct");
    for (int k : opt_.outstanding) {
      modes_.push_back("jouled x" + std::to_string(k));
    }
  }

  // Models generated into `dir`, then the daemon started on them.
  bool SetUp(const std::string& dir);
  // Registers `name`, builds its direct net, warms both paths up and checks
  // that they give the same outputs.
  bool AddModel(const std::string& dir, const std::string& name);
  // Per round, per model: every mode once, in an order rotated each round.
  bool RunRounds();
  void PrintThroughput();
  void PrintPredictionError();
  void Shutdown() { daemon_->Shutdown(std::chrono::seconds(5)); }

 private:
  static int Outstanding(const std::string& mode) {
    return std::stoi(mode.substr(mode.find('x') + 1));
  }

  const Options opt_;
  std::vector<std::string> modes_;
  std::unique_ptr<Daemon> daemon_;
  std::shared_ptr<const OrtLibrary> ort_;  // the direct sessions'
  OrtSessionConfig ort_config_;            // as the daemon's
  std::unique_ptr<v1::Scheduler::Stub> stub_;
  std::vector<std::unique_ptr<Model>> models_;
  // [model][mode]: one result per round; every timed jouled job.
  std::map<std::string, std::map<std::string, std::vector<RoundResult>>> res_;
  std::map<std::string, std::map<std::string, std::vector<JobSample>>> jobs_;
};

bool Bench::SetUp(const std::string& dir) {
  // Generated models only when one of them is asked for.
  if (!std::all_of(opt_.models.begin(), opt_.models.end(), IsPublicModel)) {
    std::cout << "== models (generated into " << dir << ")\n";
    if (!GenerateModels(dir, opt_.make_cpu_models)) return false;
  }
  DaemonOptions dopt;
  std::string profile;
  if (opt_.calibrate_host) {
    profile = HostCalibratedProfile(dir);
    if (profile.empty()) return false;
  }
  dopt.policy_path = WritePolicy(dir, profile, opt_.threads, opt_.spinning);
  absl::StatusOr<std::shared_ptr<const OrtLibrary>> lib =
      OrtLibrary::Load(DefaultOrtLibraryOptions());
  if (!lib.ok()) {
    std::cerr << lib.status() << "\n";
    return false;
  }
  ort_ = *std::move(lib);
  ort_config_.intra_op_threads = opt_.threads;
  // As the daemon's sessions: the policy's value, or its default.
  ort_config_.allow_spinning = opt_.spinning >= 0
                                   ? opt_.spinning == 1
                                   : OnnxRuntimePolicy{}.allow_spinning;
  dopt.grpc_listen = "127.0.0.1:0";
  dopt.metrics_listen = "127.0.0.1:0";
  dopt.start_governor = false;  // keeps cpu0's P-state: one calibration key
  absl::StatusOr<std::unique_ptr<Daemon>> created = Daemon::Create(dopt);
  if (!created.ok()) {
    std::cerr << created.status() << "\n";
    return false;
  }
  daemon_ = *std::move(created);
  if (absl::Status s = daemon_->Start(); !s.ok()) {
    std::cerr << s << "\n";
    return false;
  }
  bool real_cpu0 = false;
  for (const auto& d : daemon_->devices()) {
    if (d->name() == "cpu0") real_cpu0 = !d->simulated();
  }
  if (!real_cpu0) {
    std::cerr << "cpu0 does not run models for real in this daemon\n";
    return false;
  }
  stub_ = v1::Scheduler::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon_->grpc_port()),
                          grpc::InsecureChannelCredentials()));
  for (const std::string& name : opt_.models) {
    if (!AddModel(dir, name)) return false;
  }
  return true;
}

bool Bench::AddModel(const std::string& dir, const std::string& name) {
  auto m = std::make_unique<Model>();
  m->name = name;
  if (IsPublicModel(name)) {
    if (!LoadPublicModel(opt_.public_models_dir, m.get())) {
      std::cerr << name << ": " << opt_.public_models_dir << "/" << name
                << ".onnx is not there (scripts/fetch-test-models.sh "
                   "fetches the public models)\n";
      return false;
    }
  } else if (!LoadModelFiles(dir, m.get())) {
    std::cerr << name << ": no such generated model\n";
    return false;
  }
  v1::RegisterModelRequest reg;
  reg.set_name(name);
  reg.set_onnx(m->bytes);
  if (m->fixed_shape) {  // fixes the export's dynamic dims for the analysis
    v1::InputShape* shape = reg.add_input_shapes();
    shape->set_name(m->input.name());
    *shape->mutable_dims() = m->input.shape();
  }
  grpc::ClientContext ctx;
  grpc::Status s = stub_->RegisterModel(&ctx, reg, &m->info);
  const v1::ModelDeviceInfo* cpu = Cpu0(m->info);
  if (!s.ok() || cpu == nullptr || !cpu->supported()) {
    std::cerr << name << ": not runnable on cpu0: "
              << (!s.ok() ? s.error_message()
                  : cpu   ? cpu->reason()
                          : "no cpu0")
              << "\n";
    return false;
  }
  absl::StatusOr<std::unique_ptr<OrtSession>> session =
      OrtSession::Create(ort_, name, m->bytes, ort_config_);
  if (!session.ok()) {
    std::cerr << name << ": " << session.status() << "\n";
    return false;
  }
  m->session = *std::move(session);
  Tensor in;
  in.name = m->input.name();
  in.dtype = DataType::kFloat32;
  in.shape.assign(m->input.shape().begin(), m->input.shape().end());
  in.bytes = m->input.data();
  m->inputs = {std::move(in)};
  std::vector<float> direct_out;
  for (int i = 0; i < 3; ++i) DirectInference(m.get());
  const std::string bytes = Concat(DirectInference(m.get()));
  if (bytes.empty()) {
    std::cerr << name << ": the direct run failed\n";
    return false;
  }
  direct_out.resize(bytes.size() / sizeof(float));
  std::memcpy(direct_out.data(), bytes.data(), bytes.size());
  m->request.set_model(name);
  m->request.add_allowed_kinds(v1::DEVICE_KIND_CPU);
  *m->request.add_inputs() = m->input;
  // Five calls one after another: also takes the calibration past its cold
  // start (3 samples), so every timed job ran on a warm correction.
  ClosedLoop warm(stub_.get(), &m->request, 1);
  for (int i = 0; i < 5; ++i) {
    if (!warm.Run(0)) {
      std::cerr << name << ": Submit failed: " << warm.error() << "\n";
      return false;
    }
  }
  const std::string& jouled_out = warm.first_result().outputs(0).data();
  std::cout << "model " << name << ": " << Fmt("%.1f", Fp32Ops(m->info) / 1e6)
            << " MFLOP (analysed), " << m->input.data().size() << " B in"
            << "; max |jouled - direct| "
            << Fmt("%.2g", MaxAbsDiff(jouled_out, direct_out));
  if (!m->expected.empty()) {
    std::cout << ", max |jouled - numpy| "
              << Fmt("%.2g", MaxAbsDiff(jouled_out, m->expected));
  }
  std::cout << "\n";
  models_.push_back(std::move(m));
  return true;
}

bool Bench::RunRounds() {
  std::cout << "\n== rounds (" << opt_.rounds << " x " << opt_.round_s
            << " s per model and mode; ORT intra-op threads "
            << (opt_.threads > 0 ? std::to_string(opt_.threads)
                                 : std::string("default"))
            << ")\n";
  for (int r = 0; r < opt_.rounds; ++r) {
    for (auto& m : models_) {
      for (size_t i = 0; i < modes_.size(); ++i) {
        const std::string& mode = modes_[(i + r) % modes_.size()];
        RoundResult rr;
        const double cpu_before = ProcessCpuSeconds();
        if (mode == "direct") {
          rr = RunDirect(m.get(), opt_.round_s);
        } else {
          ClosedLoop loop(stub_.get(), &m->request, Outstanding(mode));
          if (!loop.Run(opt_.round_s)) {
            std::cerr << m->name << ": Submit failed: " << loop.error() << "\n";
            return false;
          }
          for (const JobSample& j : loop.samples()) {
            rr.latency_s.push_back(j.latency_s);
            jobs_[m->name][mode].push_back(j);
          }
          rr.inferences_per_s = loop.samples().size() / loop.elapsed_s();
        }
        rr.cpu_s_per_inference =
            (ProcessCpuSeconds() - cpu_before) / rr.latency_s.size();
        std::cout << "round " << r + 1 << " " << m->name << " " << mode << ": "
                  << Fmt("%.1f", rr.inferences_per_s) << " inf/s, p50 "
                  << Fmt("%.1f", Percentile(rr.latency_s, 0.5) * 1e6)
                  << " us, CPU " << Fmt("%.1f", rr.cpu_s_per_inference * 1e6)
                  << " us/inf\n";
        res_[m->name][mode].push_back(std::move(rr));
      }
    }
  }
  return true;
}

void Bench::PrintThroughput() {
  std::cout << "\n== SUMMARY: throughput (median of " << opt_.rounds
            << " rounds), latency (p50/p99 over all timed calls), ratio = "
               "median over rounds of jouled/direct in the same round\n";
  std::printf("%-18s %-11s %10s %10s %10s %8s %12s %12s %12s\n", "model",
              "mode", "inf/s", "p50 us", "p99 us", "ratio", "CPU us/inf",
              "run p50 us", "rest p50 us");
  for (auto& m : models_) {
    const std::vector<RoundResult>& direct = res_[m->name]["direct"];
    for (const std::string& mode : modes_) {
      const std::vector<RoundResult>& rounds = res_[m->name][mode];
      std::vector<double> rate, lat, ratio, cpu;
      for (size_t r = 0; r < rounds.size(); ++r) {
        rate.push_back(rounds[r].inferences_per_s);
        cpu.push_back(rounds[r].cpu_s_per_inference);
        lat.insert(lat.end(), rounds[r].latency_s.begin(),
                   rounds[r].latency_s.end());
        ratio.push_back(rounds[r].inferences_per_s /
                        direct[r].inferences_per_s);
      }
      // jouled: the executor's measured run, and what each call spent
      // beyond it.
      std::string run = "-", rest = "-";
      if (mode != "direct") {
        std::vector<double> runs, rests;
        for (const JobSample& j : jobs_[m->name][mode]) {
          runs.push_back(j.measured_s);
          rests.push_back(j.latency_s - j.measured_s);
        }
        run = Fmt("%.1f", Median(runs) * 1e6);
        rest = Fmt("%.1f", Median(rests) * 1e6);
      }
      std::printf("%-18s %-11s %10.1f %10.1f %10.1f %8s %12.1f %12s %12s\n",
                  m->name.c_str(), mode.c_str(), Median(rate),
                  Percentile(lat, 0.5) * 1e6, Percentile(lat, 0.99) * 1e6,
                  Fmt("%.2f", Median(ratio)).c_str(), Median(cpu) * 1e6,
                  run.c_str(), rest.c_str());
    }
  }
  std::cout << "(CPU us/inf = the whole process's user+system CPU time over "
               "the round / inferences, median of rounds; run p50 = median "
               "JobResult.measured_time_s, the executor's ONNX Runtime run "
               "on its worker thread; rest p50 = median of client "
               "latency - run over the mode's jobs: queueing in cpu0, "
               "scheduler, gRPC, tensor copies)\n";
}

void Bench::PrintPredictionError() {
  std::cout << "\n== prediction error on cpu0, measured / predicted over the "
               "timed jouled jobs (p10 / median / p90)\n";
  std::printf("%-18s %6s %5s %10s %10s %28s %28s %24s\n", "model", "pstate",
              "prec", "analytic s", "measured s", "BEFORE (vs roofline)",
              "AFTER (vs calibrated)", "calibration state");
  const std::map<CalibrationKey, CalibrationStats> snap =
      daemon_->scheduler().calibration().Snapshot();
  auto triple = [](const std::vector<double>& v) {
    return Fmt("%.3g", Percentile(v, 0.1)) + " / " +
           Fmt("%.3g", Percentile(v, 0.5)) + " / " +
           Fmt("%.3g", Percentile(v, 0.9));
  };
  for (auto& m : models_) {
    std::vector<JobSample> js;
    for (const auto& [mode, samples] : jobs_[m->name]) {
      js.insert(js.end(), samples.begin(), samples.end());
    }
    if (js.empty()) continue;
    const int pstate = js.front().pstate;
    const v1::ModelDeviceInfo* cpu = Cpu0(m->info);
    const double analytic = pstate < cpu->predicted_s_size()
                                ? cpu->predicted_s(pstate)
                                : std::nan("");
    std::vector<double> before, after, measured;
    for (const JobSample& j : js) {
      before.push_back(j.measured_s / analytic);
      after.push_back(j.measured_s / j.predicted_s);
      measured.push_back(j.measured_s);
    }
    std::string state = "-";
    auto it = snap.find(CalibrationKey{m->name, "cpu0", pstate});
    if (it != snap.end()) {
      state = "x" + Fmt("%.3g", it->second.ratio) + ", " +
              std::to_string(it->second.accepted) + " ok " +
              std::to_string(it->second.outliers) + " outl";
    }
    std::printf("%-18s %6d %5s %10.3g %10.3g %28s %28s %24s\n", m->name.c_str(),
                pstate,
                v1::Precision_Name(js.front().precision).substr(10).c_str(),
                analytic, Median(measured), triple(before).c_str(),
                triple(after).c_str(), state.c_str());
  }
  std::cout << "(prec = the precision the cost model predicted at; analytic s "
               "= ListModels' roofline "
               "prediction for cpu0 at that P-state; BEFORE = measured / "
               "analytic; AFTER = measured / JobResult.predicted_time_s, the "
               "calibrated prediction placement used, which is what "
               "joule_prediction_error_ratio observes; calibration state = "
               "the learnt factor exp(l), samples accepted / rejected as "
               "outliers, warm-up jobs included)\n";
}

int Main(int argc, char** argv) {
  // As jouled's main does in a release build (cmd/mutex_mode.cc), so the
  // daemon in this process locks as jouled does.
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  Options opt;
  if (!ParseFlags(argc, argv, &opt)) {
    std::cerr << "usage: onnx_throughput_bench [--rounds=5] [--round-s=1.0] "
                 "[--outstanding=1,4] [--models=ppocr_rec,ppocr_det,"
                 "kws_hello_deepa] [--public-models-dir=DIR] "
                 "[--profile=host|embedded] [--threads=0] "
                 "[--spinning=on|off] [--make-cpu-models=PATH]\n";
    return 2;
  }
  // The daemon's info lines (spdlog's default logger writes to stdout) would
  // interleave with the results; warnings and errors still show.
  spdlog::set_level(spdlog::level::warn);
  // Under $TMPDIR, so a caller that may kill the bench (run.sh's timeout)
  // can point it at a directory it removes itself.
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/joule-onnx-bench.XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::cerr << tmpl << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  struct RemoveDir {
    std::string dir;
    ~RemoveDir() { std::filesystem::remove_all(dir); }
  } remove_dir{tmpl};
  Bench bench(opt);
  if (!bench.SetUp(remove_dir.dir) || !bench.RunRounds()) return 1;
  bench.PrintThroughput();
  bench.PrintPredictionError();
  bench.Shutdown();
  return 0;
}

}  // namespace
}  // namespace onnx_bench
}  // namespace joule

int main(int argc, char** argv) { return joule::onnx_bench::Main(argc, argv); }