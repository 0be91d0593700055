#include "scheduler/frame_cache.h"

#include <utility>

namespace joule {

std::string FrameCache::Key(std::string_view model, std::string_view stream) {
  // Model names hold no NUL (core/policy_loader.cc, IsModelName).
  std::string key;
  key.reserve(model.size() + 1 + stream.size());
  key.append(model).push_back('\0');
  key.append(stream);
  return key;
}

const HeldFrame* FrameCache::Find(std::string_view model,
                                  std::string_view stream) {
  auto it = index_.find(Key(model, stream));
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->frame;
}

void FrameCache::Remember(std::string_view model, std::string_view stream,
                          HeldFrame frame) {
  if (capacity_ == 0) return;
  std::string key = Key(model, stream);
  auto it = index_.find(key);
  if (it != index_.end()) {
    Entry& e = *it->second;
    if (e.frame.job_id > frame.job_id) return;
    e.frame = std::move(frame);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(Entry{key, std::string(model), std::move(frame)});
  index_.emplace(std::move(key), lru_.begin());
  Trim();
}

void FrameCache::ForgetModel(std::string_view model) {
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (it->model == model) {
      index_.erase(it->key);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
}

void FrameCache::SetCapacity(size_t capacity) {
  capacity_ = capacity;
  Trim();
}

void FrameCache::Trim() {
  while (index_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

std::vector<Tensor> FrameCache::Borrow(
    const std::shared_ptr<const std::vector<Tensor>>& outputs) {
  std::vector<Tensor> out;
  if (!outputs) return out;
  out.reserve(outputs->size());
  for (const Tensor& t : *outputs) {
    Tensor b;
    b.name = t.name;
    b.dtype = t.dtype;
    b.shape = t.shape;
    b.bytes = TensorBytes::Borrow(t.bytes.view(), outputs);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace joule
