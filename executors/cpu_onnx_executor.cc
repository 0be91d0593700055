#include "executors/cpu_onnx_executor.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "executors/cpu_onnx_io.h"
#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace joule {

using cpu_onnx_internal::CvDims;
using cpu_onnx_internal::InfoString;
using cpu_onnx_internal::MatchInputs;
using cpu_onnx_internal::ReadModelGraph;
using cpu_onnx_internal::ToTensor;

struct CpuOnnxExecutor::Model {
  std::string name;
  size_t bytes_size = 0;
  size_t bytes_hash = 0;  // with bytes_size, tells a reload of the same file
  CpuOnnxModelInfo info;
  // What forward() is asked for: the graph's output names, or OpenCV's
  // unconnected output layers when those are what it answers to.
  std::vector<cv::String> forward_names;
  // Only the worker thread touches it once the model is published (before
  // that, only LoadModel's thread).
  cv::dnn::Net net;
};

namespace {

// OpenCV's messages span lines ("> > (expected: ...)"); one line reads better
// in a Status and a log.
std::string OneLine(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (c == '>' && (out.empty() || space)) continue;  // quoting markers
    if (space) out += ' ';
    space = false;
    out += c;
  }
  constexpr size_t kMax = 800;
  if (out.size() > kMax) out = out.substr(0, kMax) + "...";
  return out;
}

std::string CvMessage(const cv::Exception& e) {
  std::string msg = OneLine(e.err);
  if (!e.func.empty()) absl::StrAppend(&msg, " (in ", e.func, ")");
  return msg;
}

}  // namespace

CpuOnnxExecutor::CpuOnnxExecutor(Clock* clock, CpuOnnxExecutorOptions options)
    : clock_(clock), options_(std::move(options)), sim_(clock) {
  if (options_.num_threads > 0) cv::setNumThreads(options_.num_threads);
  worker_ = std::thread([this] { WorkerMain(); });
}

CpuOnnxExecutor::~CpuOnnxExecutor() {
  DoneCallback cancelled;
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
    // The worker may be handing a cost-only job to sim_: let it arrive there.
    mu_.Await(absl::Condition(this, &CpuOnnxExecutor::NotHandingOverLocked));
    if (running_ && running_->cost_only && sim_.Cancel(running_->job_id)) {
      cancelled = std::move(running_->done);
      running_.reset();
    }
  }
  if (cancelled) {  // before the join: it may Start() a job the worker fails
    ExecResult r;
    r.status = absl::CancelledError(
        "cpu_onnx executor shut down while the cost-only job was running");
    cancelled(r);
  }
  worker_.join();
}

