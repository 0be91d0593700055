#include "cmd/joulectl/print_job.h"

#include <cstring>
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "cmd/joulectl/common.h"

namespace joule::joulectl {
namespace {

// "output NAME [D1,D2]: v0 v1 ... v7 ...": the first eight float32 values.
void PrintOutput(const v1::Tensor& t) {
  std::cout << "output " << t.name() << " [";
  for (int i = 0; i < t.shape_size(); ++i) {
    std::cout << (i ? "," : "") << t.shape(i);
  }
  std::cout << "]:";
  const size_t n = t.data().size() / sizeof(float);
  for (size_t i = 0; i < n && i < 8; ++i) {
    float v;
    std::memcpy(&v, t.data().data() + i * sizeof(float), sizeof v);
    std::cout << " " << v;
  }
  std::cout << (n > 8 ? " ...\n" : "\n");
}

// One row per candidate device; "*" marks the chosen one.
void PrintCandidates(const v1::JobResult& r) {
  std::cout << absl::StrFormat(
      "\n  %-8s %-4s %-5s %2s %10s %10s %10s %10s %10s %10s %10s  %s\n",
      "device", "kind", "prec", "P", "compute_ms", "memory_ms", "exec_ms",
      "backlog_ms", "finish_ms", "energy_mJ", "score", "verdict");
  for (const v1::DeviceEstimate& e : r.candidates()) {
    std::string verdict =
        e.chosen() ? "chosen" : (e.feasible() ? "feasible" : e.reason());
    if (e.feasible() && e.memory_bound()) verdict += ", memory-bound";
    std::cout << absl::StrFormat(
        "%s %-8s %-4s %-5s %2d %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f "
        "%10.4g  %s\n",
        e.chosen() ? "*" : " ", e.device(), KindLabel(e.kind()),
        PrecisionLabel(e.precision()), e.pstate(), e.compute_s() * 1e3,
        e.memory_s() * 1e3, e.exec_s() * 1e3, e.backlog_s() * 1e3,
        e.finish_s() * 1e3, e.energy_j() * 1e3, e.score(), verdict);
  }
}

}  // namespace

void PrintJobResult(const v1::JobResult& r) {
  if (r.dry_run()) {
    std::cout << "dry run: "
              << (r.state() == v1::JOB_STATE_REJECTED ? "would be rejected"
                                                      : "would be accepted")
              << "\n";
  } else {
    std::cout << "job " << r.job_id() << ": " << StateLabel(r.state()) << "\n";
  }
  if (r.dry_run() && !r.device().empty()) {
    std::cout << absl::StrFormat(
        "device %s, P-state %d (%d MHz), %s%s: predicted %.3f ms, %.3f mJ\n",
        r.device(), r.pstate(), r.freq_khz() / 1000,
        PrecisionLabel(r.precision()), r.simulated() ? " (simulated)" : "",
        r.predicted_time_s() * 1e3, r.predicted_energy_j() * 1e3);
  } else if (!r.device().empty()) {
    std::cout << absl::StrFormat(
        "device %s, P-state %d (%d MHz), %s%s\n"
        "predicted %.3f ms, %.3f mJ; measured %.3f ms, %.3f mJ (%s); queued "
        "%.3f ms\n",
        r.device(), r.pstate(), r.freq_khz() / 1000,
        PrecisionLabel(r.precision()), r.simulated() ? " (simulated)" : "",
        r.predicted_time_s() * 1e3, r.predicted_energy_j() * 1e3,
        r.measured_time_s() * 1e3, r.measured_energy_j() * 1e3,
        r.energy_measured() ? "RAPL" : "modelled", r.queue_time_s() * 1e3);
  }
  if (r.skipped()) {
    std::cout << "skipped: the result of job " << r.reused_job_id()
              << " (frame change " << r.frame_change() << ")\n";
  } else if (r.has_frame_change()) {
    std::cout << "frame change " << r.frame_change() << "\n";
  }
  if (!r.error().empty()) std::cout << "error: " << r.error() << "\n";
  for (const v1::Tensor& t : r.outputs()) PrintOutput(t);
  if (!r.explanation().empty()) std::cout << r.explanation() << "\n";
  if (r.candidates_size() > 0) PrintCandidates(r);
}

}  // namespace joule::joulectl
