#include "executors/cpu_onnx_executor.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "onnx/onnx_pb.h"
#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace joule {

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

DataType FromOnnxElemType(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT:
      return DataType::kFloat32;
    case onnx::TensorProto::FLOAT16:
      return DataType::kFloat16;
    case onnx::TensorProto::INT8:
      return DataType::kInt8;
    case onnx::TensorProto::UINT8:
      return DataType::kUint8;
    case onnx::TensorProto::INT32:
      return DataType::kInt32;
    case onnx::TensorProto::INT64:
      return DataType::kInt64;
    default:
      return DataType::kUnspecified;
  }
}

CpuOnnxTensorInfo InfoOf(const onnx::ValueInfoProto& v) {
  CpuOnnxTensorInfo info;
  info.name = v.name();
  if (!v.has_type() || !v.type().has_tensor_type()) return info;
  const onnx::TypeProto::Tensor& t = v.type().tensor_type();
  info.dtype = FromOnnxElemType(t.elem_type());
  if (!t.has_shape()) return info;
  info.rank_known = true;
  for (const onnx::TensorShapeProto::Dimension& d : t.shape().dim()) {
    info.shape.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value()
                                                                : -1);
  }
  return info;
}

std::string InfoString(const CpuOnnxTensorInfo& info) {
  return absl::StrCat(std::string(DataTypeName(info.dtype)), " ",
                      info.rank_known ? ShapeString(info.shape) : "[?]");
}

// Why OpenCV 4.6 would fuse this graph wrongly (see CpuOnnxFusion::kAuto);
// empty when it would not.
std::string FusionHazard(const onnx::GraphProto& g,
                         const std::vector<std::string>& sorted_weights) {
  std::vector<std::string> constants = sorted_weights;
  for (const onnx::NodeProto& n : g.node()) {
    if (n.op_type() == "Constant") {
      constants.insert(constants.end(), n.output().begin(), n.output().end());
    }
  }
  std::sort(constants.begin(), constants.end());
  auto computed = [&](const std::string& t) {
    return !std::binary_search(constants.begin(), constants.end(), t);
  };
  for (const onnx::NodeProto& n : g.node()) {
    const std::string label =
        absl::StrCat(n.op_type(), " '", n.name().empty() ? n.output(0) : n.name(),
                     "'");
    if ((n.op_type() == "MatMul" || n.op_type() == "Gemm") &&
        n.input_size() >= 2 && computed(n.input(0)) && computed(n.input(1))) {
      return absl::StrCat(label, " multiplies two computed tensors");
    }
    if (n.op_type() == "Pow") return absl::StrCat(label, " (opencv#22649)");
  }
  return "";
}

// The graph's real inputs (initializers listed as inputs, as IR < 4 writes
// them, are weights) and outputs, and whether fusion is safe.
absl::Status ReadGraph(const std::string& name, const std::string& bytes,
                       CpuOnnxModelInfo* info) {
  std::vector<CpuOnnxTensorInfo>* inputs = &info->inputs;
  std::vector<CpuOnnxTensorInfo>* outputs = &info->outputs;
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      !model.has_graph()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu_onnx cannot import model '", name, "': ",
                     bytes.size(), " bytes that are not an ONNX model"));
  }
  const onnx::GraphProto& g = model.graph();
  std::vector<std::string> weights;
  for (const onnx::TensorProto& t : g.initializer()) weights.push_back(t.name());
  std::sort(weights.begin(), weights.end());
  for (const onnx::ValueInfoProto& v : g.input()) {
    if (std::binary_search(weights.begin(), weights.end(), v.name())) continue;
    inputs->push_back(InfoOf(v));
  }
  for (const onnx::ValueInfoProto& v : g.output()) {
    outputs->push_back(InfoOf(v));
  }
  if (inputs->empty() || outputs->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cpu_onnx cannot import model '", name, "': the graph has ",
        inputs->size(), " inputs and ", outputs->size(), " outputs"));
  }
  info->fusion_note = FusionHazard(g, weights);
  return absl::OkStatus();
}

std::vector<int> CvDims(const std::vector<int64_t>& shape) {
  if (shape.empty()) return {1};  // a scalar as one element
  return std::vector<int>(shape.begin(), shape.end());
}

