// joulectl analyze FILE: analyses an ONNX model here, as jouled does at
// registration, with no daemon: per node its op, shape, ops, MACs and bytes,
// then the totals (or the totals alone as JSON).
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cmd/flags.h"
#include "cmd/joulectl/common.h"
#include "cmd/joulectl/input_shapes.h"
#include "cmd/joulectl/joulectl.h"
#include "models/onnx_analysis.h"
#include "models/onnx_report.h"

namespace joule::joulectl {

int Analyze(const Channel& ch, int argc, char** argv) {
  InputShapes shapes;
  if (absl::Status s = TakeInputShapes(&argc, argv, &shapes); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  Flags f;
  f.AddBool("json", "print the totals as one JSON object instead of the table");
  f.AddBool("help", "print this help");
  if (absl::Status s = f.Parse(argc, argv, 2); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (f.Bool("help")) {
    std::cout
        << "Usage: joulectl analyze FILE [--input-shape NAME=D1,...] "
           "[--json]\n\n"
           "Analyses an ONNX model as jouled does at registration (no daemon "
           "needed):\nper node its op, output shape, ops (a multiply-add is "
           "2), MACs and bytes\n(weights first read there + activations "
           "written, FP32-referenced), then totals.\n\n"
        << kInputShapeHelp << f.Help();
    return 0;
  }
  if (f.positional().size() != 1) return Fail("analyze needs exactly one FILE");
  const std::string& path = f.positional()[0];
  absl::StatusOr<std::string> bytes = ReadOnnxFile(path);
  if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
  absl::StatusOr<OnnxAnalysis> a = AnalyzeOnnx(*bytes, shapes);
  if (!a.ok()) {
    return Fail(absl::StrCat("analyze ", path, ": ", a.status().message()));
  }
  std::cout << (f.Bool("json") ? AnalysisToJson(*a, path)
                               : FormatAnalysisTable(*a));
  return 0;
}

}  // namespace joule::joulectl
