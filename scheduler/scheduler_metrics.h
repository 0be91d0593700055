// The scheduler's metrics, declared in one place.
//
// Thread-safe (metric children are atomics).
#ifndef JOULE_SCHEDULER_SCHEDULER_METRICS_H_
#define JOULE_SCHEDULER_SCHEDULER_METRICS_H_

#include "telemetry/metrics.h"

namespace joule {

struct SchedulerMetrics {
  explicit SchedulerMetrics(Registry* r)
      : jobs(r->AddCounter("joule_jobs_total",
                           "Jobs that reached a terminal state, by device "
                           "(\"none\" when rejected) and outcome.",
                           {"device", "outcome"})),
        latency(r->AddHistogram(
            "joule_job_latency_seconds",
            "Submission to completion time of completed jobs.",
            {"device"}, ExponentialBuckets(0.0005, 2, 16))),
        queue_depth(r->AddGauge("joule_queue_depth",
                                "Jobs waiting per device, running excluded.",
                                {"device"})),
        backlog(r->AddGauge("joule_device_backlog_seconds",
                            "Predicted time until the device's queue drains.",
                            {"device"})),
        migrations(r->AddCounter(
            "joule_job_migrations_total",
            "Queued jobs moved off a device that went critical.",
            {"from", "to"})) {}

  Family<Counter>& jobs;
  Family<Histogram>& latency;
  Family<Gauge>& queue_depth;
  Family<Gauge>& backlog;
  Family<Counter>& migrations;
};

}  // namespace joule

#endif  // JOULE_SCHEDULER_SCHEDULER_METRICS_H_