absl::Status CpuOnnxExecutor::LoadModel(const std::string& name,
                                        const std::string& onnx_bytes) {
  if (name.empty()) {
    return absl::InvalidArgumentError("cpu_onnx: a model needs a name");
  }
  const size_t hash = std::hash<std::string_view>()(onnx_bytes);
  auto loaded_check = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = models_.find(name);
    if (it == models_.end()) return absl::NotFoundError("");
    if (it->second->bytes_size == onnx_bytes.size() &&
        it->second->bytes_hash == hash) {
      return absl::OkStatus();
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "cpu_onnx: model '", name,
        "' is already loaded from different bytes; unload it first"));
  };
  {
    absl::MutexLock l(&mu_);
    if (absl::Status s = loaded_check(); !absl::IsNotFound(s)) return s;
  }

  auto model = std::make_shared<Model>();
  model->name = name;
  model->bytes_size = onnx_bytes.size();
  model->bytes_hash = hash;
  if (absl::Status s = ReadModelGraph(name, onnx_bytes, &model->info);
      !s.ok()) {
    return s;
  }
  switch (options_.fusion) {
    case CpuOnnxFusion::kAuto:
      model->info.fusion = model->info.fusion_note.empty();
      break;
    case CpuOnnxFusion::kOn:
      model->info.fusion = true;
      model->info.fusion_note.clear();
      break;
    case CpuOnnxFusion::kOff:
      model->info.fusion = false;
      model->info.fusion_note = "fusion off by option";
      break;
  }
  const std::string prefix =
      absl::StrCat("cpu_onnx cannot import model '", name, "': ");
  for (const CpuOnnxTensorInfo& in : model->info.inputs) {
    if (in.dtype != DataType::kFloat32) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "input '", in.name, "' is ", InfoString(in),
                       "; cpu_onnx feeds float32 inputs only"));
    }
  }
  try {
    model->net = cv::dnn::readNetFromONNX(onnx_bytes.data(), onnx_bytes.size());
  } catch (const cv::Exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, CvMessage(e)));
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, e.what()));
  }
  if (model->net.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(prefix, "OpenCV returned an empty network"));
  }
  model->net.enableFusion(model->info.fusion);
  for (const CpuOnnxTensorInfo& out : model->info.outputs) {
    model->forward_names.push_back(out.name);
  }

  const bool shapes_known =
      std::all_of(model->info.inputs.begin(), model->info.inputs.end(),
                  [](const CpuOnnxTensorInfo& i) { return i.rank_known; });
  if (options_.warm_up_on_load && shapes_known) {
    std::vector<std::string> shapes;
    std::vector<cv::Mat> outs;
    try {
      for (const CpuOnnxTensorInfo& in : model->info.inputs) {
        std::vector<int64_t> shape = in.shape;
        for (int64_t& d : shape) d = std::max<int64_t>(d, 1);
        shapes.push_back(absl::StrCat(in.name, "=", ShapeString(shape)));
        const std::vector<int> dims = CvDims(shape);
        model->net.setInput(cv::Mat(static_cast<int>(dims.size()), dims.data(),
                                    CV_32F, cv::Scalar(0)),
                            in.name);
      }
      try {
        model->net.forward(outs, model->forward_names);
      } catch (const cv::Exception&) {
        // Some graphs answer only to OpenCV's own names for their output
        // layers; use those when there are as many.
        std::vector<cv::String> alt = model->net.getUnconnectedOutLayersNames();
        if (alt.size() != model->forward_names.size()) throw;
        model->net.forward(outs, alt);
        model->forward_names = alt;
      }
    } catch (const cv::Exception& e) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "OpenCV imports it but its warm-up run at ",
                       absl::StrJoin(shapes, " "), " fails: ", CvMessage(e)));
    } catch (const std::exception& e) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "warm-up run failed: ", e.what()));
    }
  }

  absl::MutexLock l(&mu_);
  if (absl::Status s = loaded_check(); !absl::IsNotFound(s)) return s;
  models_.emplace(name, std::move(model));
  return absl::OkStatus();
}

absl::Status CpuOnnxExecutor::LoadModelFromFile(const std::string& name,
                                                const std::string& path) {
  constexpr std::streamoff kMaxBytes = std::streamoff{1} << 30;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return absl::Status(absl::ErrnoToStatusCode(errno),
                        absl::StrCat("cpu_onnx: model '", name, "': ", path,
                                     ": ", std::strerror(errno)));
  }
  const std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu_onnx: model '", name, "': ", path,
                     " is not a regular file of at most 1 GiB"));
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) {
    return absl::DataLossError(
        absl::StrCat("cpu_onnx: model '", name, "': short read from ", path));
  }
  return LoadModel(name, bytes);
}

void CpuOnnxExecutor::UnloadModel(const std::string& name) {
  absl::MutexLock l(&mu_);
  models_.erase(name);  // a running job holds its own reference
}

bool CpuOnnxExecutor::Supports(const std::string& name) const {
  absl::MutexLock l(&mu_);
  return models_.count(name) > 0;
}

bool CpuOnnxExecutor::SupportsModel(const std::string& model) const {
  if (model.empty()) return options_.simulate_cost_only_jobs;
  return Supports(model);
}

