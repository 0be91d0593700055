// onnx_throughput_bench's parts (bench/onnx_throughput_bench.cc has what it
// measures and how): the models both paths run, the direct path
// (onnx_bench_models.cc: ONNX Runtime called in-process) and the jouled path
// (onnx_bench_closed_loop.cc: a closed loop of Submit calls over loopback).
//
// Not thread-safe: one driver thread uses them, except that ClosedLoop's
// gRPC callbacks run on gRPC's threads and hand results over under its mutex.
#ifndef JOULE_BENCH_ONNX_BENCH_H_
#define JOULE_BENCH_ONNX_BENCH_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "executors/onnxruntime/ort_session.h"
#include "grpcpp/grpcpp.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule {
namespace onnx_bench {

using Steady = std::chrono::steady_clock;

// "1,4" -> {"1", "4"}; empty parts are dropped.
std::vector<std::string> SplitCsv(const std::string& s);

// ---- Models and the direct path (onnx_bench_models.cc) ---------------------

struct Model {
  std::string name;
  std::string bytes;            // the ONNX file
  v1::Tensor input;             // FLOAT32, from NAME.input.bin
  std::vector<float> expected;  // numpy's output (reference models only)
  bool fixed_shape = false;     // register with the input's shape
  v1::ModelInfo info;           // as RegisterModel answered
  v1::SubmitRequest request;
  // The direct path's own session, with the daemon's session options, and
  // its input as a joule Tensor.
  std::unique_ptr<OrtSession> session;
  std::vector<Tensor> inputs;
};

// Generates the models into `dir`: runs `make_cpu_models_py`
// (tests/reference_models/make_reference_models.py) and the generator of
// convnet and gemm with /usr/bin/python3, echoing each command; false if either
// fails.
bool GenerateModels(const std::string& dir,
                    const std::string& make_cpu_models_py);

// Reads m->name's generated files in `dir` into bytes, input and expected;
// false if the model or its input is missing.
bool LoadModelFiles(const std::string& dir, Model* m);

// The public models (fetched exports, not generated), each with the input
// shape the bench runs it at:
//   ppocr_rec        PaddleOCR PP-OCRv4 text recognition, x [1,3,48,320]
//   ppocr_det        PaddleOCR PP-OCRv4 text detection, x [1,3,480,480]
//   kws_hello_deepa  an openWakeWord keyword head, [1,25,96] embeddings
bool IsPublicModel(const std::string& name);
// Reads `dir`/NAME.onnx and makes its input (FLOAT32, values in [0, 1) from
// a fixed-seed generator); false if the file is not there.
bool LoadPublicModel(const std::string& dir, Model* m);

// One inference as a user calling ONNX Runtime does it: OrtSession::Run on
// the input, the outputs read in place (nothing copied); empty on a failed
// run.
std::vector<Tensor> DirectInference(Model* m);
// The outputs' bytes, concatenated.
std::string Concat(const std::vector<Tensor>& outputs);

// Mode results of one round.
struct RoundResult {
  double inferences_per_s = 0;
  double cpu_s_per_inference = 0;  // process CPU time / inferences
  std::vector<double> latency_s;   // per inference / per call
};

// Direct inferences one after another for `seconds` (at least one).
RoundResult RunDirect(Model* m, double seconds);

// ---- The jouled path (onnx_bench_closed_loop.cc) ---------------------------

// What one completed job said about itself.
struct JobSample {
  double latency_s = 0;   // client: Submit sent to answer received
  double measured_s = 0;  // the executor's run (JobResult.measured_time_s)
  double queue_s = 0;
  double predicted_s = 0;  // the calibrated prediction placement used
  int pstate = 0;
  v1::Precision precision = v1::PRECISION_UNSPECIFIED;
};

// A closed loop of `outstanding` Submit calls of one request.
class ClosedLoop {
 public:
  ClosedLoop(v1::Scheduler::Stub* stub, const v1::SubmitRequest* req,
             int outstanding)
      : stub_(stub), req_(req), slots_(outstanding) {}

  // Keeps every slot busy until `seconds` have passed, then waits for the
  // calls in flight. False (with error()) if any call failed.
  bool Run(double seconds);
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

  void Start(size_t i);

  // On a gRPC thread; the call is over, so its context may be replaced.
  void Done(size_t i, const grpc::Status& st);

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

}  // namespace onnx_bench
}  // namespace joule

#endif  // JOULE_BENCH_ONNX_BENCH_H_
