#include "sim/frames.h"

#include <algorithm>
#include <map>
#include <string>

#include "sim/rng.h"

namespace joule {
namespace {

uint64_t NameHash(const std::string& s) {  // FNV-1a, as workload.cc
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

double U(uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }

}  // namespace

void AssignFrames(const std::vector<ModelSpec>& models, uint64_t seed,
                  std::vector<Arrival>* arrivals) {
  struct Stream {
    SimRng rng;
    uint64_t scene = 0;
    uint32_t next_frame = 0;
  };
  std::map<int, Stream> streams;
  for (size_t i = 0; i < models.size(); ++i) {
    if (!models[i].frames) continue;
    streams.emplace(
        static_cast<int>(i),
        Stream{SimRng(DeriveSeed(seed, NameHash("frames:" + models[i].name)))});
  }
  for (Arrival& a : *arrivals) {
    auto it = streams.find(a.model);
    if (it == streams.end()) continue;
    Stream& s = it->second;
    const FrameProcess& p = *models[a.model].frames;
    const bool change =
        s.next_frame == 0 || s.rng.Uniform01() < p.change_probability;
    if (change) {
      do {
        s.scene = s.rng.Next();
      } while (s.scene == 0);
    }
    a.scene = s.scene;
    a.frame = s.next_frame++;
  }
}

FrameSignal FrameSignalFor(const FrameProcess& p, uint64_t scene,
                           uint32_t frame) {
  FrameSignal f;
  f.thumbnail.resize(p.thumbnail_values);
  const uint64_t frame_seed = DeriveSeed(scene, uint64_t{frame} + 1);
  for (uint32_t i = 0; i < p.thumbnail_values; ++i) {
    const double base = U(DeriveSeed(scene, i));
    const double u = U(DeriveSeed(frame_seed, i));
    const double v = base + p.noise * (2 * u - 1);
    f.thumbnail[i] = static_cast<float>(std::clamp(v, 0.0, 1.0));
  }
  return f;
}

std::vector<Arrival> FramesThatMustRun(const std::vector<Arrival>& arrivals) {
  std::map<int, uint64_t> last_scene;
  std::vector<Arrival> out;
  for (const Arrival& a : arrivals) {
    if (a.scene != 0) {
      uint64_t& last = last_scene[a.model];
      const bool same = last == a.scene;
      last = a.scene;
      if (same) continue;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace joule