std::vector<std::string> CpuOnnxExecutor::Models() const {
  absl::MutexLock l(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, m] : models_) names.push_back(name);
  return names;
}

absl::StatusOr<CpuOnnxModelInfo> CpuOnnxExecutor::Info(
    const std::string& name) const {
  absl::MutexLock l(&mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    return absl::NotFoundError(
        absl::StrCat("cpu_onnx: model '", name, "' is not loaded"));
  }
  return it->second->info;
}

void CpuOnnxExecutor::Start(const ExecRequest& req, DoneCallback done) {
  uint64_t seq;
  {
    absl::MutexLock l(&mu_);
    if (!(SimulatesLocally(req) && !running_ && queue_.empty() && !stop_)) {
      queue_.push_back(Job{req, std::move(done)});
      return;
    }
    // An idle device hands a cost-only job over here, so its completion is
    // on the clock before Start() returns, as with SimulatedExecutor.
    seq = ClaimForCostOnlyLocked(req.job_id, std::move(done));
  }
  HandOver(req, seq);
}

uint64_t CpuOnnxExecutor::ClaimForCostOnlyLocked(uint64_t job_id,
                                                 DoneCallback done) {
  Running r;
  r.job_id = job_id;
  r.seq = next_seq_++;
  r.cost_only = true;
  r.handing_over = true;
  r.done = std::move(done);
  running_ = std::move(r);
  return running_->seq;
}

void CpuOnnxExecutor::HandOver(const ExecRequest& req, uint64_t seq) {
  // Without mu_ held: sim_ completes a job of no predicted time inside
  // Start(), and CostOnlyDone takes mu_.
  sim_.Start(req, [this, seq](const ExecResult& r) { CostOnlyDone(seq, r); });
  {
    absl::MutexLock l(&mu_);
    if (running_ && running_->seq == seq) running_->handing_over = false;
  }
  if (options_.on_job_started) options_.on_job_started(req.job_id);
}

void CpuOnnxExecutor::CostOnlyDone(uint64_t seq, const ExecResult& result) {
  DoneCallback done;
  {
    absl::MutexLock l(&mu_);
    if (!running_ || running_->seq != seq) {
      // A broken invariant: sim_ completes only the job it was handed, and
      // never one it cancelled.
      std::fprintf(stderr,
                   "CpuOnnxExecutor: a cost-only completion for a job that "
                   "is not running\n");
      std::abort();
    }
    done = std::move(running_->done);
    running_.reset();  // the worker takes the next queued job
  }
  if (done) done(result);
}

bool CpuOnnxExecutor::Cancel(uint64_t job_id) {
  absl::MutexLock l(&mu_);
  // A cost-only job on its way to sim_ is cancelled there once it arrives.
  mu_.Await(absl::Condition(this, &CpuOnnxExecutor::NotHandingOverLocked));
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [&](const Job& j) { return j.req.job_id == job_id; });
  if (it != queue_.end()) {
    queue_.erase(it);
    return true;
  }
  if (!running_ || running_->job_id != job_id || !running_->cost_only) {
    return false;  // a model runs to the end; finished or unknown
  }
  // False: sim_ has begun completing it, and CostOnlyDone will call `done`.
  if (!sim_.Cancel(job_id)) return false;
  running_.reset();
  return true;
}

Duration CpuOnnxExecutor::BusyTime() const {
  Duration models{0};
  {
    absl::MutexLock l(&mu_);
    models = busy_;
    if (running_ && !running_->cost_only) {
      models += std::max(clock_->Now() - running_->since, Duration{0});
    }
  }
  return models + sim_.BusyTime();
}

size_t CpuOnnxExecutor::QueuedJobs() const {
  absl::MutexLock l(&mu_);
  return queue_.size();
}

bool CpuOnnxExecutor::WorkReadyLocked() const {
  return stop_ || (!queue_.empty() && !running_);
}

bool CpuOnnxExecutor::NotHandingOverLocked() const {
  return !running_ || !running_->handing_over;
}

