#include "scheduler/placement.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

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

// Estimate, finish, score and the first reason the device cannot take the
// job, in the order Infeasible lists them.
CandidateResult Evaluate(const PlacementRequest& req,
                         const PlacementCandidate& c, const ClassWeights& w,
                         PlacementStrategy strategy, size_t index, size_t n,
                         uint64_t cursor) {
  if (c.spec == nullptr) {
    std::fprintf(stderr, "Place: candidate without a DeviceSpec\n");
    std::abort();
  }
  const DeviceSpec& spec = *c.spec;
  CandidateResult r;
  r.device = spec.name;
  r.kind = spec.kind;
  r.backlog_s = c.backlog_s;
  r.estimate = EstimateJob(req.cost, req.batch, spec, c.pstate);
  if (r.estimate && c.exec_scale != 1.0) {
    ApplyCalibration(c.exec_scale, &*r.estimate);
  }
  if (r.estimate) {
    r.finish_s = c.backlog_s + r.estimate->exec_s;
    r.score = RankKey(strategy, r, w, index, n, cursor);
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
  } else if (req.deadline_s && r.finish_s > *req.deadline_s) {
    r.infeasible = Infeasible::kMissesDeadline;
    r.reason =
        absl::StrCat("misses deadline: finish ", FormatSeconds(r.finish_s),
                     " > deadline ", FormatSeconds(*req.deadline_s));
  } else if (c.queue_full) {
    r.infeasible = Infeasible::kQueueFull;
    r.reason = "queue full";
  }
  return r;
}

// True when feasible `a` beats feasible `b` (b earlier in the input): lower
// score, then lower finish; equal ones keep the earlier.
bool Beats(const CandidateResult& a, const CandidateResult& b) {
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
      "%s wins at %s, P%d (%s, %s: %g/s, %g/J): score %.4g = %g/s * %s + "
      "%g/J * %s",
      win.device, Name(PrecisionName(win.estimate->precision)),
      win.estimate->pstate, Name(PriorityClassName(req.priority_class)),
      Name(PreferenceName(req.preference)), w.latency_weight_per_s,
      w.energy_weight_per_j, win.score, w.latency_weight_per_s,
      FormatSeconds(win.finish_s), w.energy_weight_per_j,
      FormatJoules(win.estimate->energy_j));

  const CandidateResult* next = nullptr;
  for (int i = 0; i < static_cast<int>(pl.candidates.size()); ++i) {
    const CandidateResult& r = pl.candidates[i];
    if (i == pl.chosen || r.infeasible != Infeasible::kNone) continue;
    if (next == nullptr || Beats(r, *next)) next = &r;
  }
  if (next != nullptr) {
    absl::StrAppend(&s, "; next best ", next->device,
                    absl::StrFormat(" score %.4g", next->score), " (finish ",
                    FormatSeconds(next->finish_s), ", ",
                    FormatJoules(next->estimate->energy_j), ")");
  } else {
    absl::StrAppend(&s, "; no other feasible device");
  }
  for (const std::string& why : infeasible) absl::StrAppend(&s, "; ", why);
  return s;
}

}  // namespace

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
    pl.candidates.push_back(Evaluate(req, c, w, strategy, pl.candidates.size(),
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
