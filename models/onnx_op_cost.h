// Per-operator cost formulas of the ONNX analysis: arithmetic ops and
// multiply-accumulates of one node from its input and output shapes. The
// formulas themselves are documented in onnx_analysis.h ("Cost formulas"),
// where users of the numbers read them. Internal to the ONNX analysis.
//
// Thread-safe (pure).
#ifndef JOULE_MODELS_ONNX_OP_COST_H_
#define JOULE_MODELS_ONNX_OP_COST_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "models/onnx_util.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

struct OpCost {
  int64_t ops = 0;
  int64_t macs = 0;
};

// `inputs[i]` and `outputs[i]` are the types of node.input(i) and
// node.output(i): nullptr when the slot is absent or its type unknown.
// Every output that exists has a fully known shape (the caller checks).
//   OK                  the cost (0 for data movement such as Transpose);
//   UNIMPLEMENTED       no formula for this op: the node is unresolved;
//   FAILED_PRECONDITION a shape the formula needs is unknown: unresolved;
//   OUT_OF_RANGE        a count overflows int64: the model is invalid.
// Messages say what is missing, without the node's name.
absl::StatusOr<OpCost> CostOf(const onnx::NodeProto& node,
                              const std::vector<const TensorType*>& inputs,
                              const std::vector<const TensorType*>& outputs);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_OP_COST_H_
