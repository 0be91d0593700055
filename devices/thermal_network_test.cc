#include "devices/thermal_network.h"

#include <chrono>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

ThermalModes Solve(const ThermalNetworkSpec& spec) {
  absl::StatusOr<ThermalModes> m = SolveThermalNetwork(spec);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : ThermalModes{};
}

// A device node (C_d, R_d to the sink) on a sink (C_s, R_s to ambient).
ThermalNetworkSpec DeviceOnSink(double c_d, double r_d, double c_s,
                                double r_s) {
  ThermalNetworkSpec s;
  s.ambient_c = 25;
  s.nodes = {{"dev", c_d, 0}, {"sink", c_s, r_s}};
  s.links = {{0, 1, r_d}};
  return s;
}

// Two devices (gpu, npu) on a sink, optionally coupled to each other.
ThermalNetworkSpec TwoDevicesOnSink(double coupling_r) {
  ThermalNetworkSpec s;
  s.ambient_c = 25;
  s.nodes = {{"gpu", 0.5, 0}, {"npu", 0.5, 0}, {"sink", 20, 10}};
  s.links = {{0, 2, 2}, {1, 2, 2}};
  if (coupling_r > 0) s.links.push_back({0, 1, coupling_r});
  return s;
}

// Explicit Euler with a tiny step: an independent check of ThermalStep.
std::vector<double> Euler(const ThermalNetworkSpec& s,
                          const std::vector<double>& p, double t_s, double dt_s,
                          std::vector<double> t) {
  const size_t n = s.nodes.size();
  for (double elapsed = 0; elapsed < t_s - dt_s / 2; elapsed += dt_s) {
    std::vector<double> flow = p;  // W into each node
    for (size_t i = 0; i < n; ++i) {
      if (s.nodes[i].resistance_to_ambient_c_per_w > 0) {
        flow[i] -=
            (t[i] - s.ambient_c) / s.nodes[i].resistance_to_ambient_c_per_w;
      }
    }
    for (const ThermalLinkSpec& l : s.links) {
      const double w = (t[l.a] - t[l.b]) / l.resistance_c_per_w;
      flow[l.a] -= w;
      flow[l.b] += w;
    }
    for (size_t i = 0; i < n; ++i) {
      t[i] += flow[i] * dt_s / s.nodes[i].capacitance_j_per_c;
    }
  }
  return t;
}

TEST(ThermalStepTest, SingleNodeIsTheFirstOrderRcSolution) {
  // C = 5 J/°C, R = 2 °C/W: τ = 10 s; 9 W: T_ss = 25 + 18 = 43 °C.
  ThermalNetworkSpec s;
  s.nodes = {{"n", 5, 2}};
  const ThermalModes m = Solve(s);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NEAR(m.rate_per_s[0], 0.1, 1e-12);
  struct Case {
    double dt_s;
    double want_c;
  } cases[] = {
      {0, 25},
      {10, 25 + 18 * (1 - std::exp(-1.0))},
      {30, 25 + 18 * (1 - std::exp(-3.0))},
      {1e6, 43},
  };
  for (const Case& c : cases) {
    std::vector<double> t = {25};
    ThermalStep(m, std::vector<double>{9}, c.dt_s, &t);
    EXPECT_NEAR(t[0], c.want_c, 1e-9) << "dt " << c.dt_s;
  }
}

