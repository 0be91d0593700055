// Implementation of telemetry/metrics.h.
#include "telemetry/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "spdlog/spdlog.h"

namespace joule {
namespace {

// Metric and label names are code, not input: a bad one is a broken
// invariant, so the process stops at registration rather than exposing a
// scrape that Prometheus rejects. stderr directly, so the message survives
// whatever logger is configured (and death tests can match it).
[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "joule telemetry: %s\n", msg.c_str());
  std::fflush(stderr);
  spdlog::critical("telemetry: {}", msg);
  std::abort();
}

bool IsNameStart(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (allow_colon && c == ':');
}

bool IsNameChar(char c, bool allow_colon) {
  return IsNameStart(c, allow_colon) || (c >= '0' && c <= '9');
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty() || !IsNameStart(name[0], allow_colon)) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return IsNameChar(c, allow_colon); });
}

// Lock-free `*a += v` for atomic<double> (fetch_add on floating point is
// C++20).
void AtomicAdd(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::vector<double> CheckedBounds(std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) {
    bounds.pop_back();
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      Die(absl::StrCat("histogram bound ", i, " is not finite"));
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      Die(absl::StrCat("histogram bounds not strictly increasing at ", i, ": ",
                       bounds[i - 1], " then ", bounds[i]));
    }
  }
  return bounds;
}

// The series names a family of `type` called `name` writes.
std::vector<std::string> ExposedNames(const std::string& name,
                                      MetricType type) {
  if (type != MetricType::kHistogram) return {name};
  return {name, name + "_bucket", name + "_sum", name + "_count"};
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, /*allow_colon=*/true);
}

bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, /*allow_colon=*/false) && name.substr(0, 2) != "__";
}

void Counter::Inc(double v) {
  if (!(v >= 0)) {  // also catches NaN
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) {
      spdlog::error("telemetry: counter increment {} < 0 or NaN dropped", v);
    }
    return;
  }
  AtomicAdd(value_, v);
}

void Gauge::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(CheckedBounds(std::move(bounds))),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    buckets_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double v) {
  size_t i = bounds_.size();  // +Inf, also for NaN
  if (!std::isnan(v)) {
    i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  }
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
}

Histogram::Snapshot Histogram::Snap() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative_counts.reserve(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative_counts.push_back(total);
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  if (!(start > 0) || !(factor > 1) || count < 1) {
    Die(absl::StrCat("ExponentialBuckets(", start, ", ", factor, ", ", count,
                     "): need start > 0, factor > 1, count >= 1"));
  }
  std::vector<double> bounds;
  bounds.reserve(count);
  double b = start;
  for (int i = 0; i < count; ++i, b *= factor) bounds.push_back(b);
  return bounds;
}

template <typename M>
M& Family<M>::WithLabels(const LabelValues& values) {
  if (values.size() != label_names().size()) {
    Die(absl::StrCat(name(), ": ", values.size(), " label values for ",
                     label_names().size(), " label names (",
                     absl::StrJoin(label_names(), ","), ")"));
  }
  absl::MutexLock l(&mu_);
  auto it = children_.find(values);
  if (it == children_.end()) {
    it = children_.emplace(values, std::unique_ptr<M>(NewChild())).first;
  }
  return *it->second;
}

template <typename M>
M* Family<M>::NewChild() {
  return new M();
}

template <>
Histogram* Family<Histogram>::NewChild() {
  return new Histogram(bounds_);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::CheckNew(const std::string& name,
                        const std::vector<std::string>& label_names,
                        MetricType type) const {
  if (!IsValidMetricName(name)) {
    Die(absl::StrCat("invalid metric name \"", name, "\""));
  }
  std::set<std::string> seen;
  for (const std::string& l : label_names) {
    if (!IsValidLabelName(l)) {
      Die(absl::StrCat(name, ": invalid label name \"", l, "\""));
    }
    if (type == MetricType::kHistogram && l == "le") {
      Die(absl::StrCat(name, ": a histogram may not have an \"le\" label"));
    }
    if (!seen.insert(l).second) {
      Die(absl::StrCat(name, ": duplicate label name \"", l, "\""));
    }
  }
  std::vector<std::string> mine = ExposedNames(name, type);
  for (const auto& f : families_) {
    for (const std::string& theirs : ExposedNames(f->name(), f->type())) {
      if (std::find(mine.begin(), mine.end(), theirs) != mine.end()) {
        Die(absl::StrCat("metric \"", name, "\" clashes with \"", theirs,
                         "\" of family \"", f->name(), "\""));
      }
    }
  }
}

Family<Counter>& Registry::AddCounter(const std::string& name,
                                      const std::string& help,
                                      std::vector<std::string> label_names) {
  absl::MutexLock l(&mu_);
  CheckNew(name, label_names, MetricType::kCounter);
  auto f = std::make_unique<Family<Counter>>(name, help, std::move(label_names),
                                             MetricType::kCounter,
                                             std::vector<double>{});
  Family<Counter>& ref = *f;
  families_.push_back(std::move(f));
  if (ref.label_names().empty()) ref.WithLabels({});
  return ref;
}

Family<Gauge>& Registry::AddGauge(const std::string& name,
                                  const std::string& help,
                                  std::vector<std::string> label_names) {
  absl::MutexLock l(&mu_);
  CheckNew(name, label_names, MetricType::kGauge);
  auto f = std::make_unique<Family<Gauge>>(name, help, std::move(label_names),
                                           MetricType::kGauge,
                                           std::vector<double>{});
  Family<Gauge>& ref = *f;
  families_.push_back(std::move(f));
  if (ref.label_names().empty()) ref.WithLabels({});
  return ref;
}

Family<Histogram>& Registry::AddHistogram(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  absl::MutexLock l(&mu_);
  CheckNew(name, label_names, MetricType::kHistogram);
  auto f = std::make_unique<Family<Histogram>>(
      name, help, std::move(label_names), MetricType::kHistogram,
      CheckedBounds(std::move(bounds)));
  Family<Histogram>& ref = *f;
  families_.push_back(std::move(f));
  if (ref.label_names().empty()) ref.WithLabels({});
  return ref;
}

std::vector<const FamilyBase*> Registry::Families() const {
  absl::MutexLock l(&mu_);
  std::vector<const FamilyBase*> out;
  out.reserve(families_.size());
  for (const auto& f : families_) out.push_back(f.get());
  return out;
}

}  // namespace joule
