#include "platform/linux/cpufreq_backend.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace joule {

absl::Status CheckPlausibleFreq(uint64_t freq_khz, const std::string& what) {
  if (freq_khz == 0 || freq_khz > kMaxPlausibleFreqKhz) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", freq_khz, " kHz is not a CPU frequency (want 1..",
        kMaxPlausibleFreqKhz, ")"));
  }
  return absl::OkStatus();
}

std::vector<uint64_t> SortedUniqueFreqs(std::vector<uint64_t> freqs_khz) {
  std::sort(freqs_khz.begin(), freqs_khz.end());
  freqs_khz.erase(std::unique(freqs_khz.begin(), freqs_khz.end()),
                  freqs_khz.end());
  return freqs_khz;
}

}  // namespace joule
