#include "scheduler/placement.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace joule {
namespace {

// "12.40 ms": seconds in the unit that reads best (s, ms, us).
std::string FormatSeconds(double s) {
  if (s >= 1) return absl::StrFormat("%.2f s", s);
  if (s >= 1e-3) return absl::StrFormat("%.2f ms", s * 1e3);
  return absl::StrFormat("%.2f us", s * 1e6);
}

// "2.00 mJ": joules in the unit that reads best (J, mJ, uJ).
std::string FormatJoules(double j) {
  if (j >= 1) return absl::StrFormat("%.2f J", j);
  if (j >= 1e-3) return absl::StrFormat("%.2f mJ", j * 1e3);
  return absl::StrFormat("%.2f uJ", j * 1e6);
}

// Debian's Abseil has its own string_view, so std::string_view names are
// copied before StrCat/StrFormat.
std::string Name(std::string_view s) { return std::string(s); }

// "fp16,int8": the precisions `has` supports, in enum order.
template <typename T>
std::string PrecisionList(const T& has) {
  std::vector<std::string> names;
  for (Precision p : kAllPrecisions) {
    if (has.Supports(p)) names.push_back(Name(PrecisionName(p)));
  }
  return names.empty() ? "none" : absl::StrJoin(names, ",");
}

bool KindAllowed(const PlacementRequest& req, DeviceKind kind) {
  return req.allowed_kinds.empty() ||
         std::find(req.allowed_kinds.begin(), req.allowed_kinds.end(), kind) !=
             req.allowed_kinds.end();
}

// The strategy's ranking key for a candidate with an estimate; see
// placement.h. `index` and `n` place it in the round-robin rotation.
double RankKey(PlacementStrategy strategy, const CandidateResult& r,
               const ClassWeights& w, size_t index, size_t n, uint64_t cursor) {
  switch (strategy) {
    case PlacementStrategy::kFastest:
      return r.estimate->exec_s;
    case PlacementStrategy::kEft:
      return r.finish_s;
    case PlacementStrategy::kRoundRobin:
      return static_cast<double>((index + n - cursor % n) % n);
    case PlacementStrategy::kJoule:
      break;
  }
  return w.latency_weight_per_s * r.finish_s +
         w.energy_weight_per_j * r.estimate->energy_j;
}

// "joule": the lowest P-state from c.pstate to c.max_pstate at which EDF
// over the queue meets the deadlines, its estimate, finish, marginal energy
// and score (placement.h). `r` holds the estimate at c.pstate. Returns
// whether some P-state is feasible (otherwise `r` stays at c.pstate).
bool EvaluateJoule(const PlacementRequest& req, const PlacementCandidate& c,
                   const ClassWeights& w, double deadline_margin,
                   CandidateResult* r) {
  static const std::vector<QueuedJob> kEmpty;
  const DeviceSpec& spec = *c.spec;
  const int n = static_cast<int>(spec.pstates.size());
  const int p = std::clamp(c.pstate, 0, n - 1);
  const int hi = std::clamp(c.max_pstate, p, n - 1);
  const std::vector<QueuedJob>& queue = c.queue ? *c.queue : kEmpty;
  // Without a queue the backlog is one block ahead of the job.
  const double ahead =
      (c.queue ? c.running_left_s : c.backlog_s) + c.wake_latency_s;
  absl::InlinedVector<double, 16> exec(n, 0.0);
  QueuedJob job;
  job.priority_class = req.priority_class;
  if (req.deadline_s) job.deadline_s = *req.deadline_s;
  job.exec_s = exec.data();

  bool feasible = false;
  double finish = 0;
  Estimate est = *r->estimate;
  for (int q = p; q <= hi; ++q) {
    if (q > p) {
      std::optional<Estimate> e = EstimateJob(req.cost, req.batch, spec, q);
      if (!e) break;
      if (c.exec_scale != 1.0) ApplyCalibration(c.exec_scale, &*e);
      est = *e;
    }
    exec[q] = est.exec_s;
    if (EdfFeasible(ahead, queue, &job, q, hi, &finish)) {
      feasible = true;
      break;
    }
  }
  if (!feasible) {
    est = *r->estimate;
    exec[p] = est.exec_s;
    EdfFeasible(ahead, queue, &job, p, hi, &finish);
  }
  const int q = est.pstate;
  const double idle =
      c.idle_power_w >= 0 ? c.idle_power_w : spec.static_power_w;
  double marginal = est.energy_j - idle * est.exec_s + c.wake_energy_j;
  if (q > p) {
    for (const QueuedJob& k : queue) {
      marginal += spec.pstates[q].dynamic_power_w * k.exec_s[q] -
                  spec.pstates[p].dynamic_power_w * k.exec_s[p];
    }
  }
  const double late =
      req.deadline_s ? std::max(0.0, finish - deadline_margin * *req.deadline_s)
                     : finish;
  r->estimate = est;
  r->finish_s = finish;
  r->marginal_j = marginal;
  r->raises_pstate = q > p;
  r->score = w.latency_weight_per_s * late + w.energy_weight_per_j * marginal;
  return feasible;
}

// Estimate, finish, score and the first reason the device cannot take the
// job, in the order Infeasible lists them.
CandidateResult Evaluate(const PlacementRequest& req,
                         const PlacementCandidate& c, const ClassWeights& w,
                         const SchedulerTunables& t, size_t index, size_t n,
                         uint64_t cursor) {
  const PlacementStrategy strategy = t.placement;
  if (c.spec == nullptr) {
    std::fprintf(stderr, "Place: candidate without a DeviceSpec\n");
    std::abort();
  }
  const DeviceSpec& spec = *c.spec;
  CandidateResult r;
  r.device = spec.name;
  r.kind = spec.kind;
  r.backlog_s = c.backlog_s;
  r.hot = c.hot;
  r.estimate = EstimateJob(req.cost, req.batch, spec, c.pstate);
  if (r.estimate && c.exec_scale != 1.0) {
    ApplyCalibration(c.exec_scale, &*r.estimate);
  }
  bool meets_deadline = true;
  if (r.estimate && strategy == PlacementStrategy::kJoule) {
    meets_deadline = EvaluateJoule(req, c, w, t.deadline_margin, &r);
  } else if (r.estimate) {
    r.finish_s = c.backlog_s + r.estimate->exec_s;
    r.score = RankKey(strategy, r, w, index, n, cursor);
    r.marginal_j = r.estimate->energy_j;
    meets_deadline = !req.deadline_s || r.finish_s <= *req.deadline_s;
  }

  if (!KindAllowed(req, spec.kind)) {
    r.infeasible = Infeasible::kKindNotAllowed;
    r.reason =
        absl::StrCat("kind ", Name(DeviceKindName(spec.kind)), " not allowed");
  } else if (!c.supports_model) {
    r.infeasible = Infeasible::kModelUnsupported;
    r.reason = "its executor cannot run this model";
  } else if (!r.estimate) {
    r.infeasible = Infeasible::kNoCommonPrecision;
    r.reason =
        absl::StrCat("no common precision (job: ", PrecisionList(req.cost),
                     "; device: ", PrecisionList(spec), ")");
  } else if (c.critical) {
    r.infeasible = Infeasible::kCritical;
    r.reason = "critical temperature";
  } else if (!meets_deadline) {
    r.infeasible = Infeasible::kMissesDeadline;
    r.reason = req.deadline_s && r.finish_s > *req.deadline_s
                   ? absl::StrCat("misses deadline: finish ",
                                  FormatSeconds(r.finish_s), " > deadline ",
                                  FormatSeconds(*req.deadline_s))
                   : "would make a queued job miss its deadline";
  } else if (c.queue_full) {
    r.infeasible = Infeasible::kQueueFull;
    r.reason = "queue full";
  }
  return r;
}

// True when feasible `a` beats feasible `b` (b earlier in the input): lower
// score, then lower finish; equal ones keep the earlier.
bool Beats(const CandidateResult& a, const CandidateResult& b) {
  if (a.hot != b.hot) return !a.hot;
  if (a.score != b.score) return a.score < b.score;
  return a.finish_s < b.finish_s;
}

// What a baseline strategy ranked by, for the explanation.
std::string BaselineKey(PlacementStrategy strategy, const CandidateResult& r,
                        size_t n, uint64_t cursor) {
  switch (strategy) {
    case PlacementStrategy::kFastest:
      return absl::StrCat("run time ", FormatSeconds(r.estimate->exec_s));
    case PlacementStrategy::kEft:
      return absl::StrCat("finish ", FormatSeconds(r.finish_s), " = backlog ",
                          FormatSeconds(r.backlog_s), " + run ",
                          FormatSeconds(r.estimate->exec_s));
    case PlacementStrategy::kRoundRobin:
      return absl::StrFormat(
          "first feasible device in turn from index %d "
          "of %d",
          static_cast<int>(cursor % n), static_cast<int>(n));
    case PlacementStrategy::kJoule:
      break;
  }
  return absl::StrFormat("score %.4g", r.score);
}

std::string Explain(const PlacementRequest& req, const ClassWeights& w,
                    PlacementStrategy strategy, uint64_t cursor,
                    const Placement& pl) {
  std::vector<std::string> infeasible;
  for (const CandidateResult& r : pl.candidates) {
    if (r.infeasible != Infeasible::kNone) {
      infeasible.push_back(absl::StrCat(r.device, " ", r.reason));
    }
  }
  if (pl.chosen < 0) {
    if (infeasible.empty()) return "no feasible device: no devices";
    return absl::StrCat("no feasible device: ",
                        absl::StrJoin(infeasible, "; "));
  }

  const CandidateResult& win = pl.candidates[pl.chosen];
  if (strategy != PlacementStrategy::kJoule) {
    const size_t n = pl.candidates.size();
    std::string s = absl::StrCat(
        win.device, " wins by ", Name(PlacementStrategyName(strategy)), " at ",
        Name(PrecisionName(win.estimate->precision)), ", P",
        win.estimate->pstate, ": ", BaselineKey(strategy, win, n, cursor));
    for (const std::string& why : infeasible) absl::StrAppend(&s, "; ", why);
    return s;
  }
  std::string s = absl::StrFormat(
      "%s wins at %s, P%d%s%s (%s, %s: %g/s, %g/J): score %.4g, finish %s, "
      "adds %s",
      win.device, Name(PrecisionName(win.estimate->precision)),
      win.estimate->pstate, win.raises_pstate ? " (raised)" : "",
      win.hot ? " (hot, no cooler device can take it)" : "",
      Name(PriorityClassName(req.priority_class)),
      Name(PreferenceName(req.preference)), w.latency_weight_per_s,
      w.energy_weight_per_j, win.score, FormatSeconds(win.finish_s),
      FormatJoules(win.marginal_j));

  const CandidateResult* next = nullptr;
  for (int i = 0; i < static_cast<int>(pl.candidates.size()); ++i) {
    const CandidateResult& r = pl.candidates[i];
    if (i == pl.chosen || r.infeasible != Infeasible::kNone) continue;
    if (next == nullptr || Beats(r, *next)) next = &r;
  }
  if (next != nullptr) {
    absl::StrAppend(&s, "; next best ", next->device,
                    absl::StrFormat(" score %.4g", next->score), " (finish ",
                    FormatSeconds(next->finish_s), ", adds ",
                    FormatJoules(next->marginal_j), ")");
  } else {
    absl::StrAppend(&s, "; no other feasible device");
  }
  for (const std::string& why : infeasible) absl::StrAppend(&s, "; ", why);
  return s;
}

}  // namespace

