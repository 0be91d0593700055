#include "governor/window.h"

#include <algorithm>
#include <cmath>

namespace joule {

SlidingWindow::SlidingWindow(Duration window) : window_(window) {}

void SlidingWindow::Add(TimePoint t, double v) {
  if (samples_.empty()) {
    // Re-centre on the first sample of a fresh window; the sums restart at
    // exactly zero so no drift survives an empty window.
    shift_ = v;
    sum_ = 0;
    sum_sq_ = 0;
    newest_ = t;
  }
  newest_ = std::max(newest_, t);
  samples_.push_back(Sample{t, v});
  const double d = v - shift_;
  sum_ += d;
  sum_sq_ += d * d;
  EvictOlderThan(newest_ - window_);
}

void SlidingWindow::EvictOlderThan(TimePoint cutoff) {
  while (!samples_.empty() && samples_.front().t < cutoff) {
    const double d = samples_.front().v - shift_;
    sum_ -= d;
    sum_sq_ -= d * d;
    samples_.pop_front();
    ++evictions_since_recompute_;
  }
  if (evictions_since_recompute_ >=
      std::max<uint64_t>(kMinRecomputeEvictions, samples_.size())) {
    Recompute();
  }
}

void SlidingWindow::Recompute() {
  evictions_since_recompute_ = 0;
  sum_ = 0;
  sum_sq_ = 0;
  if (samples_.empty()) return;
  shift_ = samples_.front().v;
  for (const Sample& s : samples_) {
    const double d = s.v - shift_;
    sum_ += d;
    sum_sq_ += d * d;
  }
}

double SlidingWindow::Mean() const {
  if (samples_.empty()) return 0;
  return shift_ + sum_ / static_cast<double>(samples_.size());
}

double SlidingWindow::Stddev() const {
  if (samples_.size() < 2) return 0;
  const double n = static_cast<double>(samples_.size());
  const double m = sum_ / n;
  const double var = sum_sq_ / n - m * m;
  // Cancellation can leave a tiny negative variance; it is zero.
  return var > 0 ? std::sqrt(var) : 0.0;
}

void SlidingWindow::Clear() {
  samples_.clear();
  sum_ = 0;
  sum_sq_ = 0;
  evictions_since_recompute_ = 0;
}

}  // namespace joule
