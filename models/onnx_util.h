// Small helpers shared by the ONNX analysis files (onnx_graph, onnx_fold,
// onnx_op_cost, onnx_analysis): static tensor types, element sizes,
// overflow-checked element counts, attribute getters and node labels.
// Internal to the scheduler's ONNX analysis; includes ONNX's protobuf
// headers, which onnx_analysis.h keeps away from its users.
//
// Thread-safe (pure functions and plain values).
#ifndef JOULE_MODELS_ONNX_UTIL_H_
#define JOULE_MODELS_ONNX_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

// A value's static type as far as it is known. dims[i] < 0: unknown.
struct TensorType {
  int32_t elem_type = 0;   // onnx::TensorProto::DataType; 0 unknown
  bool has_shape = false;  // rank known
  std::vector<int64_t> dims;

  bool FullyKnown() const;
};

using TypeMap = std::unordered_map<std::string, TensorType>;

// Bytes per element of an ONNX data type; 0 for STRING, UNDEFINED and
// anything unknown.
int ElementSize(int32_t elem_type);
// "float32", "float16", "int64", ... ("undefined" for unknown).
std::string DtypeName(int32_t elem_type);

// a * b and a + b for non-negative counts; nullopt on int64 overflow.
std::optional<int64_t> CheckedMul(int64_t a, int64_t b);
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);
// Product of dims; nullopt when any dim is negative or it overflows.
std::optional<int64_t> CheckedNumel(const std::vector<int64_t>& dims);

// "[1,3,224,224]", "[]" for a scalar, "?" for an unknown dim.
std::string ShapeString(const std::vector<int64_t>& dims);

// The type of a ValueInfo's tensor, or nullopt for non-tensor values.
std::optional<TensorType> TypeOf(const onnx::TypeProto& type);
TensorType TypeOf(const onnx::TensorProto& tensor);

// Attribute lookups; the default when absent or of another type.
const onnx::AttributeProto* FindAttr(const onnx::NodeProto& node,
                                     const std::string& name);
int64_t AttrInt(const onnx::NodeProto& node, const std::string& name,
                int64_t def);
float AttrFloat(const onnx::NodeProto& node, const std::string& name,
                float def);
std::string AttrString(const onnx::NodeProto& node, const std::string& name,
                       const std::string& def);
std::optional<std::vector<int64_t>> AttrInts(const onnx::NodeProto& node,
                                             const std::string& name);

// How messages name a node: "'conv1' (Conv)", or "#3 (Conv)" when the
// model gave it no name.
std::string NodeLabel(const onnx::NodeProto& node, int index);
// The node's name, or "Conv#3" when it has none (for tables and lists).
std::string NodeName(const onnx::NodeProto& node, int index);

// Ops whose output is a view of their first input: no arithmetic and no
// memory traffic of their own.
bool IsAliasOp(const std::string& op_type);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_UTIL_H_
