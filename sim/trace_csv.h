// Trace CSV: job arrivals written and read as text, so a workload can be
// saved (joule-sim --write-trace), edited, and replayed (--trace) against
// any policy. One header line, then one row per job, in time order:
//
//   time_s,model,class,deadline_ms,batch
//   0.021374862,camera_detector,realtime,33.333333333333336,1
//
//   time_s       seconds since the start of the run; written with exactly 9
//                decimals (the clock's nanoseconds), so a trace round-trips
//                bit for bit
//   model        a model name of the scenario (its cost record comes from
//                there)
//   class        realtime | interactive | batch
//   deadline_ms  relative to time_s; 0 = none (shortest round-trip decimal)
//   batch        items per job, >= 1
//
// Blank lines and lines starting with '#' are skipped. Rows need not be in
// order: they are sorted by time (stably) when read. Errors are
// InvalidArgument "SOURCE:LINE: message".
//
// Stateless functions; thread-safe.
#ifndef JOULE_SIM_TRACE_CSV_H_
#define JOULE_SIM_TRACE_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/models.h"
#include "sim/workload.h"

namespace joule {

inline constexpr char kTraceCsvHeader[] =
    "time_s,model,class,deadline_ms,batch";

std::string TraceToCsv(const std::vector<Arrival>& arrivals,
                       const std::vector<ModelSpec>& models);
absl::StatusOr<std::vector<Arrival>> TraceFromCsv(
    std::string_view csv, std::string_view source,
    const std::vector<ModelSpec>& models);

absl::Status WriteTraceFile(const std::string& path,
                            const std::vector<Arrival>& arrivals,
                            const std::vector<ModelSpec>& models);
absl::StatusOr<std::vector<Arrival>> ReadTraceFile(
    const std::string& path, const std::vector<ModelSpec>& models);

// "12.000000345" for 12 s + 345 ns; "Nanoseconds" of a time_s field, exact
// for up to 9 decimals.
std::string FormatTimeS(Duration t);
bool ParseTimeS(std::string_view s, Duration* out);
// Shortest decimal that reads back as the same double ("33.3", "0.1").
std::string ShortestDouble(double v);

}  // namespace joule

#endif  // JOULE_SIM_TRACE_CSV_H_