TEST(ThermalStepTest, DeviceOnSinkSteadyStateAndTimeConstants) {
  // Analytic: T_sink = T_amb + (P_d + P_s)·R_s, T_dev = T_sink + P_d·R_d.
  // Rates: the eigenvalues of C⁻¹L, λ = (tr ± √(tr² − 4·det)) / 2.
  struct Case {
    double c_d, r_d, c_s, r_s, p_d, p_s;
  } cases[] = {
      {1, 1, 10, 2, 3, 0},
      {0.3, 1.5, 20, 10, 6, 0.5},
      {2, 0.5, 2, 0.5, 1, 1},
  };
  for (const Case& c : cases) {
    const ThermalNetworkSpec s = DeviceOnSink(c.c_d, c.r_d, c.c_s, c.r_s);
    const ThermalModes m = Solve(s);
    const std::vector<double> ss = ThermalSteadyStateC(m, {c.p_d, c.p_s});
    const double sink = 25 + (c.p_d + c.p_s) * c.r_s;
    EXPECT_NEAR(ss[1], sink, 1e-9);
    EXPECT_NEAR(ss[0], sink + c.p_d * c.r_d, 1e-9);

    const double a = 1 / (c.c_d * c.r_d), b = -1 / (c.c_d * c.r_d);
    const double cc = -1 / (c.c_s * c.r_d);
    const double d = (1 / c.r_d + 1 / c.r_s) / c.c_s;
    const double tr = a + d, det = a * d - b * cc;
    const double disc = std::sqrt(tr * tr - 4 * det);
    ASSERT_EQ(m.rate_per_s.size(), 2u);
    EXPECT_NEAR(m.rate_per_s[0], (tr - disc) / 2, 1e-9 * tr);
    EXPECT_NEAR(m.rate_per_s[1], (tr + disc) / 2, 1e-9 * tr);
  }
}

TEST(ThermalStepTest, MatchesFineEulerAndComposes) {
  const ThermalNetworkSpec s = TwoDevicesOnSink(4);
  const ThermalModes m = Solve(s);
  const std::vector<double> p = {2.5, 0.2, 0};
  const std::vector<double> start = {40, 30, 35};
  std::vector<double> one = start;
  ThermalStep(m, p, 10, &one);
  std::vector<double> many = start;
  for (int i = 0; i < 1000; ++i) ThermalStep(m, p, 0.01, &many);
  const std::vector<double> euler = Euler(s, p, 10, 1e-4, start);
  for (size_t i = 0; i < start.size(); ++i) {
    EXPECT_NEAR(one[i], many[i], 1e-9) << s.nodes[i].name;
    EXPECT_NEAR(one[i], euler[i], 2e-3) << s.nodes[i].name;
  }
}

TEST(ThermalStepTest, StiffNetworkIsStableForAnyStep) {
  // τ_device = 1 ms beside τ_sink = 200 s, stepped 100 s at a time: the
  // device settles at sink + P·R_d each step (less R_d·C_d·dT/dt, the heat
  // warming its own node: under 2e-4 °C here), never overshooting.
  const ThermalNetworkSpec s = DeviceOnSink(1e-3, 1, 20, 10);
  const ThermalModes m = Solve(s);
  const std::vector<double> ss = ThermalSteadyStateC(m, {5, 0});
  std::vector<double> t = {25, 25};
  for (int i = 0; i < 40; ++i) {  // 20 sink time constants
    ThermalStep(m, {5, 0}, 100, &t);
    EXPECT_NEAR(t[0], t[1] + 5, 2e-4);
    EXPECT_LE(t[0], ss[0] + 1e-9);
    EXPECT_GE(t[1], 25);
  }
  EXPECT_NEAR(t[0], ss[0], 1e-5);
}

TEST(ThermalStepTest, CouplingAndTheSharedSinkHeatANeighbour) {
  // Only the GPU is powered. Through the sink alone the NPU sits at the
  // sink's temperature (no heat flows through it); a direct coupling
  // carries some GPU heat into it, so it runs warmer than the sink.
  struct Case {
    double coupling_r;
    bool npu_above_sink;
  } cases[] = {{0, false}, {8, true}, {2, true}};
  double previous_npu = 0;
  for (const Case& c : cases) {
    const ThermalModes m = Solve(TwoDevicesOnSink(c.coupling_r));
    const std::vector<double> ss = ThermalSteadyStateC(m, {3, 0, 0});
    EXPECT_NEAR(ss[2], 25 + 3 * 10, 1e-9);  // all heat leaves via the sink
    EXPECT_GT(ss[1], 25) << "coupling " << c.coupling_r;
    EXPECT_EQ(ss[1] > ss[2] + 1e-9, c.npu_above_sink);
    EXPECT_GT(ss[1], previous_npu);  // a stronger coupling, a warmer NPU
    EXPECT_LT(ss[1], ss[0]);
    previous_npu = ss[1];
  }
}

