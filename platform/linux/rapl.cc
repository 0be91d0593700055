#include "platform/linux/rapl.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/linux/sysfs.h"

namespace joule {
namespace {

constexpr char kPowercapDir[] = "sys/class/powercap";

// A zone directory: "intel-rapl:0", "intel-rapl:0:1", "intel-rapl-mmio:0";
// not the control type "intel-rapl" itself.
bool IsRaplZone(const std::string& name) {
  return absl::StartsWith(name, "intel-rapl") &&
         name.find(':') != std::string::npos;
}

absl::StatusOr<RaplDomainInfo> ReadDomain(const std::string& root,
                                          const std::string& zone) {
  RaplDomainInfo info;
  info.zone = zone;
  info.path = HostPath(root, absl::StrCat(kPowercapDir, "/", zone));
  absl::StatusOr<std::string> name =
      ReadSysfsTrimmed(absl::StrCat(info.path, "/name"));
  if (!name.ok()) return name.status();
  info.name = *name;
  const std::string range_path =
      absl::StrCat(info.path, "/max_energy_range_uj");
  absl::StatusOr<uint64_t> range = ReadSysfsUint64(range_path);
  if (!range.ok()) return range.status();
  if (*range == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(range_path, ": a zero range cannot count energy"));
  }
  info.max_energy_range_uj = *range;
  return info;
}

}  // namespace

RaplDomainList ListRaplDomains(const std::string& root) {
  RaplDomainList out;
  absl::StatusOr<std::vector<std::string>> names =
      ListSysfsDirectory(HostPath(root, kPowercapDir));
  if (!names.ok()) return out;
  for (const std::string& zone : *names) {
    if (!IsRaplZone(zone)) continue;
    absl::StatusOr<RaplDomainInfo> info = ReadDomain(root, zone);
    if (info.ok()) {
      out.domains.push_back(*std::move(info));
    } else {
      out.skipped.push_back(absl::StrCat(zone, ": ", info.status().message()));
    }
  }
  return out;
}

uint64_t RaplDeltaUj(uint64_t prev_uj, uint64_t now_uj, uint64_t max_range_uj) {
  if (now_uj >= prev_uj) return now_uj - prev_uj;
  return max_range_uj - prev_uj + now_uj;
}

RaplEnergyCounter::RaplEnergyCounter(RaplDomainInfo info, Clock* clock,
                                     uint64_t first_uj)
    : info_(std::move(info)),
      clock_(clock),
      last_uj_(first_uj),
      last_at_(clock->Now()) {}

absl::StatusOr<RaplEnergyCounter> RaplEnergyCounter::Open(
    const std::string& root, const std::string& zone, Clock* clock) {
  absl::StatusOr<RaplDomainInfo> info = ReadDomain(root, zone);
  if (!info.ok()) return info.status();
  RaplEnergyCounter counter(*std::move(info), clock, 0);
  absl::StatusOr<uint64_t> first = counter.ReadEnergyUj();
  if (!first.ok()) return first.status();
  counter.last_uj_ = *first;
  counter.last_at_ = clock->Now();
  return counter;
}

absl::StatusOr<RaplEnergyCounter> RaplEnergyCounter::OpenPackage(
    const std::string& root, Clock* clock) {
  RaplDomainList list = ListRaplDomains(root);
  std::vector<std::string> seen;
  for (const RaplDomainInfo& d : list.domains) {
    if (absl::StartsWith(d.name, "package")) return Open(root, d.zone, clock);
    seen.push_back(absl::StrCat(d.zone, "=", d.name));
  }
  return absl::NotFoundError(absl::StrCat(
      "no RAPL package domain under ", HostPath(root, kPowercapDir),
      "; domains present: [", absl::StrJoin(seen, ", "), "]"));
}

absl::StatusOr<uint64_t> RaplEnergyCounter::ReadEnergyUj() const {
  const std::string path = absl::StrCat(info_.path, "/energy_uj");
  absl::StatusOr<uint64_t> uj = ReadSysfsUint64(path);
  if (!uj.ok()) return uj.status();
  if (*uj > info_.max_energy_range_uj) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", *uj, " is above max_energy_range_uj ",
                     info_.max_energy_range_uj));
  }
  return *uj;
}

absl::StatusOr<RaplSample> RaplEnergyCounter::Sample() {
  absl::StatusOr<uint64_t> now_uj = ReadEnergyUj();
  if (!now_uj.ok()) return now_uj.status();
  const TimePoint now = clock_->Now();
  const uint64_t delta_uj =
      RaplDeltaUj(last_uj_, *now_uj, info_.max_energy_range_uj);
  const double dt_s = ToSeconds(now - last_at_);
  RaplSample s;
  total_uj_ += delta_uj;
  s.energy_j = static_cast<double>(total_uj_) * 1e-6;
  s.power_w = dt_s > 0 ? static_cast<double>(delta_uj) * 1e-6 / dt_s : 0;
  last_uj_ = *now_uj;
  last_at_ = now;
  return s;
}

}  // namespace joule
