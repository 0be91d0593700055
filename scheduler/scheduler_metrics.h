// The scheduler's metrics, declared in one place.
//
// Thread-safe (metric children are atomics).
#ifndef JOULE_SCHEDULER_SCHEDULER_METRICS_H_
#define JOULE_SCHEDULER_SCHEDULER_METRICS_H_

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
            {"device"}, PredictionErrorRatioBuckets())) {}

  Family<Counter>& jobs;
  Family<Histogram>& latency;
  Family<Gauge>& queue_depth;
  Family<Gauge>& backlog;
  Family<Counter>& migrations;
  Family<Histogram>& prediction_error;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_SCHEDULER_METRICS_H_
