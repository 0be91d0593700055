// Renders an OnnxAnalysis (onnx_analysis.h) for people — a per-node table
// and its totals — and for programs — one JSON object. `joulectl analyze`
// prints these.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_REPORT_H_
#define JOULE_MODELS_ONNX_REPORT_H_

#include <string>

#include "models/onnx_analysis.h"

namespace joule {

// One row per node: name, op, output shape, ops, MACs, bytes (weights read
// first here + activations written, FP32-referenced) and a note (view,
// folded, constant, or why unresolved); then inputs, outputs and totals.
std::string FormatAnalysisTable(const OnnxAnalysis& a);

// The totals as one JSON object, newline-terminated:
//   {"source", "graph", "producer", "ir_version", "opset", "precision",
//    "ops", "macs", "weight_bytes", "activation_bytes" (FP32-referenced),
//    "native_weight_bytes", "native_activation_bytes", "input_bytes",
//    "output_bytes", "arithmetic_intensity", "node_count",
//    "inputs": [{"name", "dtype", "shape"}], "outputs": [...],
//    "unresolved_nodes": ["name", ...]}
// `source` names where the model came from (a path), "" to leave it out.
std::string AnalysisToJson(const OnnxAnalysis& a, const std::string& source);

// "\"text\"" with JSON escapes.
std::string JsonQuote(const std::string& s);

}  // namespace joule

#endif  // JOULE_MODELS_ONNX_REPORT_H_
