#include "cmd/joulectl/print_models.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cmd/joulectl/common.h"

namespace joule::joulectl {
namespace {

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

// "x float32[1,3,224,224], y ..."; "-" for none.
std::string TensorsLabel(
    const google::protobuf::RepeatedPtrField<v1::Tensor>& ts) {
  std::vector<std::string> parts;
  for (const v1::Tensor& t : ts) {
    parts.push_back(absl::StrCat(t.name(), " ", DataTypeLabel(t.dtype()), "[",
                                 absl::StrJoin(t.shape(), ","), "]"));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

void PrintDevice(const v1::ModelDeviceInfo& d) {
  if (!d.supported()) {
    std::cout << absl::StrFormat("    %-8s unsupported: %s\n", d.device(),
                                 d.reason());
    return;
  }
  std::vector<std::string> ms;
  for (double t : d.predicted_s()) {
    ms.push_back(absl::StrFormat("%.3f", t * 1e3));
  }
  std::cout << absl::StrFormat(
      "    %-8s %-5s %s-bound, predicted ms by P-state (slowest first): %s\n",
      d.device(), PrecisionLabel(d.precision()),
      d.memory_bound() ? "memory" : "compute", absl::StrJoin(ms, " "));
}

}  // namespace

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
    if (!m.cost_complete()) std::cout << "    " << m.cost_note() << "\n";
    for (const v1::ModelDeviceInfo& d : m.devices()) PrintDevice(d);
  }
}

}  // namespace joule::joulectl
