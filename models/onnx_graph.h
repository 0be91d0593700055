// Structural checks of an ONNX graph before anything is inferred: every
// value has exactly one producer, every node input exists, and the nodes
// form a DAG. Yields the nodes in topological order (file order when the
// file is already sorted, as ONNX requires). Internal to the ONNX analysis.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_GRAPH_H_
#define JOULE_MODELS_ONNX_GRAPH_H_

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

struct GraphIndex {
  // Node indices of graph.node() in topological order.
  std::vector<int> order;
  // Value name -> index of the node that produces it.
  std::unordered_map<std::string, int> producer;
  // Initializer (dense and sparse) names.
  std::unordered_set<std::string> initializers;
  // Graph inputs that are not initializers: what a caller feeds.
  std::vector<int> real_inputs;  // indices into graph.input()
};

// The initializer names, dense then sparse, in file order (repeats kept).
std::vector<std::string> InitializerNames(const onnx::GraphProto& graph);

// Indices into graph.input() of the inputs not named in `initializers`: what
// a caller feeds (files of IR < 4 list their weights as graph inputs too).
std::vector<int> RealInputs(
    const onnx::GraphProto& graph,
    const std::unordered_set<std::string>& initializers);

// INVALID_ARGUMENT naming the node for: a value produced twice (or by a node
// and also a graph input or initializer), a node input nothing produces, a
// graph output nothing produces, a cycle (the message lists it); and for an
// initializer or graph input listed twice.
absl::StatusOr<GraphIndex> IndexGraph(const onnx::GraphProto& graph);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_GRAPH_H_
