#include "cmd/jouled_calibrate.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/policy_loader.h"
#include "devices/calibrated_profile.h"
#include "devices/profile_loader.h"

namespace joule {
namespace {

int Fail(const absl::Status& s) {
  std::cerr << "jouled: " << s.message() << "\n";
  return 1;
}

// The profile's first CPU device; empty when it has none.
absl::StatusOr<std::string> FirstCpu(const std::string& profile) {
  absl::StatusOr<std::vector<DeviceSpec>> specs =
      profile.empty() ? ParseProfile(DefaultProfileYaml(), "<embedded>")
                      : LoadProfileFile(profile);
  if (!specs.ok()) return specs.status();
  for (const DeviceSpec& s : *specs) {
    if (s.kind == DeviceKind::kCpu) return s.name;
  }
  return std::string();
}

}  // namespace

int RunCalibration(const Flags& flags) {
  std::string profile;  // empty: the embedded default
  if (!flags.Get("policy").empty()) {
    absl::StatusOr<Policy> p = LoadPolicyFile(flags.Get("policy"));
    if (!p.ok()) return Fail(p.status());
    profile = p->device_profile;
  }
  std::string cpu = flags.Get("calibrate-device");
  if (cpu.empty()) {
    absl::StatusOr<std::string> first = FirstCpu(profile);
    if (!first.ok()) return Fail(first.status());
    cpu = *first;
  }
  absl::StatusOr<HostCalibration> cal = CalibrateHost();
  if (!cal.ok()) return Fail(cal.status());
  std::cout << "jouled: " << cal->Summary() << "\n";
  const std::string out = flags.Get("calibrate-out");
  if (absl::Status s = WriteCalibratedProfile(profile, cpu, *cal, out);
      !s.ok()) {
    return Fail(s);
  }
  std::cout << "jouled: wrote " << out
            << " (use it with `devices: {profile: " << out
            << "}` in the policy)\n";
  return 0;
}

}  // namespace joule