bool EdfFeasible(double running_left_s, const std::vector<QueuedJob>& queue,
                 const QueuedJob* extra, int q, int ref,
                 double* extra_finish_s) {
  // (class, deadline) order; on a tie the queued job (older) goes first.
  auto precedes = [](const QueuedJob& a, const QueuedJob& b) {
    if (a.priority_class != b.priority_class) {
      return static_cast<int>(a.priority_class) <
             static_cast<int>(b.priority_class);
    }
    return a.deadline_s < b.deadline_s;
  };
  double t_ref = running_left_s;  // at ref, without extra
  double t = running_left_s;      // at q, with extra
  bool placed = extra == nullptr;
  bool ok = true;
  auto place_extra = [&] {
    t += extra->exec_s[q];
    if (extra_finish_s) *extra_finish_s = t;
    if (t > extra->deadline_s) ok = false;
    placed = true;
  };
  for (const QueuedJob& k : queue) {
    if (!placed && precedes(*extra, k)) place_extra();
    t_ref += k.exec_s[ref];
    t += k.exec_s[q];
    if (t > k.deadline_s && t_ref <= k.deadline_s) ok = false;
  }
  if (!placed) place_extra();
  return ok;
}

int EdfFloor(double running_left_s, const std::vector<QueuedJob>& queue,
             int cap) {
  bool any = false;
  for (const QueuedJob& k : queue) {
    any = any || k.deadline_s != std::numeric_limits<double>::infinity();
  }
  if (!any) return -1;
  for (int q = 0; q < cap; ++q) {
    if (EdfFeasible(running_left_s, queue, nullptr, q, cap)) return q;
  }
  return std::max(cap, 0);
}