void CpuOnnxExecutor::WorkerMain() {
  for (;;) {
    Job job;
    std::deque<Job> cancelled;
    bool stopping = false;
    std::optional<uint64_t> cost_only_seq;
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(this, &CpuOnnxExecutor::WorkReadyLocked));
      if (stop_) {
        stopping = true;
        cancelled.swap(queue_);
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
        if (SimulatesLocally(job.req)) {
          cost_only_seq =
              ClaimForCostOnlyLocked(job.req.job_id, std::move(job.done));
        } else {
          Running r;
          r.job_id = job.req.job_id;
          r.since = clock_->Now();
          running_ = std::move(r);
        }
      }
    }
    if (stopping) {
      if (cancelled.empty()) return;
      ExecResult r;
      r.status = absl::CancelledError(
          "cpu_onnx executor shut down before the job started");
      for (Job& j : cancelled) {
        if (j.done) j.done(r);
      }
      continue;  // a `done` may have started another job: fail it too
    }
    if (cost_only_seq) {
      HandOver(job.req, *cost_only_seq);  // sim_ completes it
      continue;
    }
    if (options_.on_job_started) options_.on_job_started(job.req.job_id);
    ExecResult result = RunJob(job.req);
    {
      absl::MutexLock l(&mu_);
      busy_ += std::max(clock_->Now() - running_->since, Duration{0});
      running_.reset();
    }
    if (job.done) job.done(result);
  }
}

ExecResult CpuOnnxExecutor::RunJob(const ExecRequest& req) {
  if (req.model.empty()) {
    ExecResult r;
    r.status = absl::FailedPreconditionError(
        "cpu_onnx runs models: the job names none (it has only a cost)");
    return r;
  }
  std::shared_ptr<Model> model;
  {
    absl::MutexLock l(&mu_);
    auto it = models_.find(req.model);
    if (it != models_.end()) model = it->second;
  }
  if (!model) {
    ExecResult r;
    r.status = absl::FailedPreconditionError(
        absl::StrCat("cpu_onnx: model '", req.model, "' is not loaded"));
    return r;
  }
  return RunModel(req, model.get());
}
ExecResult CpuOnnxExecutor::RunModel(const ExecRequest& req, Model* model) {
  ExecResult r;
  std::vector<const Tensor*> inputs;
  if (absl::Status s =
          MatchInputs(model->name, model->info.inputs, req.inputs, &inputs);
      !s.ok()) {
    r.status = s;
    return r;
  }
  const TimePoint start = clock_->Now();
  try {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& t = *inputs[i];
      const std::vector<int> dims = CvDims(t.shape);
      cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F);
      if (!t.bytes.empty())
        std::memcpy(blob.data, t.bytes.data(), t.bytes.size());
      model->net.setInput(blob, model->info.inputs[i].name);
    }
    std::vector<cv::Mat> outs;
    model->net.forward(outs, model->forward_names);
    for (size_t i = 0; i < outs.size(); ++i) {
      const CpuOnnxTensorInfo* declared =
          i < model->info.outputs.size() ? &model->info.outputs[i] : nullptr;
      const std::string name =
          declared ? declared->name : std::string(model->forward_names[i]);
      r.outputs.push_back(ToTensor(name, outs[i], declared));
    }
  } catch (const cv::Exception& e) {
    r.outputs.clear();
    r.status = absl::InternalError(absl::StrCat(
        "cpu_onnx: model '", model->name, "' failed: ", CvMessage(e)));
  } catch (const std::exception& e) {
    r.outputs.clear();
    r.status = absl::InternalError(
        absl::StrCat("cpu_onnx: model '", model->name, "' failed: ", e.what()));
  }
  r.measured_time = std::max(clock_->Now() - start, Duration{0});
  r.energy_j = options_.energy_for
                   ? options_.energy_for(r.measured_time, req.pstate)
                   : 0;
  r.simulated = false;
  return r;
}

}  // namespace joule
