// The cost model checked against published latencies of real models on
// RK3588-class hardware (docs/COST_MODEL_CHECK.md). Each PublishedLatency is
// one published measurement (who ran what, how, and where it is written);
// PredictLatency runs the same model, from the built-in catalogue
// (sim/models.h), through the cost model (EstimateJob at the device's top
// P-state, scheduler/cost_model.h) on a device of a profile, and says how far
// the prediction is from the published figure. CostCheckMarkdown prints the
// table the doc holds, so the doc and the code agree (sim/cost_check_test.cc
// checks both the tolerance and the doc).
//
// Plain values and pure functions; thread-safe.
#ifndef JOULE_SIM_COST_CHECK_H_
#define JOULE_SIM_COST_CHECK_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/types.h"
#include "devices/device_spec.h"
#include "scheduler/cost_model.h"

namespace joule {

// The RK3588 NPU has three cores, each a third of its MACs (RK3588 TRM, as
// quoted in the profile's npu0 comment); RKNN runs a model on one core
// unless its core mask says more.
inline constexpr int kRk3588NpuCores = 3;

// The tolerance every row is held to: |predicted / published - 1| <= 0.35.
inline constexpr double kCostCheckTolerance = 0.35;

struct PublishedLatency {
  std::string_view id;      // "npu-1": stable, for the doc
  std::string_view model;   // a built-in catalogue name (sim/models.h)
  std::string_view device;  // a profile device: "cpu0", "gpu0", "npu0"
  Precision precision = Precision::kFp32;  // what the measured run used
  // NPU cores the run used (1..kRk3588NpuCores); 0 on a CPU or GPU row.
  int npu_cores = 0;
  double published_ms = 0;    // the figure as published (or 1000 / FPS)
  std::string_view runtime;   // "RKNN (rknn_model_zoo v1.6.0)", "ncnn"
  std::string_view measured;  // board, input, batch, threads, what it times
  std::string_view source;    // URL
};

// The rows, in the doc's order.
const std::vector<PublishedLatency>& PublishedLatencies();

// The device a row runs on: `device` itself, or for an NPU row that used n
// of its cores, `device` with every peak_ops scaled by n / kRk3588NpuCores
// (memory bandwidth, dispatch overhead and SRAM unchanged: the cores share
// the DRAM interface and the driver path).
// REQUIRES: npu_cores == 0, or 1 <= npu_cores <= kRk3588NpuCores.
DeviceSpec SpecForRow(const DeviceSpec& device, int npu_cores);

struct CostCheckRow {
  PublishedLatency published;
  Estimate estimate;        // exec_s is the prediction
  double predicted_ms = 0;  // estimate.exec_s * 1e3
  double error = 0;         // predicted_ms / published_ms - 1
};

// The prediction for one row on `profile` (the devices of a profile, e.g.
// ParseProfile(DefaultProfileYaml())). The model's cost offers only the
// row's precision, so EstimateJob predicts the run that was measured.
// NotFound: the model is not in the catalogue or the device not in the
// profile; InvalidArgument: the model has no ops at the row's precision, or
// the device cannot run it.
absl::StatusOr<CostCheckRow> PredictLatency(
    const PublishedLatency& row, const std::vector<DeviceSpec>& profile);

// Every row of PublishedLatencies() predicted on `profile`.
absl::StatusOr<std::vector<CostCheckRow>> PredictAll(
    const std::vector<DeviceSpec>& profile);

// The doc's two Markdown tables: the figures (published, predicted, error,
// what limits the prediction) and where each comes from.
std::string CostCheckMarkdown(const std::vector<CostCheckRow>& rows);

}  // namespace joule

#endif  // JOULE_SIM_COST_CHECK_H_
