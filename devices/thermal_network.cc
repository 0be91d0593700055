#include "devices/thermal_network.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"

namespace joule {
namespace {

// Cyclic Jacobi eigen-decomposition of the symmetric n × n matrix `a`
// (row-major): on return w holds the eigenvalues ascending and the columns
// of v (row-major) the matching orthonormal eigenvectors. Each rotation
// zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass is
// negligible against the matrix's (quadratic convergence: a handful of sweeps
// for the few nodes of a SoC).
void SymmetricEigen(std::vector<double> a, size_t n, std::vector<double>* w,
                    std::vector<double>* v) {
  auto at = [n](std::vector<double>& m, size_t r, size_t c) -> double& {
    return m[r * n + c];
  };
  std::vector<double> vec(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) at(vec, i, i) = 1;
  double norm = 0;
  for (double x : a) norm += x * x;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (size_t p = 0; p < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
    }
    if (off <= 1e-30 * norm) break;
    for (size_t p = 0; p < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) {
        const double apq = at(a, p, q);
        if (apq == 0) continue;
        // t = tan φ, the smaller root of t² + 2θt − 1 = 0, zeroes a'_pq.
        const double theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) /
                         (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1);
        const double s = t * c;
        for (size_t k = 0; k < n; ++k) {  // A ← A·J (columns p, q)
          const double kp = at(a, k, p), kq = at(a, k, q);
          at(a, k, p) = c * kp - s * kq;
          at(a, k, q) = s * kp + c * kq;
        }
        for (size_t k = 0; k < n; ++k) {  // A ← Jᵀ·A (rows p, q)
          const double pk = at(a, p, k), qk = at(a, q, k);
          at(a, p, k) = c * pk - s * qk;
          at(a, q, k) = s * pk + c * qk;
        }
        for (size_t k = 0; k < n; ++k) {  // V ← V·J
          const double kp = at(vec, k, p), kq = at(vec, k, q);
          at(vec, k, p) = c * kp - s * kq;
          at(vec, k, q) = s * kp + c * kq;
        }
      }
    }
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return at(a, x, x) < at(a, y, y); });
  w->assign(n, 0);
  v->assign(n * n, 0);
  for (size_t k = 0; k < n; ++k) {
    (*w)[k] = at(a, order[k], order[k]);
    for (size_t i = 0; i < n; ++i) (*v)[i * n + k] = at(vec, i, order[k]);
  }
}

bool SameSocThermal(const SocThermal& x, const SocThermal& y) {
  if (x.sink_resistance_c_per_w != y.sink_resistance_c_per_w ||
      x.sink_capacitance_j_per_c != y.sink_capacitance_j_per_c ||
      x.couplings.size() != y.couplings.size()) {
    return false;
  }
  for (size_t i = 0; i < x.couplings.size(); ++i) {
    const ThermalCoupling& a = x.couplings[i];
    const ThermalCoupling& b = y.couplings[i];
    if (a.a != b.a || a.b != b.b ||
        a.resistance_c_per_w != b.resistance_c_per_w)
      return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ThermalModes> SolveThermalNetwork(
    const ThermalNetworkSpec& spec) {
  const size_t n = spec.nodes.size();
  if (n == 0) return absl::InvalidArgumentError("thermal network: no nodes");
  // L = Laplacian of the links + diag(1/R to ambient).
  std::vector<double> l(n * n, 0.0);
  std::vector<bool> reaches(n, false);
  for (size_t i = 0; i < n; ++i) {
    const ThermalNodeSpec& node = spec.nodes[i];
    if (!(node.capacitance_j_per_c > 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("thermal node '", node.name,
                       "': capacitance_j_per_c must be above 0"));
    }
    if (node.resistance_to_ambient_c_per_w < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("thermal node '", node.name,
                       "': resistance to ambient must not be negative"));
    }
    if (node.resistance_to_ambient_c_per_w > 0) {
      l[i * n + i] += 1 / node.resistance_to_ambient_c_per_w;
      reaches[i] = true;
    }
  }
  for (const ThermalLinkSpec& link : spec.links) {
    const bool in_range = link.a >= 0 && link.b >= 0 &&
                          static_cast<size_t>(link.a) < n &&
                          static_cast<size_t>(link.b) < n;
    if (!in_range || link.a == link.b) {
      return absl::InvalidArgumentError(absl::StrCat(
          "thermal link ", link.a, "-", link.b, ": must join two nodes"));
    }
    if (!(link.resistance_c_per_w > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "thermal link ", spec.nodes[link.a].name, "-",
          spec.nodes[link.b].name, ": resistance_c_per_w must be above 0"));
    }
    const double g = 1 / link.resistance_c_per_w;
    const size_t a = link.a, b = link.b;
    l[a * n + a] += g;
    l[b * n + b] += g;
    l[a * n + b] -= g;
    l[b * n + a] -= g;
  }
  // Every node must reach ambient, or L is singular.
  for (bool changed = true; changed;) {
    changed = false;
    for (const ThermalLinkSpec& link : spec.links) {
      if (reaches[link.a] != reaches[link.b]) {
        reaches[link.a] = reaches[link.b] = true;
        changed = true;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!reaches[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "thermal node '", spec.nodes[i].name, "' has no path to ambient"));
    }
  }
  ThermalModes m;
  m.ambient_c = spec.ambient_c;
  m.sqrt_c.resize(n);
  for (size_t i = 0; i < n; ++i) {
    m.sqrt_c[i] = std::sqrt(spec.nodes[i].capacitance_j_per_c);
  }
  std::vector<double> s(n * n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      s[i * n + j] = l[i * n + j] / (m.sqrt_c[i] * m.sqrt_c[j]);
    }
  }
  SymmetricEigen(std::move(s), n, &m.rate_per_s, &m.vectors);
  return m;
}

