#include "sim/rng.h"

#include <cmath>

namespace joule {

double SimRng::Uniform01() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double SimRng::Exponential(double rate_per_s) {
  // 1 − U is in (0, 1], so the logarithm is finite.
  return -std::log(1.0 - Uniform01()) / rate_per_s;
}

size_t SimRng::Pick(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  const double u = Uniform01() * total;
  double acc = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (u < acc) return i;
  }
  // Rounding left u at the total: the last index with a weight.
  for (size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace joule