// A FLOAT32 tensor from one forward() output. When the graph declares a
// fully static shape with the same element count, that shape is used:
// OpenCV returns e.g. a rank-1 output as 2-D.
Tensor ToTensor(const std::string& name, const cv::Mat& out,
                const CpuOnnxTensorInfo* declared) {
  cv::Mat f;
  if (out.depth() == CV_32F && out.isContinuous()) {
    f = out;
  } else if (out.depth() == CV_32F) {
    f = out.clone();
  } else {
    out.convertTo(f, CV_32F);
  }
  Tensor t;
  t.name = name;
  t.dtype = DataType::kFloat32;
  for (int d = 0; d < f.dims; ++d) t.shape.push_back(f.size[d]);
  if (declared && declared->rank_known) {
    int64_t n = 1;
    bool fixed = true;
    for (int64_t d : declared->shape) {
      fixed = fixed && d > 0;
      n *= std::max<int64_t>(d, 1);
    }
    if (fixed && n == static_cast<int64_t>(f.total())) t.shape = declared->shape;
  }
  t.bytes.assign(reinterpret_cast<const char*>(f.data),
                 f.total() * f.elemSize());
  return t;
}

}  // namespace

CpuOnnxExecutor::CpuOnnxExecutor(Clock* clock, CpuOnnxExecutorOptions options)
    : clock_(clock), options_(std::move(options)) {
  if (options_.num_threads > 0) cv::setNumThreads(options_.num_threads);
  worker_ = std::thread([this] { WorkerMain(); });
}

