// onnx_throughput_bench's models and its direct path (bench/onnx_bench.h):
// generates the models (tests/reference_models/make_reference_models.py and
// the two larger ones below), loads their files, and runs one inference with
// ONNX Runtime called in-process (OrtSession::Run, with the daemon's session
// options): the baseline the jouled path is measured against.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/onnx_bench.h"

namespace joule {
namespace onnx_bench {
namespace {

double Since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

int Shell(const std::string& cmd) {
  std::cout << "$ " << cmd << std::endl;
  return std::system(cmd.c_str());
}

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

}  // namespace

std::vector<std::string> SplitCsv(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

bool GenerateModels(const std::string& dir,
                    const std::string& make_cpu_models_py) {
  if (Shell("/usr/bin/python3 " + make_cpu_models_py + " " + dir) != 0) {
    return false;
  }
  std::ofstream(dir + "/big_models.py") << kBigModelsPy;
  return Shell("/usr/bin/python3 " + dir + "/big_models.py " + dir) == 0;
}

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

namespace {

struct PublicModel {
  const char* name;
  const char* input;
  std::vector<int64_t> shape;
};

const std::vector<PublicModel>& PublicModels() {
  static const auto* models = new std::vector<PublicModel>{
      {"ppocr_rec", "x", {1, 3, 48, 320}},
      {"ppocr_det", "x", {1, 3, 480, 480}},
      {"kws_hello_deepa", "onnx::Flatten_0", {1, 25, 96}},
  };
  return *models;
}

}  // namespace

bool IsPublicModel(const std::string& name) {
  for (const PublicModel& p : PublicModels()) {
    if (name == p.name) return true;
  }
  return false;
}

bool LoadPublicModel(const std::string& dir, Model* m) {
  for (const PublicModel& p : PublicModels()) {
    if (m->name != p.name) continue;
    m->bytes = ReadFile(dir + "/" + m->name + ".onnx");
    if (m->bytes.empty()) return false;
    m->fixed_shape = true;
    m->input.set_name(p.input);
    m->input.set_dtype(v1::DATA_TYPE_FLOAT32);
    size_t n = 1;
    for (int64_t d : p.shape) {
      m->input.add_shape(d);
      n *= static_cast<size_t>(d);
    }
    std::vector<float> values(n);
    uint32_t x = 12345;  // xorshift32: the same input every run
    for (float& v : values) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      v = static_cast<float>(x >> 8) / static_cast<float>(1 << 24);
    }
    m->input.set_data(values.data(), values.size() * sizeof(float));
    return true;
  }
  return false;
}

std::vector<Tensor> DirectInference(Model* m) {
  absl::StatusOr<std::vector<Tensor>> outs = m->session->Run(m->inputs);
  if (!outs.ok()) return {};
  return *std::move(outs);
}

std::string Concat(const std::vector<Tensor>& outputs) {
  std::string bytes;
  for (const Tensor& o : outputs) bytes.append(o.bytes.data(), o.bytes.size());
  return bytes;
}

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

}  // namespace onnx_bench
}  // namespace joule
