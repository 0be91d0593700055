// FinishedJobs: the terminal records GetJob answers from once a job has left
// the scheduler, at most `capacity` of them.
//
// A ring indexed by job id (the Scheduler issues ids sequentially from 1):
// job `id` lives in entry id % capacity, and a record replaces the one there
// only if its id is larger. So a finished job is forgotten once a job issued
// `capacity` ids (or a multiple) after it has finished too, and at most
// `capacity` records are ever held. Compared with a hash map plus an
// eviction queue: no allocation or hashing per job once the ring has grown
// to its capacity, and the evicted record's memory is reused in place. The
// ring grows with the ids rather than up front, so a daemon that ran few
// jobs holds few records.
//
// The rule differs from "forget the oldest finished" in one case: a job
// that ends after a job `capacity` ids newer has already ended (it ran
// while `capacity` later jobs were submitted and finished) is not kept.
//
// Not thread-safe: the Scheduler keeps it under its lock.
#ifndef JOULE_SCHEDULER_FINISHED_JOBS_H_
#define JOULE_SCHEDULER_FINISHED_JOBS_H_

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "scheduler/job.h"

namespace joule {

class FinishedJobs {
 public:
  explicit FinishedJobs(size_t capacity) : capacity_(capacity) {}

  // Records a job that reached its terminal state. REQUIRES: info.id != 0.
  // The const& form copies `info` only when it is kept (not at all with
  // capacity 0).
  void Add(const JobInfo& info) {
    if (JobInfo* slot = SlotFor(info.id)) *slot = info;
  }
  void Add(JobInfo&& info) {
    if (JobInfo* slot = SlotFor(info.id)) *slot = std::move(info);
  }

  // The record of job `id`, or nullptr if never recorded or forgotten.
  // Valid until the next Add or SetCapacity.
  const JobInfo* Find(JobId id) const {
    if (capacity_ == 0 || id == 0) return nullptr;
    const size_t i = id % capacity_;
    if (i >= ring_.size() || ring_[i].id != id) return nullptr;
    return &ring_[i];
  }

  // Changes the bound. The records that still fit are kept (of those that
  // now share an entry, the newest).
  void SetCapacity(size_t capacity) {
    if (capacity == capacity_) return;
    std::vector<JobInfo> old;
    old.swap(ring_);
    capacity_ = capacity;
    size_ = 0;
    for (JobInfo& info : old) {
      if (info.id != 0) Add(std::move(info));
    }
  }

  size_t capacity() const { return capacity_; }
  // Records held; <= capacity().
  size_t size() const { return size_; }

 private:
  // Growing the ring moves the records rather than copying them.
  static_assert(std::is_nothrow_move_constructible_v<JobInfo>);

  // The entry job `id` is to be written to, or nullptr when it is not kept.
  JobInfo* SlotFor(JobId id) {
    if (capacity_ == 0) return nullptr;
    const size_t i = id % capacity_;
    if (i >= ring_.size()) ring_.resize(i + 1);  // grows geometrically
    JobInfo& slot = ring_[i];
    if (slot.id > id) return nullptr;  // a newer job already took the entry
    if (slot.id == 0) ++size_;
    return &slot;
  }

  size_t capacity_;
  std::vector<JobInfo> ring_;  // id 0: an empty entry
  size_t size_ = 0;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_FINISHED_JOBS_H_
