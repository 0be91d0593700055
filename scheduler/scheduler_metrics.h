// The scheduler's metrics, declared in one place, and SlotMetrics: one
// device's labelled children, looked up once and kept.
//
// SchedulerMetrics is thread-safe (metric children are atomics).
// SlotMetrics is not: its lazy lookups are guarded by the caller's lock
// (the Scheduler's mu_); the children it returns are thread-safe.
#ifndef JOULE_SCHEDULER_SCHEDULER_METRICS_H_
#define JOULE_SCHEDULER_SCHEDULER_METRICS_H_

#include <array>
#include <string>

#include "core/types.h"
#include "scheduler/calibration.h"
#include "telemetry/metrics.h"

namespace joule {

struct SchedulerMetrics {
  explicit SchedulerMetrics(Registry* r)
      : jobs(r->AddCounter("joule_jobs_total",
                           "Jobs that reached a terminal state, by device "
                           "(\"none\" when rejected) and outcome.",
                           {"device", "outcome"})),
        latency(
            r->AddHistogram("joule_job_latency_seconds",
                            "Submission to completion time of completed jobs.",
                            {"device"}, ExponentialBuckets(0.0005, 2, 16))),
        queue_depth(r->AddGauge("joule_queue_depth",
                                "Jobs waiting per device, running excluded.",
                                {"device"})),
        backlog(r->AddGauge("joule_device_backlog_seconds",
                            "Predicted time until the device's queue drains.",
                            {"device"})),
        migrations(
            r->AddCounter("joule_job_migrations_total",
                          "Queued jobs moved off a device that went critical.",
                          {"from", "to"})),
        prediction_error(r->AddHistogram(
            "joule_prediction_error_ratio",
            "Measured / predicted run time of jobs completed on real "
            "devices (the calibrated prediction placement used).",
            {"device"}, PredictionErrorRatioBuckets())),
        skipped(r->AddCounter(
            "joule_jobs_skipped_total",
            "Jobs completed without running: their stream's frame changed "
            "less than the model's frame_skip threshold, so the held "
            "result was reused (also counted in joule_jobs_total, device "
            "\"none\").",
            {"model"})),
        frame_streams(r->AddGauge(
            "joule_frame_skip_streams",
            "Streams whose last result is held for frame skipping.", {})) {}

  Family<Counter>& jobs;
  Family<Histogram>& latency;
  Family<Gauge>& queue_depth;
  Family<Gauge>& backlog;
  Family<Counter>& migrations;
  Family<Histogram>& prediction_error;
  Family<Counter>& skipped;
  Family<Gauge>& frame_streams;
};

// One device's children of the per-device families. Family::WithLabels
// builds a label vector and takes the family's lock; the scheduler records
// several metrics per job, so each child is looked up on its first use and
// the reference kept (children live as long as the registry). Created
// lazily, not up front, so /metrics shows the same series as before: a
// child appears once something was recorded in it. `device` may be "none"
// (rejected jobs).
class SlotMetrics {
 public:
  SlotMetrics(SchedulerMetrics* metrics, std::string device)
      : metrics_(metrics), device_(std::move(device)) {}

  Counter& jobs(JobState outcome) {
    Counter*& c = jobs_[static_cast<int>(outcome)];
    if (c == nullptr) {
      c = &metrics_->jobs.WithLabels(
          {device_, std::string(JobStateName(outcome))});
    }
    return *c;
  }
  Histogram& latency() { return Get(metrics_->latency, &latency_); }
  Gauge& queue_depth() { return Get(metrics_->queue_depth, &queue_depth_); }
  Gauge& backlog() { return Get(metrics_->backlog, &backlog_); }
  Histogram& prediction_error() {
    return Get(metrics_->prediction_error, &prediction_error_);
  }

 private:
  template <typename M>
  M& Get(Family<M>& family, M** cached) {
    if (*cached == nullptr) *cached = &family.WithLabels({device_});
    return **cached;
  }

  SchedulerMetrics* metrics_;
  std::string device_;
  // Indexed by JobState; only terminal states are used.
  std::array<Counter*, static_cast<int>(JobState::kRejected) + 1> jobs_{};
  Histogram* latency_ = nullptr;
  Gauge* queue_depth_ = nullptr;
  Gauge* backlog_ = nullptr;
  Histogram* prediction_error_ = nullptr;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_SCHEDULER_METRICS_H_
