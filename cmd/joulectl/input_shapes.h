// The repeatable `--input-shape NAME=D1,D2,...` flag that `joulectl analyze`
// and `joulectl register` take, and its help text.
//
// TakeInputShapes is not thread-safe: it rewrites argv in place.
#ifndef JOULE_CMD_JOULECTL_INPUT_SHAPES_H_
#define JOULE_CMD_JOULECTL_INPUT_SHAPES_H_

#include "absl/status/status.h"
#include "models/onnx_analysis.h"

namespace joule::joulectl {

// Takes every `--input-shape NAME=D1,...` (or `--input-shape=...`) out of
// argv, since the flag may repeat; each value may also hold several shapes
// separated by ';'. Leaves the other arguments, in order, for Flags.
// INVALID_ARGUMENT for a missing value or a shape that does not parse.
absl::Status TakeInputShapes(int* argc, char** argv, InputShapes* shapes);

// The flag's lines for a --help page, aligned like Flags::Help().
extern const char kInputShapeHelp[];

}  // namespace joule::joulectl

#endif  // JOULE_CMD_JOULECTL_INPUT_SHAPES_H_