std::vector<double> ThermalSteadyStateC(const ThermalModes& m,
                                        absl::Span<const double> power_w) {
  const size_t n = m.size();
  // θ_ss = C^-½ V Λ⁻¹ Vᵀ C^-½ P.
  std::vector<double> z(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < n; ++i) {
      z[k] += m.vectors[i * n + k] * power_w[i] / m.sqrt_c[i];
    }
    z[k] /= m.rate_per_s[k];
  }
  std::vector<double> t(n, m.ambient_c);
  for (size_t i = 0; i < n; ++i) {
    double y = 0;
    for (size_t k = 0; k < n; ++k) y += m.vectors[i * n + k] * z[k];
    t[i] += y / m.sqrt_c[i];
  }
  return t;
}

void ThermalStep(const ThermalModes& m, absl::Span<const double> power_w,
                 double dt_s, std::vector<double>* temp_c) {
  if (!(dt_s > 0)) return;
  const size_t n = m.size();
  const std::vector<double> ss = ThermalSteadyStateC(m, power_w);
  // y = C^½ (T − T_ss) decays mode by mode: y ← V exp(−Λ dt) Vᵀ y.
  std::vector<double> z(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < n; ++i) {
      z[k] += m.vectors[i * n + k] * m.sqrt_c[i] * ((*temp_c)[i] - ss[i]);
    }
    z[k] *= std::exp(-m.rate_per_s[k] * dt_s);
  }
  for (size_t i = 0; i < n; ++i) {
    double y = 0;
    for (size_t k = 0; k < n; ++k) y += m.vectors[i * n + k] * z[k];
    (*temp_c)[i] = ss[i] + y / m.sqrt_c[i];
  }
}

