// Frames: the change process of a model fed by one fixed camera
// (ModelSpec::frames), as joule-sim sends it to the daemon.
//
// Scenes. Per model, in arrival order, frame k (k = 0, 1, ...) shows a new
// scene with probability change_probability (frame 0 always does), else the
// scene of frame k − 1. Draws come from the model's own SimRng stream
// DeriveSeed(seed, hash("frames:" + name)), so they repeat bit for bit and
// do not move other models' arrivals. A scene's id is a 64-bit number drawn
// from that stream (never 0: 0 means "no signal").
//
// Thumbnails. Value i of frame k of scene s is
//   clamp(base_i(s) + noise · (2u − 1), 0, 1)
// with base_i(s) = U(DeriveSeed(s, i)), u = U(DeriveSeed(DeriveSeed(s, k +
// 1), i)) and U(x) = (x >> 11) · 2^-53 in [0, 1) (SplitMix64 output is well
// mixed, and cheaper than seeding an engine per value): every frame of a scene
// looks alike up to fresh noise (mean |difference| ≈ 2/3 · noise), and
// different scenes are unrelated (≈ 1/3).
//
// Pure functions; thread-safe.
#ifndef JOULE_SIM_FRAMES_H_
#define JOULE_SIM_FRAMES_H_

#include <cstdint>
#include <vector>

#include "scheduler/frame_skip.h"
#include "sim/models.h"
#include "sim/workload.h"

namespace joule {

// Sets scene and frame on every arrival of a model with frames (others
// keep scene 0). `arrivals` are in time order.
void AssignFrames(const std::vector<ModelSpec>& models, uint64_t seed,
                  std::vector<Arrival>* arrivals);

// The change signal of frame `frame` of scene `scene` (a thumbnail).
FrameSignal FrameSignalFor(const FrameProcess& p, uint64_t scene,
                           uint32_t frame);

// The arrivals that no frame skipping could spare: those without a signal
// and each frame whose scene differs from the model's previous frame's. A
// lower bound on the work to do (max_age_ms may make the daemon run more).
std::vector<Arrival> FramesThatMustRun(const std::vector<Arrival>& arrivals);

}  // namespace joule

#endif  // JOULE_SIM_FRAMES_H_