CpuOnnxExecutor::~CpuOnnxExecutor() {
  DoneCallback cancelled;
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
    if (running_ && running_->cost_only && clock_->Cancel(running_->timer)) {
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
  if (absl::Status s = ReadGraph(name, onnx_bytes, &model->info); !s.ok()) {
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
  const std::string prefix = absl::StrCat("cpu_onnx cannot import model '",
                                          name, "': ");
  for (const CpuOnnxTensorInfo& in : model->info.inputs) {
    if (in.dtype != DataType::kFloat32) {
      return absl::FailedPreconditionError(absl::StrCat(
          prefix, "input '", in.name, "' is ", InfoString(in),
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
        model->net.setInput(
            cv::Mat(static_cast<int>(dims.size()), dims.data(), CV_32F,
                    cv::Scalar(0)),
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
      return absl::FailedPreconditionError(absl::StrCat(
          prefix, "OpenCV imports it but its warm-up run at ",
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
    return absl::Status(
        absl::ErrnoToStatusCode(errno),
        absl::StrCat("cpu_onnx: model '", name, "': ", path, ": ",
                     std::strerror(errno)));
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
    return absl::DataLossError(absl::StrCat("cpu_onnx: model '", name,
                                            "': short read from ", path));
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
  {
    absl::MutexLock l(&mu_);
    if (!(SimulatesLocally(req) && !running_ && queue_.empty() && !stop_)) {
      queue_.push_back(Job{req, std::move(done)});
      return;
    }
    // An idle device starts a cost-only job here, as SimulatedExecutor does,
    // so its completion is on the clock before Start() returns.
    StartCostOnlyLocked(req, std::move(done));
  }
  if (options_.on_job_started) options_.on_job_started(req.job_id);
}

void CpuOnnxExecutor::StartCostOnlyLocked(const ExecRequest& req,
                                          DoneCallback done) {
  Running r;
  r.job_id = req.job_id;
  r.seq = next_seq_++;
  r.since = clock_->Now();
  r.cost_only = true;
  r.predicted = std::max(req.predicted_time, Duration{0});
  r.predicted_energy_j = req.predicted_energy_j;
  r.done = std::move(done);
  const uint64_t seq = r.seq;
  const TimePoint due = r.since + r.predicted;
  running_ = std::move(r);
  // Holding mu_ across RunAt is safe: a Clock never runs a callback inside
  // RunAt on the caller's thread, and callbacks run without its lock.
  running_->timer = clock_->RunAt(due, [this, seq] { CompleteCostOnly(seq); });
}

void CpuOnnxExecutor::CompleteCostOnly(uint64_t seq) {
  DoneCallback done;
  ExecResult r;
  {
    absl::MutexLock l(&mu_);
    if (!running_ || running_->seq != seq) return;  // cancelled meanwhile
    busy_ += running_->predicted;
    r.measured_time = running_->predicted;
    r.energy_j = running_->predicted_energy_j;
    r.simulated = true;
    done = std::move(running_->done);
    running_.reset();  // the worker takes the next queued job
  }
  if (done) done(r);
}

bool CpuOnnxExecutor::Cancel(uint64_t job_id) {
  absl::MutexLock l(&mu_);
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Job& j) {
    return j.req.job_id == job_id;
  });
  if (it != queue_.end()) {
    queue_.erase(it);
    return true;
  }
  if (!running_ || running_->job_id != job_id || !running_->cost_only) {
    return false;  // a model runs to the end; finished or unknown
  }
  // False: the completion has started running and will call `done`.
  if (!clock_->Cancel(running_->timer)) return false;
  busy_ += std::clamp(clock_->Now() - running_->since, Duration{0},
                      running_->predicted);
  running_.reset();
  return true;
}

Duration CpuOnnxExecutor::BusyTime() const {
  absl::MutexLock l(&mu_);
  if (!running_) return busy_;
  Duration d = std::max(clock_->Now() - running_->since, Duration{0});
  if (running_->cost_only) d = std::min(d, running_->predicted);
  return busy_ + d;
}

size_t CpuOnnxExecutor::QueuedJobs() const {
  absl::MutexLock l(&mu_);
  return queue_.size();
}

bool CpuOnnxExecutor::WorkReadyLocked() const {
  return stop_ || (!queue_.empty() && !running_);
}

void CpuOnnxExecutor::WorkerMain() {
  for (;;) {
    Job job;
    std::deque<Job> cancelled;
    bool stopping = false;
    bool cost_only = false;
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(this, &CpuOnnxExecutor::WorkReadyLocked));
      if (stop_) {
        stopping = true;
        cancelled.swap(queue_);
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
        cost_only = SimulatesLocally(job.req);
        if (cost_only) {
          StartCostOnlyLocked(job.req, std::move(job.done));
        } else {
          Running r;
          r.job_id = job.req.job_id;
          r.seq = next_seq_++;
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
    if (options_.on_job_started) options_.on_job_started(job.req.job_id);
    if (cost_only) continue;  // its timer completes it
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

namespace {

// Checks the job's tensors against the model's inputs; on OK `*ordered` has
// one tensor per model input, in the model's order.
absl::Status MatchInputs(const std::string& model_name,
                         const std::vector<CpuOnnxTensorInfo>& want,
                         const std::vector<Tensor>& given,
                         std::vector<const Tensor*>* ordered) {
  std::vector<std::string> names;
  for (const CpuOnnxTensorInfo& w : want) names.push_back(w.name);
  const std::string expected =
      absl::StrCat("model '", model_name, "' takes ",
                   absl::StrJoin(want, ", ", [](std::string* out,
                                                const CpuOnnxTensorInfo& w) {
                     absl::StrAppend(out, "'", w.name, "' ", InfoString(w));
                   }));
  for (size_t i = 0; i < given.size(); ++i) {
    const std::string& n = given[i].name;
    if (std::find(names.begin(), names.end(), n) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown input '", n, "': ", expected));
    }
    for (size_t j = 0; j < i; ++j) {
      if (given[j].name == n) {
        return absl::InvalidArgumentError(
            absl::StrCat("input '", n, "' given twice"));
      }
    }
  }
  for (const CpuOnnxTensorInfo& w : want) {
    auto it = std::find_if(given.begin(), given.end(),
                           [&](const Tensor& t) { return t.name == w.name; });
    if (it == given.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing input '", w.name, "': ", expected));
    }
    if (it->dtype != DataType::kFloat32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", w.name, "' is ", std::string(DataTypeName(it->dtype)),
          "; cpu_onnx runs float32 inputs only"));
    }
    if (absl::Status s = it->Validate(); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("input '", w.name, "': ", s.message()));
    }
    bool match = !w.rank_known || w.shape.size() == it->shape.size();
    for (size_t d = 0; match && d < it->shape.size(); ++d) {
      const int64_t dim = it->shape[d];
      match = dim > 0 && dim <= INT_MAX &&
              (!w.rank_known || w.shape[d] < 0 || w.shape[d] == dim);
    }
    if (!match) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", w.name, "' has shape ", it->ShapeString(), "; model '",
          model_name, "' expects ", InfoString(w),
          " (-1: any positive size)"));
    }
    ordered->push_back(&*it);
  }
  return absl::OkStatus();
}

}  // namespace

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
      if (!t.bytes.empty()) std::memcpy(blob.data, t.bytes.data(), t.bytes.size());
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
    r.status = absl::InternalError(absl::StrCat(
        "cpu_onnx: model '", model->name, "' failed: ", e.what()));
  }
  r.measured_time = std::max(clock_->Now() - start, Duration{0});
  r.energy_j =
      options_.energy_for ? options_.energy_for(r.measured_time, req.pstate) : 0;
  r.simulated = false;
  return r;
}

}  // namespace joule
