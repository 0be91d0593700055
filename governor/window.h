// SlidingWindow: a time-based sliding window of samples (the governor's
// utilisation history for one device) with O(1) amortised mean and
// population standard deviation.
//
// Samples older than `newest - window` are evicted on every Add(); a sample
// exactly `window` old is kept. Statistics use running sums of values shifted
// by a reference sample (the "shifted data" algorithm), recomputed from the
// retained samples after every `max(kMinRecomputeEvictions, Count())`
// evictions, so rounding error cannot build up over a long-running daemon
// and large offsets (1e9 + small noise) keep their precision:
//   μ  = K + S1/n,            S1 = Σ (v_i − K)
//   σ² = max(0, S2/n − (S1/n)²), S2 = Σ (v_i − K)²
//
// Not thread-safe: one window per device, used by the governor thread only.
#ifndef JOULE_GOVERNOR_WINDOW_H_
#define JOULE_GOVERNOR_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <deque>

#include "core/clock.h"

namespace joule {

class SlidingWindow {
 public:
  // `window` > 0: how far back samples are kept.
  explicit SlidingWindow(Duration window);

  // Adds a sample taken at `t` and evicts those older than `t - window`.
  // Times should not decrease; an out-of-order sample is kept, and eviction
  // is always relative to the newest time seen.
  void Add(TimePoint t, double v);

  // Changes the window length (a policy reload); takes effect on the next
  // Add().
  void set_window(Duration window) { window_ = window; }
  Duration window() const { return window_; }

  // 0 when empty.
  double Mean() const;
  // Population standard deviation; 0 when empty, never negative or NaN from
  // rounding.
  double Stddev() const;
  size_t Count() const { return samples_.size(); }
  bool Empty() const { return samples_.empty(); }
  void Clear();

 private:
  // Recomputation happens at least this many evictions apart, so it stays
  // O(1) amortised even for tiny windows.
  static constexpr uint64_t kMinRecomputeEvictions = 64;

  struct Sample {
    TimePoint t;
    double v;
  };

  void EvictOlderThan(TimePoint cutoff);
  // Rebuilds the running sums exactly from the retained samples, re-centred
  // on the oldest one.
  void Recompute();

  Duration window_;
  std::deque<Sample> samples_;
  TimePoint newest_{};
  double shift_ = 0;   // K
  double sum_ = 0;     // S1
  double sum_sq_ = 0;  // S2
  uint64_t evictions_since_recompute_ = 0;
};

}  // namespace joule

#endif  // JOULE_GOVERNOR_WINDOW_H_
