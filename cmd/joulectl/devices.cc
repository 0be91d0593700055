// joulectl devices: lists jouled's devices, one row each: kind, P-state and
// cap, frequency, temperature, power, utilisation, queue, thermal state and
// backend; then, per device, what runs its jobs (or why it is simulated).
#include <iostream>

#include "absl/strings/str_format.h"
#include "cmd/joulectl/common.h"
#include "cmd/joulectl/joulectl.h"
#include "grpcpp/client_context.h"
#include "joule/v1/scheduler.grpc.pb.h"

namespace joule::joulectl {

int Devices(const Channel& ch, int argc, char** argv) {
  v1::ListDevicesResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = v1::Scheduler::NewStub(ch)->ListDevices(&ctx, {}, &resp);
  if (!s.ok()) return RpcFail(s);
  std::cout << absl::StrFormat(
      "%-8s %-4s %7s %4s %8s %7s %7s %6s %6s %10s %-9s %s\n", "device", "kind",
      "P-state", "cap", "MHz", "temp_C", "power_W", "util", "queue",
      "backlog_ms", "thermal", "backend");
  for (const v1::DeviceStatus& d : resp.devices()) {
    std::cout << absl::StrFormat(
        "%-8s %-4s %4d/%-2d %4d %8d %7.1f %7.2f %5.0f%% %6d %10.2f %-9s %s%s\n",
        d.name(), KindLabel(d.kind()), d.pstate(), d.pstate_count() - 1,
        d.pstate_cap(), d.freq_khz() / 1000, d.temperature_c(), d.power_w(),
        d.utilization() * 100, d.queue_depth(), d.backlog_s() * 1e3,
        d.critical() ? "critical" : (d.throttled() ? "throttled" : "ok"),
        d.backend(),
        d.simulated() && d.backend() != "simulated" ? " (simulated)" : "");
  }
  for (const v1::DeviceStatus& d : resp.devices()) {
    if (!d.executor().empty()) {
      std::cout << d.name() << ": " << d.executor() << "\n";
    }
  }
  return 0;
}

}  // namespace joule::joulectl
