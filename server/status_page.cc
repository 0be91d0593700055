#include "server/status_page.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace joule {
namespace {

std::string Escape(const std::string& s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// The idle state the device sleeps in, "awake", or "-" when its executor
// models none (a real one: the kernel manages the hardware's).
std::string IdleStateName(const Device& d) {
  const std::vector<IdleState>& states = d.spec().idle_states;
  if (states.empty() || d.idle_residency().in_state.empty()) return "-";
  const int s = d.idle_state();
  return s >= 0 && s < static_cast<int>(states.size()) ? states[s].name
                                                       : "awake";
}

}  // namespace

std::string RenderStatusPage(const std::vector<Scheduler::DeviceLoad>& loads,
                             const PolicySnapshot& policy, bool draining) {
  std::string html = absl::StrCat(
      "<!doctype html><html><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"2\"><title>jouled</title>"
      "<style>body{font-family:sans-serif}td,th{padding:2px 10px;"
      "text-align:right}th{background:#eee}</style></head><body>"
      "<h1>jouled</h1><p>State: ",
      draining ? "draining" : "serving", ". Policy generation ",
      policy.generation, " from ", Escape(policy.source), ". Governor ",
      std::string(GovernorPolicyName(policy.policy.governor.policy)),
      ", placement ",
      std::string(PlacementStrategyName(policy.policy.scheduler.placement)),
      ".</p><table><tr><th>device</th><th>kind</th><th>P-state</th>"
      "<th>cap</th><th>MHz</th><th>°C</th><th>W</th><th>util</th>"
      "<th>queued</th><th>running</th><th>backlog ms</th><th>thermal</th>"
      "<th>idle state</th>"
      "<th>backend</th></tr>");
  for (const Scheduler::DeviceLoad& l : loads) {
    Device& d = *l.device;
    const DeviceState st = d.state();
    const char* thermal = st.critical    ? "critical"
                          : st.throttled ? "throttled"
                          : st.hot       ? "hot"
                                         : "ok";
    absl::StrAppend(
        &html, "<tr><td>", Escape(d.name()), "</td><td>",
        std::string(DeviceKindName(d.spec().kind)), "</td><td>", st.pstate, "/",
        d.spec().max_pstate(), "</td><td>", st.pstate_cap, "</td><td>",
        d.spec().pstates[st.pstate].freq_khz / 1000, "</td><td>",
        absl::StrFormat("%.1f", st.last_reading.temp_mc / 1000.0), "</td><td>",
        absl::StrFormat("%.2f", st.last_reading.power_w), "</td><td>",
        absl::StrFormat("%.0f%%", st.last_reading.utilization * 100),
        "</td><td>", l.queued, "</td><td>", l.running ? "yes" : "no",
        "</td><td>", absl::StrFormat("%.1f", l.backlog_s * 1e3), "</td><td>",
        thermal, "</td><td>", Escape(IdleStateName(d)), "</td><td>",
        Escape(d.sensor().backend()), d.simulated() ? " (simulated)" : "",
        "</td></tr>");
  }
  absl::StrAppend(&html,
                  "</table><p><a href=\"/metrics\">/metrics</a> · "
                  "<a href=\"/healthz\">/healthz</a></p></body></html>");
  return html;
}

}  // namespace joule
