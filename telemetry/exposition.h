// Prometheus text exposition format 0.0.4 for a Registry
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Serve the
// result with Content-Type kExpositionContentType (telemetry/metrics.h).
//
// Thread-safe: ExposeText reads the registry under its locks and the metric
// values atomically, so it may run while other threads update metrics.
#ifndef JOULE_TELEMETRY_EXPOSITION_H_
#define JOULE_TELEMETRY_EXPOSITION_H_

#include <string>
#include <string_view>

#include "telemetry/metrics.h"

namespace joule {

// Every family in registration order: "# HELP", "# TYPE", then one line per
// sample, children in label-value order. Histograms write cumulative
// name_bucket{...,le="<bound>"} lines ending in le="+Inf", then name_sum and
// name_count. A labelled family with no children writes only HELP and TYPE.
std::string ExposeText(const Registry& registry);

// A sample value or "le" bound as the format wants it: "+Inf", "-Inf", "NaN";
// integers below 2^53 in magnitude without exponent or point ("42", "-3");
// anything else with the fewest digits that parse back to the same double,
// positional for exponents -4..14 ("0.005", "0.0005", "123456.789") and
// scientific outside ("1e-05", "1e+20", "1.5e+300").
std::string FormatSampleValue(double v);

// HELP text escaping: '\' -> "\\", newline -> "\n".
std::string EscapeHelp(std::string_view help);
// Label value escaping: '\' -> "\\", '"' -> "\"", newline -> "\n".
std::string EscapeLabelValue(std::string_view value);

}  // namespace joule

#endif  // JOULE_TELEMETRY_EXPOSITION_H_
