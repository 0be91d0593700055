// onnx_throughput_bench: real CPU inference through jouled against OpenCV DNN
// called directly — same process, same models, same OpenCV thread pool, same
// run (bench/RESULTS.md, "Real CPU inference: jouled vs OpenCV DNN direct").
//
//   direct   cv::dnn::readNetFromONNX on the model's bytes, then in a loop:
//            copy the input into a cv::Mat, setInput, forward, copy the
//            outputs out (what CpuOnnxExecutor::RunModel does per job).
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
// Models: those of tests/cpu_onnx/make_cpu_models.py (tiny), plus two
// generated here with /usr/bin/python3 + onnx + numpy so that one inference
// takes far longer than one RPC: `convnet` (four 3x3 conv layers on
// 1x3x128x128, ~0.46 GFLOP) and `gemm` ([256,1024] x [1024,1024], ~0.54
// GFLOP, 1 MiB in and out). By default the cpu0 profile is first rewritten
// with this host's measured peak FP32 and memory bandwidth (as `jouled
// --calibrate` does), so BEFORE is this host's roofline, not the RK3588's.
//
// Not a CTest test (bench/CMakeLists.txt). Single-threaded driver; gRPC
// callbacks run on gRPC's threads and hand results over under a mutex.
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "executors/cpu_onnx_executor.h"
#include "devices/calibrated_profile.h"
#include "grpcpp/grpcpp.h"
#include "joule/v1/scheduler.grpc.pb.h"
#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"
#include "server/daemon.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

using Steady = std::chrono::steady_clock;

double Since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

// CPU time of the whole process so far (every thread: the bench's, OpenCV's
// pool, the executor's worker, gRPC's), user + system.
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
  std::vector<std::string> models = {"mlp", "cnn", "transformer_bcast",
                                     "convnet", "gemm"};
  bool calibrate_host = true;  // false: the embedded RK3588 profile
  int threads = 0;             // cv::setNumThreads; 0: OpenCV's default
  std::string make_cpu_models = JOULE_MAKE_CPU_MODELS_PY;
};

std::vector<std::string> SplitCsv(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

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

// ---- Models -----------------------------------------------------------------

// Writes convnet and gemm (NAME.onnx, NAME.input.bin, NAME.meta) into argv[1].
constexpr char kBigModelsPy[] = R"PY(
import os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
out = sys.argv[1]
rng = np.random.default_rng(5)
def init(name, a):
    return numpy_helper.from_array(np.asarray(a, np.float32), name)
def he(shape, fan_in):
    scale = np.sqrt(2.0 / fan_in)
    return (rng.standard_normal(shape) * scale).astype(np.float32)
def save(name, nodes, x_shape, y_shape, inits):
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="joule onnx_throughput_bench")
    onnx.checker.check_model(m)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())
    rng.standard_normal(x_shape).astype("<f4").tofile(
        os.path.join(out, name + ".input.bin"))
    with open(os.path.join(out, name + ".meta"), "w") as f:
        f.write("input x %s\n" % ",".join(map(str, x_shape)))
        f.write("output y %s\n" % ",".join(map(str, y_shape)))
mk = helper.make_node
conv = lambda i, o, w, s=1: mk("Conv", [i, w, w + "b"], [o], name=o,
    kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[s, s])
nodes, inits, c_in = [], [], 3
for k, (c, s) in enumerate([(32, 2), (64, 1), (128, 1), (256, 1)]):
    inits += [init("w%d" % k, he([c, c_in, 3, 3], c_in * 9)),
              init("w%db" % k, np.zeros(c))]
    nodes += [conv("x" if k == 0 else "h%d" % (k - 1), "c%d" % k, "w%d" % k, s),
              mk("Relu", ["c%d" % k], ["r%d" % k], name="r%d" % k)]
    nodes += [mk("MaxPool", ["r%d" % k], ["h%d" % k], name="p%d" % k,
                 kernel_shape=[2, 2], strides=[2, 2])] if k in (1, 2) else \
             [mk("Identity", ["r%d" % k], ["h%d" % k], name="h%d" % k)]
    c_in = c
