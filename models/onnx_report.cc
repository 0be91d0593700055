#include "models/onnx_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace {

std::string Shape(const std::vector<int64_t>& dims) {
  std::vector<std::string> parts;
  for (int64_t d : dims) parts.push_back(d < 0 ? "?" : absl::StrCat(d));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string OutputShapes(const OnnxNodeInfo& n) {
  std::vector<std::string> parts;
  for (const auto& s : n.output_shapes) parts.push_back(s ? Shape(*s) : "?");
  return absl::StrJoin(parts, " ");
}

std::string Note(const OnnxNodeInfo& n) {
  switch (n.kind) {
    case OnnxNodeInfo::Kind::kCompute:
      return "";
    case OnnxNodeInfo::Kind::kUnresolved:
      return absl::StrCat("unresolved: ", n.unresolved_reason);
    default:
      return std::string(NodeKindName(n.kind));
  }
}

// 1234567 -> "1.23M"; below 10000 exact.
std::string Human(double v) {
  if (v < 1e4) return absl::StrFormat("%.0f", v);
  const char* units[] = {"K", "M", "G", "T", "P", "E"};
  int u = -1;
  while (v >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  return absl::StrFormat("%.2f%s", v, units[u]);
}

std::string JsonTensors(const std::vector<OnnxTensorInfo>& ts) {
  std::vector<std::string> items;
  for (const OnnxTensorInfo& t : ts) {
    items.push_back(absl::StrCat(
        "{\"name\": ", JsonQuote(t.name), ", \"dtype\": ", JsonQuote(t.dtype),
        ", \"shape\": ",
        t.shape_known ? absl::StrCat("[", absl::StrJoin(t.shape, ", "), "]")
                      : std::string("null"),
        ", \"bytes\": ", t.bytes, "}"));
  }
  return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
}

}  // namespace

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string FormatAnalysisTable(const OnnxAnalysis& a) {
  size_t name_w = 4, op_w = 2, shape_w = 12;
  for (const OnnxNodeInfo& n : a.nodes) {
    name_w = std::max(name_w, n.name.size());
    op_w = std::max(op_w, n.op_type.size());
    shape_w = std::max(shape_w, OutputShapes(n).size());
  }
  name_w = std::min<size_t>(name_w, 48);
  shape_w = std::min<size_t>(shape_w, 32);
  const int nw = static_cast<int>(name_w), ow = static_cast<int>(op_w),
            sw = static_cast<int>(shape_w);
  std::string out =
      absl::StrFormat("%-*s  %-*s  %-*s %14s %14s %12s  %s\n", nw, "name", ow,
                      "op", sw, "output shape", "ops", "macs", "bytes", "note");
  for (const OnnxNodeInfo& n : a.nodes) {
    absl::StrAppend(
        &out,
        absl::StrFormat("%-*s  %-*s  %-*s %14d %14d %12d  %s\n", nw, n.name, ow,
                        n.op_type, sw, OutputShapes(n), n.ops, n.macs,
                        n.weight_bytes + n.activation_bytes, Note(n)));
  }
  auto tensors = [](const std::vector<OnnxTensorInfo>& ts) {
    std::vector<std::string> parts;
    for (const OnnxTensorInfo& t : ts) {
      parts.push_back(absl::StrCat(
          t.name, " ", t.dtype, t.shape_known ? Shape(t.shape) : "[unknown]"));
    }
    return absl::StrJoin(parts, ", ");
  };
  absl::StrAppend(
      &out, "\ninputs:  ", tensors(a.inputs), "\noutputs: ", tensors(a.outputs),
      "\n",
      absl::StrFormat(
          "opset %d, IR %d, %s, %d nodes (%d shape-inference pass%s)\n"
          "total: %d ops (%s), %d MACs (%s)\n"
          "weights %d B, activations %d B (FP32-referenced; model's own "
          "types: %d B, %d B)\n"
          "arithmetic intensity %.3f ops/byte\n",
          a.opset, a.ir_version, std::string(PrecisionName(a.precision)),
          a.nodes.size(), a.inference_passes,
          a.inference_passes == 1 ? "" : "es", a.ops,
          Human(static_cast<double>(a.ops)), a.macs,
          Human(static_cast<double>(a.macs)), a.weight_bytes,
          a.activation_bytes, a.native_weight_bytes, a.native_activation_bytes,
          a.ArithmeticIntensity()));
  if (a.unresolved_nodes.empty()) {
    out += "unresolved: none\n";
  } else {
    absl::StrAppend(
        &out, "unresolved (", a.unresolved_nodes.size(),
        ", counted as 0): ", absl::StrJoin(a.unresolved_nodes, ", "), "\n");
  }
  if (!a.complete) absl::StrAppend(&out, a.CostNote(), "\n");
  return out;
}

std::string AnalysisToJson(const OnnxAnalysis& a, const std::string& source) {
  std::vector<std::string> unresolved;
  for (const std::string& n : a.unresolved_nodes)
    unresolved.push_back(JsonQuote(n));
  std::string out = "{";
  if (!source.empty())
    absl::StrAppend(&out, "\"source\": ", JsonQuote(source), ", ");
  absl::StrAppend(
      &out, "\"graph\": ", JsonQuote(a.graph_name),
      ", \"producer\": ", JsonQuote(a.producer),
      ", \"ir_version\": ", a.ir_version, ", \"opset\": ", a.opset,
      ", \"precision\": ", JsonQuote(std::string(PrecisionName(a.precision))),
      ", \"ops\": ", a.ops, ", \"macs\": ", a.macs,
      ", \"weight_bytes\": ", a.weight_bytes,
      ", \"activation_bytes\": ", a.activation_bytes,
      ", \"native_weight_bytes\": ", a.native_weight_bytes,
      ", \"native_activation_bytes\": ", a.native_activation_bytes,
      ", \"input_bytes\": ", a.input_bytes,
      ", \"output_bytes\": ", a.output_bytes, ", \"arithmetic_intensity\": ",
      absl::StrFormat("%.6g", a.ArithmeticIntensity()),
      ", \"node_count\": ", a.nodes.size(),
      ", \"complete\": ", a.complete ? "true" : "false",
      ", \"partial_reason\": ", JsonQuote(a.partial_reason),
      ", \"nodes_resolved\": ", a.nodes_resolved,
      ", \"nodes_total\": ", a.nodes_total,
      ", \"inputs\": ", JsonTensors(a.inputs),
      ", \"outputs\": ", JsonTensors(a.outputs), ", \"unresolved_nodes\": [",
      absl::StrJoin(unresolved, ", "), "]}\n");
  return out;
}

}  // namespace joule
