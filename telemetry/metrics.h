// Metrics registry: counters, gauges and histograms with labels, exposed in
// the Prometheus text format 0.0.4 (telemetry/exposition.h).
//
// Thread-safe. The hot path is cheap: look a labelled child up once
// (Family::WithLabels, which takes the family's lock) and keep the reference;
// Inc/Set/Observe on a child are lock-free atomics. References stay valid for
// the registry's lifetime.
#ifndef JOULE_TELEMETRY_METRICS_H_
#define JOULE_TELEMETRY_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace joule {

inline constexpr char kExpositionContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  // v >= 0. A negative or NaN increment is a caller bug: it is dropped (a
  // counter never goes down) and logged once.
  void Inc(double v = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds`: strictly increasing finite upper bounds; +Inf is implicit (a
  // trailing +Inf is accepted and dropped). Crashes on anything else.
  explicit Histogram(std::vector<double> bounds);
  // Counts v in the first bucket whose bound is >= v (NaN: the +Inf bucket).
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;  // == cumulative_counts.back(), always
  };
  // Each bucket is read atomically; under concurrent Observe() the snapshot
  // may include an observation in the buckets and not yet in `sum`.
  Snapshot Snap() const;

 private:
  const std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts; bounds_.size() + 1, the last is +Inf.
  // The total count is their sum, so _count always equals the +Inf bucket.
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
};

// Exponential bucket bounds: start, start*factor, ... (count of them).
// REQUIRES: start > 0, factor > 1, count >= 1.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// Prometheus name rules: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label
// names [a-zA-Z_][a-zA-Z0-9_]* and must not start with "__" (reserved).
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

enum class MetricType { kCounter, kGauge, kHistogram };

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help,
             std::vector<std::string> label_names, MetricType type)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        type_(type) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  MetricType type() const { return type_; }

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const MetricType type_;
};

template <typename M>
class Family final : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;
  Family(std::string name, std::string help, std::vector<std::string> labels,
         MetricType type, std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), std::move(labels), type),
        bounds_(std::move(bounds)) {}

  // The child for these label values, created on first use. Crashes if the
  // number of values differs from the number of label names.
  M& WithLabels(const LabelValues& values);
  // Calls fn(values, child) for every child, in label order, under the
  // family's lock: fn must not call WithLabels on this family.
  template <typename Fn>
  void ForEach(Fn fn) const {
    absl::MutexLock l(&mu_);
    for (const auto& [values, child] : children_) fn(values, *child);
  }

 private:
  M* NewChild();
  const std::vector<double> bounds_;  // histograms only
  mutable absl::Mutex mu_;
  std::map<LabelValues, std::unique_ptr<M>> children_ ABSL_GUARDED_BY(mu_);
};

class Registry {
 public:
  // Crash on an invalid or duplicate name: metric names are code, not input.
  // A family without labels gets its one child at once, so it is exposed
  // (as 0) before its first use; a histogram may not have an "le" label.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name,
                                  const std::string& help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> bounds);

  // Every family in registration order, for the exposition writer.
  std::vector<const FamilyBase*> Families() const;

 private:
  // Crashes unless `name` and `label_names` are valid and no existing family
  // owns a name this one would expose (histograms also expose _bucket, _sum
  // and _count series).
  void CheckNew(const std::string& name,
                const std::vector<std::string>& label_names,
                MetricType type) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_TELEMETRY_METRICS_H_