nodes += [mk("GlobalAveragePool", ["h3"], ["g"], name="gap"),
          mk("Flatten", ["g"], ["f"], name="flatten", axis=1),
          mk("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)]
inits += [init("fw", he([1000, 256], 256)), init("fb", np.zeros(1000))]
save("convnet", nodes, [1, 3, 128, 128], [1, 1000], inits)
save("gemm", [mk("MatMul", ["x", "w"], ["m"], name="mm"),
              mk("Add", ["m", "b"], ["y"], name="bias")],
     [256, 1024], [256, 1024],
     [init("w", he([1024, 1024], 1024)), init("b", np.zeros(1024))])
)PY";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Model {
  std::string name;
  std::string bytes;            // the ONNX file
  v1::Tensor input;             // FLOAT32, from NAME.input.bin
  std::vector<float> expected;  // numpy's output (cpu_onnx models only)
  v1::ModelInfo info;           // as RegisterModel answered
  v1::SubmitRequest request;
  cv::dnn::Net net;  // the direct path's own net
  std::vector<cv::String> out_names;
};

bool LoadModelFiles(const std::string& dir, Model* m) {
  m->bytes = ReadFile(dir + "/" + m->name + ".onnx");
  std::istringstream meta(ReadFile(dir + "/" + m->name + ".meta"));
  std::string kind, tensor, dims;
  while (meta >> kind >> tensor >> dims) {
    if (kind != "input") continue;
    m->input.set_name(tensor);
    m->input.set_dtype(v1::DATA_TYPE_FLOAT32);
    for (const std::string& d : SplitCsv(dims))
      m->input.add_shape(std::stoll(d));
    m->input.set_data(ReadFile(dir + "/" + m->name + ".input.bin"));
  }
  const std::string expected = ReadFile(dir + "/" + m->name + ".expected.bin");
  m->expected.resize(expected.size() / sizeof(float));
  std::memcpy(m->expected.data(), expected.data(),
              m->expected.size() * sizeof(float));
  return !m->bytes.empty() && !m->input.name().empty();
}

// ---- The direct path --------------------------------------------------------

// One inference as CpuOnnxExecutor::RunModel does it: input bytes into a
// cv::Mat, setInput, forward, outputs copied out as bytes.
std::string DirectInference(Model* m) {
  std::vector<int> dims(m->input.shape().begin(), m->input.shape().end());
  cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F);
  std::memcpy(blob.data, m->input.data().data(), m->input.data().size());
  m->net.setInput(blob, m->input.name());
  std::vector<cv::Mat> outs;
  m->net.forward(outs, m->out_names);
  std::string bytes;
  for (const cv::Mat& o : outs) {
    const cv::Mat c = o.isContinuous() ? o : o.clone();
    bytes.append(reinterpret_cast<const char*>(c.data),
                 c.total() * c.elemSize());
  }
  return bytes;
}

// Mode results of one round.
struct RoundResult {
  double inferences_per_s = 0;
  double cpu_s_per_inference = 0;  // process CPU time / inferences
  std::vector<double> latency_s;   // per inference / per call
};

RoundResult RunDirect(Model* m, double seconds) {
  RoundResult r;
  const Steady::time_point t0 = Steady::now();
  size_t n = 0;
  for (;;) {
    const Steady::time_point t = Steady::now();
    DirectInference(m);
    r.latency_s.push_back(Since(t));
    ++n;
    if (Since(t0) >= seconds) break;
  }
  r.inferences_per_s = n / Since(t0);
  return r;
}

// ---- The jouled path: a closed loop of `outstanding` Submit calls -----------

