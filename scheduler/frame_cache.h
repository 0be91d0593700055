// FrameCache: per (model, stream), the last frame that ran and its result,
// which a later job of the stream may reuse (scheduler/frame_skip.h says
// when). At most `capacity` streams are held; holding one more forgets the
// least recently used (looked up or remembered). The outputs are shared,
// not copied: a skipped job's outputs borrow them (core/tensor.h), so they
// stay valid after the stream is forgotten.
//
// Not thread-safe: the Scheduler keeps it under its lock.
#ifndef JOULE_SCHEDULER_FRAME_CACHE_H_
#define JOULE_SCHEDULER_FRAME_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/policy.h"
#include "core/tensor.h"
#include "scheduler/frame_skip.h"

namespace joule {

struct HeldFrame {
  uint64_t job_id = 0;  // the job that produced the result
  TimePoint produced{};
  FrameSignal signal;
  std::string device;  // where it ran
  std::shared_ptr<const std::vector<Tensor>> outputs;
};

// The streams the policy lets a cache hold: max_streams, 0 when disabled.
inline size_t FrameCapacity(const FrameSkipTunables& t) {
  return t.enabled ? t.max_streams : 0;
}

class FrameCache {
 public:
  explicit FrameCache(size_t capacity) : capacity_(capacity) {}

  // The stream's held frame (now the most recently used), or nullptr. Valid
  // until the next non-const call.
  const HeldFrame* Find(std::string_view model, std::string_view stream);
  // Holds `frame` for the stream unless a later job's is held already (jobs
  // of one stream may finish out of order on different devices).
  void Remember(std::string_view model, std::string_view stream,
                HeldFrame frame);
  // Forgets every stream of `model` (unloaded or replaced).
  void ForgetModel(std::string_view model);
  // Changes the bound, forgetting the least recently used beyond it.
  void SetCapacity(size_t capacity);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

  // Copies of `outputs` whose bytes borrow them (no byte copied).
  static std::vector<Tensor> Borrow(
      const std::shared_ptr<const std::vector<Tensor>>& outputs);

 private:
  struct Entry {
    std::string key;
    std::string model;
    HeldFrame frame;
  };
  static std::string Key(std::string_view model, std::string_view stream);
  void Trim();

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_FRAME_CACHE_H_