TEST(ThermalStepTest, SteadyStateHeatToAmbientEqualsTotalPower) {
  // Several paths to ambient, couplings: at steady state the heat leaving
  // through every ambient resistance sums to the power put in.
  ThermalNetworkSpec s;
  s.ambient_c = 30;
  s.nodes = {{"a", 1, 0}, {"b", 2, 15}, {"c", 0.5, 0}, {"sink", 30, 8}};
  s.links = {{0, 3, 1.5}, {1, 3, 2}, {2, 3, 3}, {0, 2, 5}, {1, 2, 4}};
  const ThermalModes m = Solve(s);
  const std::vector<double> cases[] = {
      {1, 0, 0, 0}, {2.5, 1, 0.7, 0.3}, {0, 0, 4, 0}, {0, 0, 0, 0}};
  for (const std::vector<double>& p : cases) {
    const std::vector<double> ss = ThermalSteadyStateC(m, p);
    double out_w = 0;
    for (size_t i = 0; i < s.nodes.size(); ++i) {
      const double r = s.nodes[i].resistance_to_ambient_c_per_w;
      if (r > 0) out_w += (ss[i] - s.ambient_c) / r;
    }
    EXPECT_NEAR(out_w, std::accumulate(p.begin(), p.end(), 0.0), 1e-9);
    // And it is a fixed point of the step.
    std::vector<double> t = ss;
    ThermalStep(m, p, 50, &t);
    for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], ss[i], 1e-9);
  }
}

