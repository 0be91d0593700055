#include "scheduler/frame_skip.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace joule {
namespace {

bool Comparable(const FrameSignal& a, const FrameSignal& b) {
  const bool digests = !a.digest.empty() && !b.digest.empty();
  const bool thumbnails =
      !a.thumbnail.empty() && a.thumbnail.size() == b.thumbnail.size();
  return (digests && a.digest == b.digest) || thumbnails;
}

}  // namespace

absl::Status ValidateFrameSignal(std::string_view stream,
                                 const FrameSignal& signal) {
  if (stream.size() > kMaxStreamIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream: ", stream.size(), " bytes, at most ", kMaxStreamIdBytes));
  }
  if (signal.digest.size() > kMaxChangeDigestBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("change_digest: ", signal.digest.size(),
                     " bytes, at most ", kMaxChangeDigestBytes));
  }
  if (signal.thumbnail.size() > kMaxThumbnailElements) {
    return absl::InvalidArgumentError(
        absl::StrCat("change_thumbnail: ", signal.thumbnail.size(),
                     " values, at most ", kMaxThumbnailElements));
  }
  for (size_t i = 0; i < signal.thumbnail.size(); ++i) {
    const float v = signal.thumbnail[i];
    if (!(v >= 0.0f && v <= 1.0f)) {  // NaN fails both
      return absl::InvalidArgumentError(
          absl::StrCat("change_thumbnail[", i, "]: ", v, " is not in [0, 1]"));
    }
  }
  if (stream.empty() && !signal.empty()) {
    return absl::InvalidArgumentError(
        "stream: a change signal needs a stream to compare against");
  }
  return absl::OkStatus();
}

double FrameChange(const FrameSignal& held, const FrameSignal& next) {
  if (!held.digest.empty() && held.digest == next.digest) return 0;
  if (held.thumbnail.empty() ||
      held.thumbnail.size() != next.thumbnail.size()) {
    return 1;
  }
  double sum = 0;
  for (size_t i = 0; i < held.thumbnail.size(); ++i) {
    sum += std::abs(static_cast<double>(held.thumbnail[i]) - next.thumbnail[i]);
  }
  return sum / static_cast<double>(held.thumbnail.size());
}

std::string_view FrameVerdictName(FrameVerdict v) {
  switch (v) {
    case FrameVerdict::kSkip:
      return "skip";
    case FrameVerdict::kChanged:
      return "changed";
    case FrameVerdict::kIncomparable:
      return "incomparable";
    case FrameVerdict::kExpired:
      return "expired";
  }
  return "unknown";
}

FrameDecision DecideFrame(const FrameSignal& held, const FrameSignal& next,
                          double threshold, Duration age, Duration max_age) {
  FrameDecision d;
  d.change = FrameChange(held, next);
  if (!Comparable(held, next)) {
    d.verdict = FrameVerdict::kIncomparable;
  } else if (!(d.change <= threshold)) {  // a NaN change runs the model
    d.verdict = FrameVerdict::kChanged;
  } else if (age >= max_age) {
    d.verdict = FrameVerdict::kExpired;
  } else {
    d.verdict = FrameVerdict::kSkip;
  }
  return d;
}

}  // namespace joule
