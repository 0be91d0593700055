// ONNX shape inference (onnx::shape_inference::InferShapes), run in a forked
// child process.
//
// Why a child: ONNX 1.12's per-operator inference functions trust the model
// they are given; a malformed attribute (found by fuzzing: a ConvTranspose
// whose output_shape does not match its rank) makes them read out of bounds
// and crash. A model file is untrusted input, and the daemon must answer it
// with INVALID_ARGUMENT, not die. The child runs only ONNX's inference over
// a model already in memory, writes the inferred value types to a pipe and
// exits; the parent reads them back. A child that crashes, or runs longer
// than kInferenceTimeout, becomes INVALID_ARGUMENT.
//
// The child touches no lock another thread may hold at fork time: ONNX's
// schema registry is loaded in the parent first (once), and the child uses
// no logging, absl or gRPC state, only ONNX, protobuf and write(2), then
// _exit(2).
//
// Thread-safe: concurrent calls fork separate children.
#ifndef JOULE_MODELS_ONNX_INFER_H_
#define JOULE_MODELS_ONNX_INFER_H_

#include <chrono>

#include "absl/status/status.h"
#include "onnx/onnx_pb.h"

namespace joule {
namespace onnx_internal {

inline constexpr std::chrono::seconds kInferenceTimeout{60};

// Clears `model`'s value_info and the shapes of its graph outputs, runs
// ONNX's shape inference (types not checked, node-level errors not fatal)
// in a child process, and stores what it inferred in value_info and the
// graph outputs. INVALID_ARGUMENT when inference fails, crashes or times
// out; INTERNAL when no child can be started.
absl::Status InferShapesIsolated(onnx::ModelProto* model);

}  // namespace onnx_internal
}  // namespace joule

#endif  // JOULE_MODELS_ONNX_INFER_H_
