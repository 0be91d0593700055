#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "scheduler/cost_model.h"

namespace joule {
namespace {

constexpr double kPi = 3.14159265358979323846;

// FNV-1a: a stable stream number per model name.
uint64_t NameHash(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

bool Allowed(const ModelSpec& m, DeviceKind k) {
  return m.allowed_kinds.empty() ||
         std::find(m.allowed_kinds.begin(), m.allowed_kinds.end(), k) !=
             m.allowed_kinds.end();
}

Arrival Make(const ModelSpec& m, int index, double t_s, double deadline_ms) {
  Arrival a;
  a.time = SecondsToDuration(t_s);
  a.model = index;
  a.priority_class = m.priority_class;
  a.deadline_ms = deadline_ms;
  a.batch = m.batch;
  return a;
}

// ON intervals [start, end) of the shared bursty phase process in [0, T).
std::vector<std::pair<double, double>> OnPhases(const WorkloadParams& p,
                                                double duration_s,
                                                uint64_t seed) {
  SimRng rng(DeriveSeed(seed, NameHash("bursty-phases")));
  std::vector<std::pair<double, double>> on;
  double t = 0;
  while (t < duration_s) {
    const double end = std::min(t + rng.Exponential(1.0 / p.on_s), duration_s);
    on.emplace_back(t, end);
    t = p.off_s > 0 ? end + rng.Exponential(1.0 / p.off_s) : end;
  }
  return on;
}

// Poisson at the ON rate in "ON time", mapped onto the ON intervals.
void Bursty(const ModelSpec& m, int index, SimRng& rng,
            const std::vector<std::pair<double, double>>& on,
            const WorkloadParams& p, std::vector<Arrival>* out) {
  const double rate = m.rate_per_s * (p.on_s + p.off_s) / p.on_s;
  double u = 0;       // ON time so far
  double before = 0;  // ON time before interval k
  size_t k = 0;
  for (;;) {
    u += rng.Exponential(rate);
    while (k < on.size() && u >= before + (on[k].second - on[k].first)) {
      before += on[k].second - on[k].first;
      ++k;
    }
    if (k == on.size()) return;
    out->push_back(Make(m, index, on[k].first + (u - before), m.deadline_ms));
  }
}

void Diurnal(const ModelSpec& m, int index, SimRng& rng, double duration_s,
             const WorkloadParams& p, std::vector<Arrival>* out) {
  const double period = p.period_s > 0 ? p.period_s : duration_s;
  const double a = p.amplitude;
  const double peak = m.rate_per_s * (1 + a);
  for (double t = rng.Exponential(peak); t < duration_s;
       t += rng.Exponential(peak)) {
    const double keep = (1 - a * std::cos(2 * kPi * t / period)) / (1 + a);
    if (rng.Uniform01() < keep)
      out->push_back(Make(m, index, t, m.deadline_ms));
  }
}

void Offline(const std::vector<ModelSpec>& models, double duration_s,
             std::vector<Arrival>* out) {
  std::vector<std::pair<double, Arrival>> keyed;
  for (size_t i = 0; i < models.size(); ++i) {
    const long long n = std::llround(models[i].rate_per_s * duration_s);
    for (long long k = 0; k < n; ++k) {
      keyed.emplace_back((k + 0.5) / static_cast<double>(n),
                         Make(models[i], static_cast<int>(i), 0, 0));
    }
  }
  std::stable_sort(
      keyed.begin(), keyed.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, a] : keyed) out->push_back(a);
}

}  // namespace

Duration SecondsToDuration(double s) {
  return Duration(static_cast<Duration::rep>(std::llround(s * 1e9)));
}

absl::StatusOr<std::vector<ModelLoad>> ModelLoads(
    const std::vector<ModelSpec>& models,
    const std::vector<DeviceSpec>& devices) {
  std::vector<ModelLoad> out;
  for (const ModelSpec& m : models) {
    ModelLoad l;
    l.t_min_s = -1;
    for (const DeviceSpec& d : devices) {
      if (!Allowed(m, d.kind)) continue;
      std::optional<Estimate> e =
          EstimateJob(m.cost, m.batch, d, d.max_pstate());
      if (e && (l.t_min_s < 0 || e->exec_s < l.t_min_s)) {
        l.t_min_s = e->exec_s;
        l.best_device = d.name;
      }
    }
    if (l.t_min_s < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model '", m.name, "' cannot run on any device of the profile ",
          "(allowed kinds: ", KindListName(m.allowed_kinds), ")"));
    }
    l.load = m.rate_per_s * l.t_min_s;
    out.push_back(l);
  }
  return out;
}

absl::StatusOr<double> OfferedLoad(const std::vector<ModelSpec>& models,
                                   const std::vector<DeviceSpec>& devices) {
  absl::StatusOr<std::vector<ModelLoad>> loads = ModelLoads(models, devices);
  if (!loads.ok()) return loads.status();
  double rho = 0;
  for (const ModelLoad& l : *loads) rho += l.load;
  return rho;
}

absl::StatusOr<std::vector<ModelSpec>> ScaleToUtilization(
    std::vector<ModelSpec> models, const std::vector<DeviceSpec>& devices,
    double target) {
  absl::StatusOr<double> rho = OfferedLoad(models, devices);
  if (!rho.ok()) return rho.status();
  if (*rho <= 0)
    return absl::InvalidArgumentError("the model mix offers no load");
  for (ModelSpec& m : models) m.rate_per_s *= target / *rho;
  return models;
}

Trace GenerateTrace(const std::vector<ModelSpec>& models,
                    const WorkloadParams& params, Duration duration,
                    uint64_t seed) {
  Trace trace;
  const double t_end = ToSeconds(duration);
  std::vector<Arrival>& out = trace.arrivals;
  switch (params.kind) {
    case WorkloadKind::kSingleStream:
      trace.closed_loop = true;
      trace.closed_loop_seed = DeriveSeed(seed, NameHash("single-stream"));
      return trace;
    case WorkloadKind::kOffline:
      Offline(models, t_end, &out);
      return trace;
    default:
      break;
  }
  std::vector<std::pair<double, double>> on;
  if (params.kind == WorkloadKind::kBursty) on = OnPhases(params, t_end, seed);
  for (size_t i = 0; i < models.size(); ++i) {
    const ModelSpec& m = models[i];
    const int index = static_cast<int>(i);
    SimRng rng(DeriveSeed(seed, NameHash(m.name)));
    if (params.kind == WorkloadKind::kBursty) {
      Bursty(m, index, rng, on, params, &out);
    } else if (params.kind == WorkloadKind::kDiurnal) {
      Diurnal(m, index, rng, t_end, params, &out);
    } else {
      const double deadline = params.kind == WorkloadKind::kServer
                                  ? m.server_bound_ms()
                                  : m.deadline_ms;
      for (double t = rng.Exponential(m.rate_per_s); t < t_end;
           t += rng.Exponential(m.rate_per_s)) {
        out.push_back(Make(m, index, t, deadline));
      }
    }
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const Arrival& a, const Arrival& b) { return a.time < b.time; });
  return trace;
}

SingleStreamSource::SingleStreamSource(const std::vector<ModelSpec>& models,
                                       uint64_t seed)
    : models_(models), rng_(seed) {
  for (const ModelSpec& m : models) weights_.push_back(m.rate_per_s);
}

Arrival SingleStreamSource::Next(Duration now) {
  const int i = static_cast<int>(rng_.Pick(weights_));
  Arrival a = Make(models_[i], i, 0, 0);
  a.time = now;
  return a;
}

}  // namespace joule