TEST(SolveThermalNetworkTest, RejectsBrokenNetworks) {
  struct Case {
    const char* what;
    ThermalNetworkSpec spec;
    const char* error;
  } cases[] = {
      {"empty", {}, "no nodes"},
      {"zero capacitance", {25, {{"a", 0, 1}}, {}}, "'a': capacitance"},
      {"island", {25, {{"a", 1, 1}, {"b", 1, 0}}, {}}, "'b' has no path"},
      {"self link", {25, {{"a", 1, 1}}, {{0, 0, 1}}}, "must join two nodes"},
      {"no such node", {25, {{"a", 1, 1}}, {{0, 3, 1}}}, "must join two"},
      {"zero link",
       {25, {{"a", 1, 1}, {"b", 1, 0}}, {{0, 1, 0}}},
       "a-b: resistance"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ThermalModes> m = SolveThermalNetwork(c.spec);
    ASSERT_FALSE(m.ok()) << c.what;
    EXPECT_THAT(std::string(m.status().message()), HasSubstr(c.error))
        << c.what;
  }
}

DeviceSpec Node(const std::string& name, double r, double c,
                const SocThermal& soc) {
  DeviceSpec d;
  d.name = name;
  d.thermal_resistance_c_per_w = r;
  d.thermal_capacitance_j_per_c = c;
  d.ambient_c = 40;
  d.soc_thermal = soc;
  return d;
}

TEST(ThermalNetworkForDevicesTest, DevicesOnASinkWithCouplings) {
  SocThermal soc{10, 20, {{"gpu0", "npu0", 4}}};
  DeviceSpec alone;
  alone.name = "dsp0";
  std::vector<DeviceSpec> specs = {Node("gpu0", 2, 0.5, soc), alone,
                                   Node("npu0", 3, 0.4, soc)};
  absl::StatusOr<std::optional<ThermalNetworkSpec>> net =
      ThermalNetworkForDevices(specs);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_TRUE(net->has_value());
  const ThermalNetworkSpec& n = **net;
  EXPECT_EQ(n.ambient_c, 40);
  ASSERT_EQ(n.nodes.size(), 3u);  // the device without soc_thermal is not
  EXPECT_EQ(n.nodes[0].name, "gpu0");
  EXPECT_EQ(n.nodes[1].name, "npu0");
  EXPECT_EQ(n.nodes[1].capacitance_j_per_c, 0.4);
  EXPECT_EQ(n.nodes[2].name, kSinkNodeName);
  EXPECT_EQ(n.nodes[2].capacitance_j_per_c, 20);
  EXPECT_EQ(n.nodes[2].resistance_to_ambient_c_per_w, 10);
  ASSERT_EQ(n.links.size(), 3u);
  EXPECT_EQ(n.links[0].b, 2);
  EXPECT_EQ(n.links[1].resistance_c_per_w, 3);
  EXPECT_EQ(n.links[2].a, 0);
  EXPECT_EQ(n.links[2].b, 1);
  EXPECT_EQ(n.links[2].resistance_c_per_w, 4);

  // No soc_thermal anywhere: no network.
  net = ThermalNetworkForDevices({alone});
  ASSERT_TRUE(net.ok());
  EXPECT_FALSE(net->has_value());

  // Disagreeing specs, or a coupling to a device not on the SoC.
  specs[2].ambient_c = 25;
  EXPECT_THAT(std::string(ThermalNetworkForDevices(specs).status().message()),
              HasSubstr("disagree"));
  SocThermal stray{10, 20, {{"gpu0", "dsp0", 4}}};
  EXPECT_THAT(std::string(ThermalNetworkForDevices({Node("gpu0", 2, 1, stray)})
                              .status()
                              .message()),
              HasSubstr("not on the SoC"));
}

// A source with a fixed power that records what it was charged for.
class FixedSource final : public ThermalNetwork::HeatSource {
 public:
  explicit FixedSource(double w) : w_(w) {}
  double ChargeTo(TimePoint to) override {
    ++calls;
    last_to = to;
    return w_;
  }
  int calls = 0;
  TimePoint last_to;

 private:
  const double w_;
};

TEST(ThermalNetworkTest, AdvanceChargesEverySourceToOneInstant) {
  ManualClock clock;
  absl::StatusOr<std::shared_ptr<ThermalNetwork>> net =
      ThermalNetwork::Create(TwoDevicesOnSink(4), &clock);
  ASSERT_TRUE(net.ok()) << net.status();
  ThermalNetwork& n = **net;
  EXPECT_EQ(n.NodeIndex("npu"), 1);
  EXPECT_EQ(n.NodeIndex("nope"), -1);
  FixedSource gpu(3), npu(0.5);
  n.Attach(0, &gpu);
  n.Attach(1, &npu);
  EXPECT_EQ(n.TempC(1), 25);  // no time has passed
  EXPECT_EQ(gpu.calls, 0);

  clock.Advance(seconds(60));
  const double npu_c = n.TempC(1);
  EXPECT_EQ(gpu.calls, 1);
  EXPECT_EQ(npu.calls, 1);
  EXPECT_EQ(gpu.last_to, clock.Now());
  std::vector<double> want(3, 25.0);
  const ThermalModes m = Solve(TwoDevicesOnSink(4));
  ThermalStep(m, {3, 0.5, 0}, 60, &want);
  EXPECT_NEAR(npu_c, want[1], 1e-12);

  // A detached node is charged for its last interval, then unheated.
  clock.Advance(seconds(10));
  n.Detach(0);
  EXPECT_EQ(gpu.calls, 2);
  clock.Advance(seconds(10));
  n.TempC(0);
  EXPECT_EQ(gpu.calls, 2);
  EXPECT_EQ(npu.calls, 3);
}

TEST(ThermalNetworkTest, ForDevicesIsNullWithoutSocThermal) {
  ManualClock clock;
  DeviceSpec d;
  d.name = "cpu0";
  absl::StatusOr<std::shared_ptr<ThermalNetwork>> net =
      ThermalNetwork::ForDevices({d}, &clock);
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(*net, nullptr);
}

}  // namespace
}  // namespace joule