// What one completed job said about itself.
struct JobSample {
  double latency_s = 0;   // client: Submit sent to answer received
  double measured_s = 0;  // the executor's run (JobResult.measured_time_s)
  double queue_s = 0;
  double predicted_s = 0;  // the calibrated prediction placement used
  int pstate = 0;
  v1::Precision precision = v1::PRECISION_UNSPECIFIED;
};

class ClosedLoop {
 public:
  ClosedLoop(v1::Scheduler::Stub* stub, const v1::SubmitRequest* req,
             int outstanding)
      : stub_(stub), req_(req), slots_(outstanding) {}

  // Keeps every slot busy until `seconds` have passed, then waits for the
  // calls in flight. False (with error()) if any call failed.
  bool Run(double seconds) {
    t0_ = Steady::now();
    deadline_ = t0_ + std::chrono::duration_cast<Steady::duration>(
                          std::chrono::duration<double>(seconds));
    {
      std::lock_guard<std::mutex> l(mu_);
      active_ = static_cast<int>(slots_.size());
    }
    for (size_t i = 0; i < slots_.size(); ++i) Start(i);
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return active_ == 0; });
    elapsed_s_ = std::chrono::duration<double>(last_done_ - t0_).count();
    return error_.empty();
  }
  const std::vector<JobSample>& samples() const { return samples_; }
  double elapsed_s() const { return elapsed_s_; }
  const std::string& error() const { return error_; }
  const v1::JobResult& first_result() const { return first_; }

 private:
  struct Slot {
    std::unique_ptr<grpc::ClientContext> ctx;
    v1::JobResult resp;
    Steady::time_point sent;
  };

  void Start(size_t i) {
    Slot& s = slots_[i];
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.resp.Clear();
    s.sent = Steady::now();
    stub_->async()->Submit(s.ctx.get(), req_, &s.resp,
                           [this, i](grpc::Status st) { Done(i, st); });
  }

  // On a gRPC thread; the call is over, so its context may be replaced.
  void Done(size_t i, const grpc::Status& st) {
    Slot& s = slots_[i];
    const Steady::time_point now = Steady::now();
    bool again = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!st.ok() || s.resp.outputs_size() == 0) {
        if (error_.empty()) {
          error_ = st.ok() ? "a completed job carried no outputs"
                           : st.error_message();
        }
      } else {
        if (samples_.empty()) first_ = s.resp;
        JobSample j;
        j.latency_s = std::chrono::duration<double>(now - s.sent).count();
        j.measured_s = s.resp.measured_time_s();
        j.queue_s = s.resp.queue_time_s();
        j.predicted_s = s.resp.predicted_time_s();
        j.pstate = s.resp.pstate();
        j.precision = s.resp.precision();
        samples_.push_back(j);
      }
      last_done_ = now;
      again = error_.empty() && now < deadline_;
      if (!again) --active_;
    }
    if (again) {
      Start(i);
    } else {
      cv_.notify_all();
    }
  }

  v1::Scheduler::Stub* const stub_;
  const v1::SubmitRequest* const req_;
  std::vector<Slot> slots_;
  Steady::time_point t0_, deadline_;
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  Steady::time_point last_done_;
  std::vector<JobSample> samples_;
  v1::JobResult first_;
  std::string error_;
  double elapsed_s_ = 0;
};

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

int Shell(const std::string& cmd) {
  std::cout << "$ " << cmd << std::endl;
  return std::system(cmd.c_str());
}

// Writes a policy whose profile has this host's measured cpu0 numbers;
// returns its path, or "" on failure.
std::string HostCalibratedPolicy(const std::string& dir) {
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
  const std::string policy = dir + "/policy.yaml";
  std::ofstream(policy) << "devices:\n  profile: \"" << profile << "\"\n";
  return policy;
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
  CpuOnnxExecutor* executor_ = nullptr;  // cpu0's, owned by the daemon
  std::unique_ptr<v1::Scheduler::Stub> stub_;
  std::vector<std::unique_ptr<Model>> models_;
  // [model][mode]: one result per round; every timed jouled job.
  std::map<std::string, std::map<std::string, std::vector<RoundResult>>> res_;
  std::map<std::string, std::map<std::string, std::vector<JobSample>>> jobs_;
};

