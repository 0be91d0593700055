// submit_copies_bench: heap allocations and bulk byte copies per Submit of a
// model job, on the pieces a Submit goes through in jouled, driven directly
// in one process (no gRPC): the request parsed from its wire bytes onto an
// arena, as gRPC does (stage "parse"); SpecFromProto → Scheduler::Enqueue →
// ModelExecutor → OrtRuntime (ONNX Runtime) → the DoneCallback's
// JobInfoToProto into the reply on the same arena (stage "joule"); the reply
// serialised, as gRPC does (stage "serialize"). Not included: the service's
// SubmitArenaHolder and SubmitReactor (one allocation each) and gRPC's own
// buffers.
//
// Counting: this binary replaces the global operator new/delete (calls and
// bytes of every new, on any thread, while a stage runs) and memcpy/memmove
// (calls of at least kBulkBytes = 2 KiB and their bytes: the tensor copies;
// ONNX Runtime's and the libraries' calls included, since the executable's
// definitions interpose on theirs). ONNX Runtime allocates its own buffers
// with posix_memalign, which is not counted. A check row copies a 1 MiB
// string first, so a count that stopped working shows.
//
// Models (generated at run time with /usr/bin/python3 + onnx + numpy): a
// 1x3x224x224 float32 input (588 KiB) into
//   cls224      conv + pool + FC, output [1,1000] (3.9 KiB);
//   map224      one conv, output [1,16,224,224] (3.06 MiB), static shape;
//   map224_dyn  the same with a dynamic batch dim (run with 1).
// Also reported: whether the model saw the request's own input buffer
// (borrowed) and whether the reply holds the buffer the model returned.
//
// Usage: submit_copies_bench [--benchmark_min_time=0.5] (bench/run.sh runs
// it; RESULTS.md, "Copies and allocations per Submit").
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "api/proto_convert.h"
#include "benchmark/benchmark.h"
#include "core/clock.h"
#include "devices/device.h"
#include "devices/profile_loader.h"
#include "executors/model_executor.h"
#include "executors/onnxruntime/ort_library.h"
#include "executors/onnxruntime/ort_runtime.h"
#include "google/protobuf/arena.h"
#include "joule/v1/scheduler.pb.h"
#include "models/model_registry.h"
#include "scheduler/scheduler.h"
#include "telemetry/metrics.h"

// ---- Counting ---------------------------------------------------------------

namespace {

constexpr size_t kBulkBytes = 2048;

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_news{0}, g_new_bytes{0};
std::atomic<uint64_t> g_copies{0}, g_copy_bytes{0};

void* CountedNew(size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_news.fetch_add(1, std::memory_order_relaxed);
    g_new_bytes.fetch_add(n, std::memory_order_relaxed);
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* CountedAlignedNew(size_t n, std::align_val_t a) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_news.fetch_add(1, std::memory_order_relaxed);
    g_new_bytes.fetch_add(n, std::memory_order_relaxed);
  }
  void* p = nullptr;
  const size_t align = std::max(sizeof(void*), static_cast<size_t>(a));
  if (posix_memalign(&p, align, n == 0 ? 1 : n) != 0) throw std::bad_alloc();
  return p;
}

void CountCopy(size_t n) {
  if (n >= kBulkBytes && g_counting.load(std::memory_order_relaxed)) {
    g_copies.fetch_add(1, std::memory_order_relaxed);
    g_copy_bytes.fetch_add(n, std::memory_order_relaxed);
  }
}

}  // namespace