ClassWeights EffectiveWeights(const SchedulerTunables& t, PriorityClass c,
                              Preference p) {
  switch (p) {
    case Preference::kLatency:
      return ClassWeights{1.0, 1e-6};
    case Preference::kEnergy:
      return ClassWeights{1e-6, 1.0};
    case Preference::kBalanced:
      break;
  }
  return t.class_weights[static_cast<int>(c)];
}

Placement Place(const PlacementRequest& req,
                const std::vector<PlacementCandidate>& candidates,
                const SchedulerTunables& tunables,
                uint64_t round_robin_cursor) {
  const ClassWeights w =
      EffectiveWeights(tunables, req.priority_class, req.preference);
  const PlacementStrategy strategy = tunables.placement;
  Placement pl;
  pl.candidates.reserve(candidates.size());
  for (const PlacementCandidate& c : candidates) {
    pl.candidates.push_back(Evaluate(req, c, w, tunables, pl.candidates.size(),
                                     candidates.size(), round_robin_cursor));
    const CandidateResult& r = pl.candidates.back();
    if (r.infeasible != Infeasible::kNone) continue;
    if (pl.chosen < 0 || Beats(r, pl.candidates[pl.chosen])) {
      pl.chosen = static_cast<int>(pl.candidates.size()) - 1;
    }
  }
  if (req.explain || pl.chosen < 0) {
    pl.explanation = Explain(req, w, strategy, round_robin_cursor, pl);
  }
  return pl;
}

}  // namespace joule