bool Bench::SetUp(const std::string& dir) {
  std::cout << "== models (generated into " << dir << ")\n";
  if (Shell("/usr/bin/python3 " + opt_.make_cpu_models + " " + dir) != 0) {
    return false;
  }
  std::ofstream(dir + "/big_models.py") << kBigModelsPy;
  if (Shell("/usr/bin/python3 " + dir + "/big_models.py " + dir) != 0) {
    return false;
  }
  DaemonOptions dopt;
  if (opt_.calibrate_host) {
    dopt.policy_path = HostCalibratedPolicy(dir);
    if (dopt.policy_path.empty()) return false;
  }
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
  for (const auto& d : daemon_->devices()) {
    if (d->name() == "cpu0") {
      executor_ = dynamic_cast<CpuOnnxExecutor*>(&d->executor());
    }
  }
  if (executor_ == nullptr) {
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
  if (!LoadModelFiles(dir, m.get())) {
    std::cerr << name << ": no such generated model\n";
    return false;
  }
  v1::RegisterModelRequest reg;
  reg.set_name(name);
  reg.set_onnx(m->bytes);
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
  absl::StatusOr<CpuOnnxModelInfo> info = executor_->Info(name);
  if (!info.ok()) {
    std::cerr << info.status() << "\n";
    return false;
  }
  std::vector<float> direct_out;
  try {
    m->net = cv::dnn::readNetFromONNX(m->bytes.data(), m->bytes.size());
    m->net.enableFusion(info->fusion);  // as the executor decided
    for (const CpuOnnxTensorInfo& o : info->outputs) {
      m->out_names.push_back(o.name);
    }
    for (int i = 0; i < 3; ++i) DirectInference(m.get());
    const std::string bytes = DirectInference(m.get());
    direct_out.resize(bytes.size() / sizeof(float));
    std::memcpy(direct_out.data(), bytes.data(), bytes.size());
  } catch (const cv::Exception& e) {
    std::cerr << name << ": OpenCV: " << e.what() << "\n";
    return false;
  }
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
            << " MFLOP (analysed), " << m->input.data().size()
            << " B in, fusion " << (info->fusion ? "on" : "off")
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
            << " s per model and mode; OpenCV threads " << cv::getNumThreads()
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
               "JobResult.measured_time_s, the executor's setInput+forward+"
               "copy on its worker thread; rest p50 = median of client "
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
  std::cout << "(prec = the precision the cost model predicted at (OpenCV "
               "runs FP32 regardless); analytic s = ListModels' roofline "
               "prediction for cpu0 at that P-state; BEFORE = measured / "
               "analytic; AFTER = measured / JobResult.predicted_time_s, the "
               "calibrated prediction placement used, which is what "
               "joule_prediction_error_ratio observes; calibration state = "
               "the learnt factor exp(l), samples accepted / rejected as "
               "outliers, warm-up jobs included)\n";
}

int Main(int argc, char** argv) {
  Options opt;
  if (!ParseFlags(argc, argv, &opt)) {
    std::cerr << "usage: onnx_throughput_bench [--rounds=5] [--round-s=1.0] "
                 "[--outstanding=1,4] [--models=mlp,cnn,transformer_bcast,"
                 "convnet,gemm] [--profile=host|embedded] [--threads=0] "
                 "[--make-cpu-models=PATH]\n";
    return 2;
  }
  // The daemon's info lines (spdlog's default logger writes to stdout) would
  // interleave with the results; warnings and errors still show.
  spdlog::set_level(spdlog::level::warn);
  // Process-wide: the direct nets and the daemon's executor share the pool.
  if (opt.threads > 0) cv::setNumThreads(opt.threads);
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
}  // namespace joule

int main(int argc, char** argv) { return joule::Main(argc, argv); }
