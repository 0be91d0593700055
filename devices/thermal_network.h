// ThermalNetwork: the lumped RC thermal network of one SoC, shared by the
// SimulatedPowerModels of its devices, so that heat from one device (the
// GPU) raises another's temperature (the NPU's) through the die and heatsink
// they share.
//
// The network: nodes i with heat capacity C_i, temperature T_i and power
// P_i; resistances R_ij between nodes and R_i between a node and ambient
// (T_amb). With θ = T − T_amb and conductances g = 1/R,
//   C_i · dθ_i/dt = P_i − Σ_j g_ij (θ_i − θ_j) − g_i θ_i
// i.e. C · dθ/dt = P − L θ, L the weighted graph Laplacian plus diag(g_i).
// For constant P over a step dt the solution is exact:
//   θ_ss   = L⁻¹ P                       (steady state: heat out = Σ P)
//   θ(dt)  = θ_ss + exp(−C⁻¹L · dt) (θ(0) − θ_ss)
// computed through the eigen-decomposition of the symmetric
// S = C^-½ L C^-½ = V Λ Vᵀ, once per network:
//   exp(−C⁻¹L · dt) = C^-½ V exp(−Λ dt) Vᵀ C^½,   L⁻¹ = C^-½ V Λ⁻¹ Vᵀ C^-½.
// The eigenvalues λ_k = 1/τ_k are the network's inverse time constants; all
// are positive when every node reaches ambient, so any dt is stable (no
// step-size limit however stiff: a 0.3 s die node beside a 200 s heatsink).
//
// SolveThermalNetwork / ThermalSteadyStateC / ThermalStep are pure. The
// ThermalNetwork class is thread-safe: its devices' models read and advance
// it from any thread. Each model attaches as a node's HeatSource; every
// advance asks every attached source for its mean power since the last one,
// so all nodes integrate over the same intervals. Lock order: the network's
// lock, then a source's; a source never calls into the network while holding
// its own lock.
#ifndef JOULE_DEVICES_THERMAL_NETWORK_H_
#define JOULE_DEVICES_THERMAL_NETWORK_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "core/clock.h"
#include "devices/device_spec.h"

namespace joule {

struct ThermalNodeSpec {
  std::string name;
  double capacitance_j_per_c = 0;  // > 0
  // To ambient; 0: no direct path (heat leaves through other nodes).
  double resistance_to_ambient_c_per_w = 0;
};

struct ThermalLinkSpec {
  int a = 0, b = 0;  // node indices, a != b
  double resistance_c_per_w = 0;
};

struct ThermalNetworkSpec {
  double ambient_c = 25;
  std::vector<ThermalNodeSpec> nodes;
  std::vector<ThermalLinkSpec> links;
};

// The network's modes: what ThermalStep needs, computed once.
struct ThermalModes {
  double ambient_c = 25;
  std::vector<double> sqrt_c;  // C_i^½
  // λ_k (1/s), ascending: the slowest mode first, 1/λ its time constant.
  std::vector<double> rate_per_s;
  std::vector<double> vectors;  // V, n × n row-major; column k is mode k
  size_t size() const { return sqrt_c.size(); }
};

// InvalidArgument (naming the node or link) for: no nodes, a capacitance or
// resistance <= 0, a link to itself or to no node, or a node with no path to
// ambient (its temperature would grow without bound).
absl::StatusOr<ThermalModes> SolveThermalNetwork(
    const ThermalNetworkSpec& spec);

// T_ss = T_amb + L⁻¹ P, °C. REQUIRES: power_w.size() == modes.size().
std::vector<double> ThermalSteadyStateC(const ThermalModes& modes,
                                        absl::Span<const double> power_w);

// Advances *temp_c by dt_s at constant power_w, exactly (formula above);
// dt_s <= 0 leaves it unchanged. REQUIRES: sizes equal modes.size().
void ThermalStep(const ThermalModes& modes, absl::Span<const double> power_w,
                 double dt_s, std::vector<double>* temp_c);

// The network of the devices that have a soc_thermal (in spec order), and a
// last node, kSinkNodeName: each device node links to the sink with its
// thermal_resistance_c_per_w, has its thermal_capacitance_j_per_c, and
// couples to others as the couplings say; the sink has the SocThermal's
// capacitance and resistance to ambient; ambient is the devices' ambient_c.
// Nullopt when no spec has a soc_thermal. InvalidArgument when the specs
// disagree (different soc_thermal or ambient_c) or a coupling names a device
// not among them.
inline constexpr std::string_view kSinkNodeName = "(sink)";
absl::StatusOr<std::optional<ThermalNetworkSpec>> ThermalNetworkForDevices(
    const std::vector<DeviceSpec>& specs);

class ThermalNetwork {
 public:
  // What heats a node: a device's power model.
  class HeatSource {
   public:
    virtual ~HeatSource() = default;
    // Advances the source's own accounting to `to` and returns its mean
    // power (W) since the previous call (or since it was attached). Called
    // with the network's lock held: must not call into the network.
    virtual double ChargeTo(TimePoint to) = 0;
  };

  // Every node starts at ambient. InvalidArgument as SolveThermalNetwork.
  // REQUIRES: clock non-null, outliving the network.
  static absl::StatusOr<std::shared_ptr<ThermalNetwork>> Create(
      ThermalNetworkSpec spec, Clock* clock);

  // The network ThermalNetworkForDevices(specs) describes, starting now;
  // nullptr when no spec has a soc_thermal.
  static absl::StatusOr<std::shared_ptr<ThermalNetwork>> ForDevices(
      const std::vector<DeviceSpec>& specs, Clock* clock);

  ThermalNetwork(const ThermalNetwork&) = delete;
  ThermalNetwork& operator=(const ThermalNetwork&) = delete;

  // -1 when no node has that name.
  int NodeIndex(std::string_view name) const;
  const ThermalNetworkSpec& spec() const { return spec_; }

  // Integrates to now, then makes `source` node's heat (until Detach). A
  // node without a source has no power. REQUIRES: 0 <= node < size, no
  // source attached there; source outlives its attachment.
  void Attach(int node, HeatSource* source);
  // Integrates to now (charging the source for its last interval), then
  // removes node's source.
  void Detach(int node);

  // Integrates every node to the clock's now, then calls visit(now, T °C of
  // every node) with the network's lock held (so a reading is consistent
  // with the instant it was taken).
  void Advance(
      absl::FunctionRef<void(TimePoint now, absl::Span<const double> temp_c)>
          visit);
  // Advance() and return node's temperature, °C.
  double TempC(int node);

 private:
  ThermalNetwork(ThermalNetworkSpec spec, ThermalModes modes, Clock* clock);

  // REQUIRES: mu_ held.
  void AdvanceLocked(TimePoint now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ThermalNetworkSpec spec_;
  const ThermalModes modes_;
  Clock* const clock_;

  absl::Mutex mu_;
  std::vector<double> temp_c_ ABSL_GUARDED_BY(mu_);
  std::vector<HeatSource*> sources_ ABSL_GUARDED_BY(mu_);
  std::vector<double> power_w_ ABSL_GUARDED_BY(mu_);  // scratch
  TimePoint at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_DEVICES_THERMAL_NETWORK_H_
