#include "models/onnx_graph.h"

#include <algorithm>
#include <functional>
#include <queue>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/onnx_util.h"

namespace joule {
namespace onnx_internal {
namespace {

absl::Status Invalid(const std::string& what) {
  return absl::InvalidArgumentError(what);
}

// With `remaining` the nodes Kahn's algorithm could not order, follows
// producers backwards from the first of them until a node repeats, and
// names that loop: "'a' (Add) -> 'b' (Relu) -> 'a' (Add)".
std::string DescribeCycle(const onnx::GraphProto& graph,
                          const GraphIndex& index,
                          const std::vector<bool>& remaining) {
  int start = 0;
  while (!remaining[start]) ++start;
  std::vector<int> path;
  std::vector<int> position(graph.node_size(), -1);
  int n = start;
  while (position[n] < 0) {
    position[n] = static_cast<int>(path.size());
    path.push_back(n);
    int next = -1;
    for (const std::string& in : graph.node(n).input()) {
      auto it = index.producer.find(in);
      if (it != index.producer.end() && remaining[it->second]) {
        next = it->second;
        break;
      }
    }
    if (next < 0) break;  // cannot happen: a remaining node has one
    n = next;
  }
  // path[position[n]..] is the loop, walked against the data flow.
  std::vector<std::string> names;
  for (size_t i = path.size(); i-- > static_cast<size_t>(position[n]);) {
    names.push_back(NodeLabel(graph.node(path[i]), path[i]));
  }
  names.push_back(NodeLabel(graph.node(path.back()), path.back()));
  return absl::StrJoin(names, " -> ");
}

}  // namespace

std::vector<std::string> InitializerNames(const onnx::GraphProto& graph) {
  std::vector<std::string> names;
  for (const onnx::TensorProto& t : graph.initializer())
    names.push_back(t.name());
  for (const onnx::SparseTensorProto& t : graph.sparse_initializer()) {
    names.push_back(t.values().name());
  }
  return names;
}

std::vector<int> RealInputs(
    const onnx::GraphProto& graph,
    const std::unordered_set<std::string>& initializers) {
  std::vector<int> real;
  for (int i = 0; i < graph.input_size(); ++i) {
    if (!initializers.count(graph.input(i).name())) real.push_back(i);
  }
  return real;
}

absl::StatusOr<GraphIndex> IndexGraph(const onnx::GraphProto& graph) {
  GraphIndex index;
  for (const std::string& name : InitializerNames(graph)) {
    if (!index.initializers.insert(name).second) {
      return Invalid(absl::StrCat("initializer '", name, "' is listed twice"));
    }
  }
  std::unordered_set<std::string> graph_inputs;
  for (int i = 0; i < graph.input_size(); ++i) {
    const std::string& name = graph.input(i).name();
    if (!graph_inputs.insert(name).second) {
      return Invalid(absl::StrCat("graph input '", name, "' is listed twice"));
    }
  }
  index.real_inputs = RealInputs(graph, index.initializers);
  auto defined_outside = [&](const std::string& name) {
    return graph_inputs.count(name) > 0 || index.initializers.count(name) > 0;
  };

  const int n = graph.node_size();
  for (int i = 0; i < n; ++i) {
    for (const std::string& out : graph.node(i).output()) {
      if (out.empty()) continue;  // an optional output left out
      if (defined_outside(out)) {
        return Invalid(absl::StrCat("node ", NodeLabel(graph.node(i), i),
                                    ": output '", out,
                                    "' is also a graph input or initializer"));
      }
      auto [it, inserted] = index.producer.emplace(out, i);
      if (!inserted) {
        return Invalid(
            absl::StrCat("node ", NodeLabel(graph.node(i), i), ": output '",
                         out, "' is also produced by node ",
                         NodeLabel(graph.node(it->second), it->second)));
      }
    }
  }

  // Kahn's algorithm, smallest index first, so a sorted file keeps its order.
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string& in : graph.node(i).input()) {
      if (in.empty() || defined_outside(in)) continue;
      auto it = index.producer.find(in);
      if (it == index.producer.end()) {
        return Invalid(absl::StrCat(
            "node ", NodeLabel(graph.node(i), i), ": input '", in,
            "' is not a graph input, an initializer or any node's output"));
      }
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  for (const onnx::ValueInfoProto& out : graph.output()) {
    if (!defined_outside(out.name()) && !index.producer.count(out.name())) {
      return Invalid(absl::StrCat("graph output '", out.name(),
                                  "' is not produced by any node"));
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.push(i);
  }
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    index.order.push_back(i);
    for (int c : consumers[i]) {
      if (--pending[c] == 0) ready.push(c);
    }
  }
  if (static_cast<int>(index.order.size()) != n) {
    std::vector<bool> remaining(n, true);
    for (int i : index.order) remaining[i] = false;
    return Invalid(absl::StrCat("the graph has a cycle: ",
                                DescribeCycle(graph, index, remaining)));
  }
  return index;
}

}  // namespace onnx_internal
}  // namespace joule