absl::StatusOr<std::optional<ThermalNetworkSpec>> ThermalNetworkForDevices(
    const std::vector<DeviceSpec>& specs) {
  const DeviceSpec* first = nullptr;
  ThermalNetworkSpec net;
  for (const DeviceSpec& d : specs) {
    if (!d.soc_thermal) continue;
    if (first == nullptr) {
      first = &d;
    } else if (!SameSocThermal(*d.soc_thermal, *first->soc_thermal) ||
               d.ambient_c != first->ambient_c) {
      return absl::InvalidArgumentError(absl::StrCat(
          "devices '", first->name, "' and '", d.name,
          "' are on one SoC but disagree on its thermal network or ambient"));
    }
    net.nodes.push_back({d.name, d.thermal_capacitance_j_per_c, 0});
  }
  if (first == nullptr) return std::nullopt;
  const SocThermal& soc = *first->soc_thermal;
  net.ambient_c = first->ambient_c;
  const int sink = static_cast<int>(net.nodes.size());
  int node = 0;
  for (const DeviceSpec& d : specs) {
    if (!d.soc_thermal) continue;
    net.links.push_back({node++, sink, d.thermal_resistance_c_per_w});
  }
  net.nodes.push_back({std::string(kSinkNodeName), soc.sink_capacitance_j_per_c,
                       soc.sink_resistance_c_per_w});
  auto index = [&](const std::string& name) {
    for (int i = 0; i < sink; ++i) {
      if (net.nodes[i].name == name) return i;
    }
    return -1;
  };
  for (const ThermalCoupling& c : soc.couplings) {
    const int a = index(c.a), b = index(c.b);
    if (a < 0 || b < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("thermal coupling ", c.a, "-", c.b,
                       ": names a device not on the SoC"));
    }
    net.links.push_back({a, b, c.resistance_c_per_w});
  }
  return net;
}

absl::StatusOr<std::shared_ptr<ThermalNetwork>> ThermalNetwork::Create(
    ThermalNetworkSpec spec, Clock* clock) {
  if (clock == nullptr) {
    std::fprintf(stderr, "ThermalNetwork: needs a clock\n");
    std::abort();
  }
  absl::StatusOr<ThermalModes> modes = SolveThermalNetwork(spec);
  if (!modes.ok()) return modes.status();
  return std::shared_ptr<ThermalNetwork>(
      new ThermalNetwork(std::move(spec), *std::move(modes), clock));
}

absl::StatusOr<std::shared_ptr<ThermalNetwork>> ThermalNetwork::ForDevices(
    const std::vector<DeviceSpec>& specs, Clock* clock) {
  absl::StatusOr<std::optional<ThermalNetworkSpec>> spec =
      ThermalNetworkForDevices(specs);
  if (!spec.ok()) return spec.status();
  if (!spec->has_value()) return std::shared_ptr<ThermalNetwork>();
  return Create(**std::move(spec), clock);
}

ThermalNetwork::ThermalNetwork(ThermalNetworkSpec spec, ThermalModes modes,
                               Clock* clock)
    : spec_(std::move(spec)), modes_(std::move(modes)), clock_(clock) {
  absl::MutexLock l(&mu_);
  temp_c_.assign(spec_.nodes.size(), spec_.ambient_c);
  sources_.assign(spec_.nodes.size(), nullptr);
  power_w_.assign(spec_.nodes.size(), 0.0);
  at_ = clock_->Now();
}

int ThermalNetwork::NodeIndex(std::string_view name) const {
  for (size_t i = 0; i < spec_.nodes.size(); ++i) {
    if (spec_.nodes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void ThermalNetwork::AdvanceLocked(TimePoint now) {
  if (now <= at_) return;
  for (size_t i = 0; i < sources_.size(); ++i) {
    power_w_[i] = sources_[i] != nullptr ? sources_[i]->ChargeTo(now) : 0.0;
  }
  ThermalStep(modes_, power_w_, ToSeconds(now - at_), &temp_c_);
  at_ = now;
}

void ThermalNetwork::Attach(int node, HeatSource* source) {
  absl::MutexLock l(&mu_);
  if (node < 0 || static_cast<size_t>(node) >= sources_.size() ||
      sources_[node] != nullptr || source == nullptr) {
    std::fprintf(stderr, "ThermalNetwork::Attach: node %d taken or absent\n",
                 node);
    std::abort();
  }
  AdvanceLocked(clock_->Now());
  sources_[node] = source;
}

void ThermalNetwork::Detach(int node) {
  absl::MutexLock l(&mu_);
  AdvanceLocked(clock_->Now());
  sources_[node] = nullptr;
}

void ThermalNetwork::Advance(
    absl::FunctionRef<void(TimePoint now, absl::Span<const double> temp_c)>
        visit) {
  absl::MutexLock l(&mu_);
  AdvanceLocked(clock_->Now());
  visit(at_, temp_c_);
}

double ThermalNetwork::TempC(int node) {
  double t = 0;
  Advance(
      [&](TimePoint, absl::Span<const double> temp_c) { t = temp_c[node]; });
  return t;
}

}  // namespace joule
