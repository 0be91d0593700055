#include "cmd/joulectl/input_shapes.h"

#include <string>

namespace joule::joulectl {

const char kInputShapeHelp[] =
    "  --input-shape NAME=D1,D2,...   fix an input's dynamic dims (repeat, or "
    "separate with ';');\n"
    "                                 default: the model's shapes, a dynamic "
    "first dim as batch 1\n";

absl::Status TakeInputShapes(int* argc, char** argv, InputShapes* shapes) {
  int out = 0;
  for (int i = 0; i < *argc; ++i) {
    const std::string a = argv[i];
    std::string value;
    if (a == "--input-shape") {
      if (i + 1 >= *argc) {
        return absl::InvalidArgumentError("--input-shape needs a value");
      }
      value = argv[++i];
    } else if (a.rfind("--input-shape=", 0) == 0) {
      value = a.substr(14);
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (absl::Status s = ParseInputShapes(value, shapes); !s.ok()) {
      return absl::InvalidArgumentError("--input-shape: " +
                                        std::string(s.message()));
    }
  }
  *argc = out;
  return absl::OkStatus();
}

}  // namespace joule::joulectl