void* operator new(size_t n) { return CountedNew(n); }
void* operator new[](size_t n) { return CountedNew(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedNew(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedNew(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(size_t n, std::align_val_t a) {
  return CountedAlignedNew(n, a);
}
void* operator new[](size_t n, std::align_val_t a) {
  return CountedAlignedNew(n, a);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  std::free(p);
}

// glibc's fortified entries (public ABI) do the copy without calling
// memcpy/memmove again; reached through volatile pointers so the compiler
// cannot fold them back into a memcpy call.
extern "C" void* __memcpy_chk(void*, const void*, size_t, size_t);
extern "C" void* __memmove_chk(void*, const void*, size_t, size_t);
namespace {
void* (*volatile g_real_memcpy)(void*, const void*, size_t,
                                size_t) = &__memcpy_chk;
void* (*volatile g_real_memmove)(void*, const void*, size_t,
                                 size_t) = &__memmove_chk;
}  // namespace
extern "C" void* memcpy(void* d, const void* s, size_t n) {
  CountCopy(n);
  return g_real_memcpy(d, s, n, n);
}
extern "C" void* memmove(void* d, const void* s, size_t n) {
  CountCopy(n);
  return g_real_memmove(d, s, n, n);
}

namespace joule {
namespace {

struct Counts {
  uint64_t news = 0, new_bytes = 0, copies = 0, copy_bytes = 0;
};
Counts Now() {
  return {g_news.load(), g_new_bytes.load(), g_copies.load(),
          g_copy_bytes.load()};
}
Counts operator-(const Counts& a, const Counts& b) {
  return {a.news - b.news, a.new_bytes - b.new_bytes, a.copies - b.copies,
          a.copy_bytes - b.copy_bytes};
}
void operator+=(Counts& a, const Counts& b) {
  a.news += b.news;
  a.new_bytes += b.new_bytes;
  a.copies += b.copies;
  a.copy_bytes += b.copy_bytes;
}

// ---- Models -----------------------------------------------------------------

constexpr char kModelsPy[] = R"PY(
import os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
out = sys.argv[1]
rng = np.random.default_rng(7)
def init(name, a):
    return numpy_helper.from_array(np.asarray(a, np.float32), name)
def save(name, nodes, x_shape, y_shape, inits):
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="joule submit_copies_bench")
    m.ir_version = 7
    onnx.checker.check_model(m)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())
mk = helper.make_node
w = lambda c_out: init("w", rng.standard_normal([c_out, 3, 3, 3]) * 0.2)
b = lambda c_out: init("wb", np.zeros(c_out))
save("cls224",
     [mk("Conv", ["x", "w", "wb"], ["c"], kernel_shape=[3, 3],
         pads=[1, 1, 1, 1], strides=[2, 2]),
      mk("Relu", ["c"], ["r"]), mk("GlobalAveragePool", ["r"], ["g"]),
      mk("Flatten", ["g"], ["f"], axis=1),
      mk("Gemm", ["f", "fw", "fb"], ["y"], transB=1)],
     [1, 3, 224, 224], [1, 1000],
     [w(16), b(16), init("fw", rng.standard_normal([1000, 16]) * 0.1),
      init("fb", np.zeros(1000))])
conv = [mk("Conv", ["x", "w", "wb"], ["y"], kernel_shape=[3, 3],
           pads=[1, 1, 1, 1])]
save("map224", conv, [1, 3, 224, 224], [1, 16, 224, 224], [w(16), b(16)])
save("map224_dyn", conv, ["N", 3, 224, 224], ["N", 16, 224, 224],
     [w(16), b(16)])
)PY";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Records, per run, where the model's first input and output live.
class RecordingModel final : public RuntimeModel {
 public:
  explicit RecordingModel(std::shared_ptr<RuntimeModel> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<std::vector<Tensor>> Run(
      const std::vector<Tensor>& inputs) override {
    input_seen = inputs.empty() ? nullptr : inputs[0].bytes.data();
    absl::StatusOr<std::vector<Tensor>> out = inner_->Run(inputs);
    output_made = out.ok() && !out->empty() ? (*out)[0].bytes.data() : nullptr;
    return out;
  }
  std::atomic<const void*> input_seen{nullptr};
  std::atomic<const void*> output_made{nullptr};

 private:
  std::shared_ptr<RuntimeModel> inner_;
};

class RecordingRuntime final : public ModelRuntime {
 public:
  explicit RecordingRuntime(std::unique_ptr<ModelRuntime> inner)
      : inner_(std::move(inner)) {}
  std::string Name() const override { return inner_->Name(); }
  absl::StatusOr<std::shared_ptr<RuntimeModel>> Load(
      const std::string& name, const std::string& onnx_bytes) override {
    absl::StatusOr<std::shared_ptr<RuntimeModel>> m =
        inner_->Load(name, onnx_bytes);
    if (!m.ok()) return m.status();
    auto rec = std::make_shared<RecordingModel>(*std::move(m));
    models[name] = rec.get();
    return rec;
  }
  std::map<std::string, RecordingModel*> models;  // set up before any job

 private:
  std::unique_ptr<ModelRuntime> inner_;
};

class NullSensor final : public Sensor {
 public:
  absl::StatusOr<SensorReading> Read() override { return SensorReading{}; }
  std::string backend() const override { return "none"; }
};
class NullActuator final : public Actuator {
 public:
  absl::Status SetPState(int) override { return absl::OkStatus(); }
};

// One Scheduler with one real CPU device: a ModelExecutor over ONNX Runtime
// (one intra-op thread), on a ManualClock (nothing here is timed by it).
struct Pipeline {
  ManualClock clock;
  Registry metrics;
  ModelRegistry models;
  RecordingRuntime* runtime = nullptr;
  std::unique_ptr<Device> device;
  std::unique_ptr<Scheduler> scheduler;
  std::map<std::string, std::string> wire;  // model -> serialised request
};

Pipeline* g_pipeline = nullptr;

bool Setup(Pipeline* p, const std::string& dir) {
  std::ofstream(dir + "/models.py") << kModelsPy;
  const std::string cmd = "/usr/bin/python3 " + dir + "/models.py " + dir;
  if (std::system(cmd.c_str()) != 0) {
    std::cerr << "submit_copies_bench: " << cmd << " failed\n";
    return false;
  }
  absl::StatusOr<std::shared_ptr<const OrtLibrary>> lib =
      OrtLibrary::Load(DefaultOrtLibraryOptions());
  if (!lib.ok()) {
    std::cerr << "submit_copies_bench: " << lib.status() << "\n";
    return false;
  }
  OrtSessionConfig config;
  config.intra_op_threads = 1;
  auto runtime = std::make_unique<RecordingRuntime>(
      std::make_unique<OrtRuntime>(*lib, config));
  p->runtime = runtime.get();
  auto executor =
      std::make_unique<ModelExecutor>(&p->clock, std::move(runtime));
  ModelExecutor* ex = executor.get();
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      ParseProfile(DefaultProfileYaml(), "embedded");
  if (!specs.ok()) {
    std::cerr << "submit_copies_bench: " << specs.status() << "\n";
    return false;
  }
  p->device = std::make_unique<Device>((*specs)[0], std::move(executor),
                                       std::make_unique<NullSensor>(),
                                       std::make_unique<NullActuator>());
  p->scheduler = std::make_unique<Scheduler>(
      &p->clock, std::vector<Device*>{p->device.get()}, SchedulerTunables{},
      &p->metrics);
  for (const char* name : {"cls224", "map224", "map224_dyn"}) {
    const std::string bytes = ReadFile(dir + "/" + name + ".onnx");
    InputShapes shapes;
    shapes["x"] = {1, 3, 224, 224};
    absl::StatusOr<RegisteredModel> reg =
        p->models.RegisterOnnx(name, ModelSource::Bytes(bytes), shapes);
    absl::Status loaded = ex->LoadModel(name, bytes);
    if (!reg.ok() || !loaded.ok()) {
      std::cerr << "submit_copies_bench: " << name << ": " << reg.status()
                << " / " << loaded << "\n";
      return false;
    }
    v1::SubmitRequest req;
    req.set_model(name);
    req.add_allowed_kinds(v1::DEVICE_KIND_CPU);
    v1::Tensor* x = req.add_inputs();
    x->set_name("x");
    x->set_dtype(v1::DATA_TYPE_FLOAT32);
    for (int64_t d : {1, 3, 224, 224}) x->add_shape(d);
    std::vector<float> values(3 * 224 * 224);
    for (size_t i = 0; i < values.size(); ++i) values[i] = (i % 251) / 251.f;
    x->set_data(values.data(), values.size() * sizeof(float));
    p->wire[name] = req.SerializeAsString();
  }
  return true;
}

// One call's messages on an arena whose first block is this object; the
// job's inputs borrow the request's bytes and share it, as they share the
// service's SubmitArenaHolder.
struct CallMessages {
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block;
    o.initial_block_size = kBlockBytes;
    return o;
  }
  CallMessages() : arena(Options(block)) {}
  static constexpr size_t kBlockBytes = 4096;
  alignas(16) char block[kBlockBytes];
  google::protobuf::Arena arena;  // after block: destroyed before it
};

// One Submit through the pieces; adds each stage's counts. The holder is
// made before counting starts (gRPC makes it before the call), and held
// here to the end (gRPC holds it until the call is over).
bool OneSubmit(Pipeline* p, const std::string& model, Counts* parse,
               Counts* joule, Counts* serialize, bool* borrowed, bool* moved) {
  const auto call = std::make_shared<CallMessages>();
  google::protobuf::Arena& arena = call->arena;
  std::string out;
  bool ok = true;

  const Counts c0 = Now();
  g_counting = true;
  auto* req = google::protobuf::Arena::CreateMessage<v1::SubmitRequest>(&arena);
  ok = req->ParseFromString(p->wire[model]);
  const Counts c1 = Now();
  auto* resp = google::protobuf::Arena::CreateMessage<v1::JobResult>(&arena);
  absl::StatusOr<JobSpec> spec = SpecFromProto(*req, p->models, p->clock.Now(),
                                               std::nullopt, nullptr, call);
  absl::Notification done;
  bool completed = false;
  if (spec.ok()) {
    absl::Status s =
        p->scheduler->Enqueue(*std::move(spec), [&](JobInfo&& info) {
          completed = info.state == JobState::kCompleted;
          if (!completed) std::cerr << info.error << "\n";
          JobInfoToProto(std::move(info), resp);
          done.Notify();
        });
    if (s.ok()) done.WaitForNotification();
  }
  const Counts c2 = Now();
  resp->SerializeToString(&out);
  const Counts c3 = Now();
  g_counting = false;

  *parse += c1 - c0;
  *joule += c2 - c1;
  *serialize += c3 - c2;
  RecordingModel* rec = p->runtime->models[model];
  *borrowed = rec->input_seen.load() == req->inputs(0).data().data();
  *moved = resp->outputs_size() > 0 &&
           rec->output_made.load() == resp->outputs(0).data().data();
  return ok && completed && resp->outputs_size() == 1;
}

void BM_Submit(benchmark::State& state, std::string model) {
  Counts parse, joule, serialize;
  bool borrowed = false, moved = false;
  for (auto _ : state) {
    if (!OneSubmit(g_pipeline, model, &parse, &joule, &serialize, &borrowed,
                   &moved)) {
      state.SkipWithError("the job did not complete");
      return;
    }
  }
  const double n = static_cast<double>(state.iterations());
  auto per = [&](uint64_t v) { return benchmark::Counter(v / n); };
  state.counters["parse_news"] = per(parse.news);
  state.counters["parse_copyB"] = per(parse.copy_bytes);
  state.counters["joule_news"] = per(joule.news);
  state.counters["joule_newB"] = per(joule.new_bytes);
  state.counters["joule_copies"] = per(joule.copies);
  state.counters["joule_copyB"] = per(joule.copy_bytes);
  state.counters["ser_news"] = per(serialize.news);
  state.counters["ser_copyB"] = per(serialize.copy_bytes);
  state.counters["in_borrowed"] = borrowed ? 1 : 0;
  state.counters["out_moved"] = moved ? 1 : 0;
}

// The check row: one 1 MiB string copy must count 1 new of 1 MiB and
// 1 MiB copied.
void BM_CheckCounters(benchmark::State& state) {
  const std::string src(1 << 20, 'x');
  Counts total;
  for (auto _ : state) {
    const Counts c0 = Now();
    g_counting = true;
    std::string copy = src;
    benchmark::DoNotOptimize(copy.data());
    g_counting = false;
    total += Now() - c0;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["news"] = benchmark::Counter(total.news / n);
  state.counters["newB"] = benchmark::Counter(total.new_bytes / n);
  state.counters["copyB"] = benchmark::Counter(total.copy_bytes / n);
}

}  // namespace
}  // namespace joule

int main(int argc, char** argv) {
  char tmpl[] = "/tmp/joule-copies.XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (dir == nullptr) return 1;
  joule::Pipeline pipeline;
  const bool ok = joule::Setup(&pipeline, dir);
  std::system((std::string("rm -rf ") + dir).c_str());
  if (!ok) return 1;
  joule::g_pipeline = &pipeline;
  benchmark::RegisterBenchmark("CheckCounters/string_copy_1MiB",
                               joule::BM_CheckCounters);
  for (const char* m : {"cls224", "map224", "map224_dyn"}) {
    benchmark::RegisterBenchmark((std::string("Submit/") + m).c_str(),
                                 joule::BM_Submit, std::string(m));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  pipeline.scheduler.reset();
  return 0;
}
