// Calibration: the per (model, device, P-state) correction that turns the
// analytic roofline prediction into what the device really takes (docs/
// ARCHITECTURE.md, "Cost model": every completion feeds measured time back; a
// robust EWMA replaces the analytic guess as samples arrive; the roofline is
// the cold start).
//
// Per key, in log space (a ratio of 2 and one of 1/2 are equally far from 1):
//   r = ln(measured_s / predicted_s), clamped to ±ln(1000)
//   window W = the last `window` values of r, outliers included (so a real,
//              lasting change of speed moves the median and is learnt)
//   outlier:   once W holds >= min_window_for_outliers values,
//              |r − median(W)| > k · max(1.4826 · MAD(W), min_sigma)
//              (MAD = median |r_i − median(W)|; 1.4826·MAD estimates σ of
//              normal noise; min_sigma keeps a perfectly steady series from
//              rejecting 1 % jitter). An outlier is counted, not learnt.
//   estimate:  for the first `cold_start_samples` accepted samples
//              ℓ = median(W) (robust while there are too few samples to
//              spot outliers), then ℓ ← ℓ + alpha · (r − ℓ) (EWMA)
//   Correct(key, p) = p · exp(ℓ) once `cold_start_samples` samples were
//              accepted; before that, p (the analytic roofline).
// A sample with a predicted or measured time <= 0 or not finite is ignored
// (a simulated device, an instant failure).
//
// The metric: the lead exposes joule_prediction_error_ratio, a histogram of
// measured / predicted per device. Record() returns both the raw ratio
// (against the analytic prediction) and the ratio against the corrected
// prediction in force when the job was placed; the corrected one is what
// placement actually got wrong, so that is the one to observe.
// PredictionErrorRatioBuckets() gives bucket bounds for it.
//
// Thread-safe: every method may be called from any thread.
#ifndef JOULE_SCHEDULER_CALIBRATION_H_
#define JOULE_SCHEDULER_CALIBRATION_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace joule {

struct CalibrationKey {
  std::string model;   // the registered model; "" for cost-only jobs
  std::string device;  // device name, e.g. "cpu0"
  int pstate = 0;

  bool operator<(const CalibrationKey& o) const {
    return std::tie(model, device, pstate) <
           std::tie(o.model, o.device, o.pstate);
  }
  bool operator==(const CalibrationKey& o) const {
    return std::tie(model, device, pstate) ==
           std::tie(o.model, o.device, o.pstate);
  }
};

struct CalibrationTunables {
  // EWMA weight of a new sample once warm: 0.2 ≈ the last ~10 samples.
  double alpha = 0.2;
  // Accepted samples before the correction replaces the analytic value.
  int cold_start_samples = 3;
  // Recent log-ratios kept per key for the median/MAD outlier test.
  int window = 16;
  // Outlier test only once the window holds this many values.
  int min_window_for_outliers = 5;
  // Outlier threshold in robust standard deviations.
  double outlier_k = 3.0;
  // Floor on the robust σ in log space: 0.05 ≈ 5 % jitter is never an
  // outlier.
  double min_sigma = 0.05;
};

struct CalibrationStats {
  uint64_t accepted = 0;  // samples learnt
  uint64_t outliers = 0;  // samples rejected by the outlier test
  uint64_t ignored = 0;   // samples with a non-positive/non-finite time
  bool warm = false;      // accepted >= cold_start_samples
  double ratio = 1.0;     // exp(ℓ): measured / predicted it expects
  double last_ratio = 0;  // the latest sample's measured / predicted
};

// What one Record() saw.
struct CalibrationSample {
  bool used = false;  // false: ignored (bad times)
  bool outlier = false;
  double raw_ratio = 0;  // measured / analytic predicted
  // measured / the corrected prediction in force before this sample
  // (== raw_ratio during the cold start).
  double corrected_ratio = 0;
};

class Calibration {
 public:
  explicit Calibration(CalibrationTunables tunables = {});

  // Feeds one completion back: the analytic (uncorrected) prediction and
  // the measured time, both in seconds.
  CalibrationSample Record(const CalibrationKey& key, double predicted_s,
                           double measured_s);
  // The corrected prediction (see the top); `predicted_s` unchanged for a
  // key that is cold or unknown.
  double Correct(const CalibrationKey& key, double predicted_s) const;
  // The factor Correct() applies: 1 while cold.
  double Factor(const CalibrationKey& key) const;
  std::optional<CalibrationStats> Stats(const CalibrationKey& key) const;
  std::map<CalibrationKey, CalibrationStats> Snapshot() const;
  // Drops every key of `model` (unregistered or reloaded with new weights).
  void ForgetModel(const std::string& model);
  void SetTunables(const CalibrationTunables& tunables);

 private:
  struct State {
    std::deque<double> window;  // recent log-ratios, oldest first
    double log_ratio = 0;       // ℓ
    CalibrationStats stats;
  };

  double FactorLocked(const State& s) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  CalibrationTunables tunables_ ABSL_GUARDED_BY(mu_);
  std::map<CalibrationKey, State> states_ ABSL_GUARDED_BY(mu_);
};

// Upper bounds for a histogram of measured / predicted (+Inf implicit):
// symmetric in log space around 1, finer near 1 where a good model lives:
// 0.1 0.25 0.5 0.67 0.8 0.9 0.95 1.05 1.1 1.25 1.5 2 4 10.
std::vector<double> PredictionErrorRatioBuckets();

}  // namespace joule

#endif  // JOULE_SCHEDULER_CALIBRATION_H_
