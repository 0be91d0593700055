// SimRng: the simulator's random numbers, bit-for-bit repeatable for a seed.
//
// The engine is std::mt19937_64, whose output sequence the C++ standard
// fixes; the distributions are written here from its raw 64-bit output,
// because std::*_distribution results are implementation-defined (libstdc++
// and libc++ give different numbers for the same engine state):
//   Uniform01()     = (x >> 11) · 2^-53                 in [0, 1), 53 bits
//   Exponential(λ)  = −ln(1 − Uniform01()) / λ          mean 1/λ
//   Pick(w)         = the first i with Σ_{k≤i} w_k > U · Σ w
// DeriveSeed() gives each model (and each on/off phase process) its own
// stream, so adding a model to a scenario does not move the others' arrivals.
//
// Not thread-safe: one SimRng per generator.
#ifndef JOULE_SIM_RNG_H_
#define JOULE_SIM_RNG_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace joule {

class SimRng {
 public:
  explicit SimRng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // Uniform in [0, 1).
  double Uniform01();
  // Exponentially distributed with rate `rate_per_s` > 0 (mean 1/rate).
  double Exponential(double rate_per_s);
  // An index drawn with probability weights[i] / Σ weights. REQUIRES: some
  // weight > 0 and none negative.
  size_t Pick(const std::vector<double>& weights);

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 (Steele, Lea & Flood 2014) of seed and stream: a well-mixed,
// distinct seed per stream.
uint64_t DeriveSeed(uint64_t seed, uint64_t stream);

}  // namespace joule

#endif  // JOULE_SIM_RNG_H_
