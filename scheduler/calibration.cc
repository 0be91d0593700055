#include "scheduler/calibration.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace joule {
namespace {

// ln(1000): a sample 1000x off is as far as one can pull.
constexpr double kMaxLogRatio = 6.907755278982137;

double Median(std::vector<double> v) {
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  const double upper = v[n / 2];
  if (n % 2 == 1) return upper;
  return (upper + *std::max_element(v.begin(), v.begin() + n / 2)) / 2;
}

}  // namespace

Calibration::Calibration(CalibrationTunables tunables)
    : tunables_(std::move(tunables)) {}

void Calibration::SetTunables(const CalibrationTunables& tunables) {
  absl::MutexLock l(&mu_);
  tunables_ = tunables;
}

double Calibration::FactorLocked(const State& s) const {
  if (s.stats.accepted <
      static_cast<uint64_t>(std::max(1, tunables_.cold_start_samples))) {
    return 1.0;
  }
  return std::exp(s.log_ratio);
}

CalibrationSample Calibration::Record(const CalibrationKey& key,
                                      double predicted_s, double measured_s) {
  absl::MutexLock l(&mu_);
  State& s = states_[key];
  CalibrationSample out;
  if (!(predicted_s > 0) || !(measured_s > 0) || !std::isfinite(predicted_s) ||
      !std::isfinite(measured_s)) {
    ++s.stats.ignored;
    return out;
  }
  out.used = true;
  out.raw_ratio = measured_s / predicted_s;
  out.corrected_ratio = out.raw_ratio / FactorLocked(s);
  s.stats.last_ratio = out.raw_ratio;
  const double r =
      std::clamp(std::log(out.raw_ratio), -kMaxLogRatio, kMaxLogRatio);

  s.window.push_back(r);
  while (s.window.size() > static_cast<size_t>(std::max(1, tunables_.window))) {
    s.window.pop_front();
  }
  const std::vector<double> w(s.window.begin(), s.window.end());
  const double med = Median(w);
  if (static_cast<int>(w.size()) >= tunables_.min_window_for_outliers) {
    std::vector<double> dev;
    dev.reserve(w.size());
    for (double x : w) dev.push_back(std::fabs(x - med));
    const double sigma = std::max(1.4826 * Median(dev), tunables_.min_sigma);
    if (std::fabs(r - med) > tunables_.outlier_k * sigma) {
      ++s.stats.outliers;
      out.outlier = true;
      return out;
    }
  }
  ++s.stats.accepted;
  if (s.stats.accepted <=
      static_cast<uint64_t>(std::max(1, tunables_.cold_start_samples))) {
    s.log_ratio = med;
  } else {
    s.log_ratio += tunables_.alpha * (r - s.log_ratio);
  }
  s.stats.warm = s.stats.accepted >= static_cast<uint64_t>(std::max(
                                         1, tunables_.cold_start_samples));
  s.stats.ratio = FactorLocked(s);
  return out;
}

double Calibration::Factor(const CalibrationKey& key) const {
  absl::MutexLock l(&mu_);
  auto it = states_.find(key);
  return it == states_.end() ? 1.0 : FactorLocked(it->second);
}

double Calibration::Correct(const CalibrationKey& key,
                            double predicted_s) const {
  return predicted_s * Factor(key);
}

std::optional<CalibrationStats> Calibration::Stats(
    const CalibrationKey& key) const {
  absl::MutexLock l(&mu_);
  auto it = states_.find(key);
  if (it == states_.end()) return std::nullopt;
  return it->second.stats;
}

std::map<CalibrationKey, CalibrationStats> Calibration::Snapshot() const {
  absl::MutexLock l(&mu_);
  std::map<CalibrationKey, CalibrationStats> out;
  for (const auto& [key, s] : states_) out.emplace(key, s.stats);
  return out;
}

void Calibration::ForgetModel(const std::string& model) {
  absl::MutexLock l(&mu_);
  for (auto it = states_.begin(); it != states_.end();) {
    it = it->first.model == model ? states_.erase(it) : std::next(it);
  }
}

std::vector<double> PredictionErrorRatioBuckets() {
  return {0.1, 0.25, 0.5, 0.67, 0.8, 0.9, 0.95, 1.05, 1.1, 1.25, 1.5, 2, 4, 10};
}

}  // namespace joule
