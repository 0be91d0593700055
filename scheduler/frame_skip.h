// Frame skipping: whether a stream's new frame changed enough since the
// frame whose result is held to be worth running the model again.
//
// A job may belong to a stream (a camera, a microphone) and carry a small
// change signal: an exact digest of its input, a thumbnail (a downscaled
// copy, values in [0, 1]), or both. The change between two signals is
//   0                                   both digests set and equal
//   mean_i |a_i − b_i|                  else, both thumbnails set, same size
//   1 (incomparable: treated as changed) otherwise
// and the held result is reused (the job is skipped) iff
//   change <= threshold  and  age < max_age
// where age is the time since the held result was produced. The held frame
// is the last one that ran, not the last one submitted, so a slow drift
// adds up until it crosses the threshold and the model runs again.
//
// Pure functions and plain values; thread-safe.
#ifndef JOULE_SCHEDULER_FRAME_SKIP_H_
#define JOULE_SCHEDULER_FRAME_SKIP_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"

namespace joule {

// Bounds on what a client sends (checked by ValidateFrameSignal).
inline constexpr size_t kMaxStreamIdBytes = 128;
inline constexpr size_t kMaxChangeDigestBytes = 64;
inline constexpr size_t kMaxThumbnailElements = 4096;

// One frame's change signal; both parts may be empty.
struct FrameSignal {
  std::string digest;            // exact: equal digests mean equal input
  std::vector<float> thumbnail;  // each value in [0, 1]
  bool empty() const { return digest.empty() && thumbnail.empty(); }
};

// OK, or InvalidArgument naming the field: a stream id longer than
// kMaxStreamIdBytes, a digest longer than kMaxChangeDigestBytes, a thumbnail
// longer than kMaxThumbnailElements or with a value that is NaN or outside
// [0, 1], or a signal without a stream. A stream without a signal is valid
// (its jobs run and nothing is held).
absl::Status ValidateFrameSignal(std::string_view stream,
                                 const FrameSignal& signal);

// The change between two signals, in [0, 1] (formula above); 1 when they
// cannot be compared (no common part, thumbnails of different sizes).
double FrameChange(const FrameSignal& held, const FrameSignal& next);

enum class FrameVerdict {
  kSkip,          // reuse the held result
  kChanged,       // changed more than the threshold
  kIncomparable,  // no common part or different sizes: treated as changed
  kExpired,       // the held result is max_age or older
};
std::string_view FrameVerdictName(FrameVerdict v);  // "skip", "changed", ...

struct FrameDecision {
  FrameVerdict verdict = FrameVerdict::kChanged;
  double change = 1;  // FrameChange(held, next)
  bool skip() const { return verdict == FrameVerdict::kSkip; }
};

// The rule above. `age` is now − the time the held result was produced.
FrameDecision DecideFrame(const FrameSignal& held, const FrameSignal& next,
                          double threshold, Duration age, Duration max_age);

}  // namespace joule

#endif  // JOULE_SCHEDULER_FRAME_SKIP_H_
