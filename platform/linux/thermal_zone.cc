#include "platform/linux/thermal_zone.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "platform/linux/sysfs.h"

namespace joule {
namespace {

constexpr char kThermalDir[] = "sys/class/thermal";
// ±1000 °C: anything beyond is a driver's error value, not a temperature.
constexpr int64_t kMaxAbsTempMc = 1000 * 1000;

// A sysfs temperature in m°C that fits the range above.
absl::StatusOr<int32_t> ReadTemp(const std::string& path) {
  absl::StatusOr<int64_t> mc = ReadSysfsInt64(path);
  if (!mc.ok()) return mc.status();
  if (*mc > kMaxAbsTempMc || *mc < -kMaxAbsTempMc) {
    return absl::OutOfRangeError(absl::StrCat(
        path, ": ", *mc, " m°C is not a temperature (want within ±",
        kMaxAbsTempMc, ")"));
  }
  return static_cast<int32_t>(*mc);
}

// "trip_point_3_temp" → 3; anything else → -1.
int TripIndex(absl::string_view name) {
  if (!absl::ConsumeSuffix(&name, "_temp")) return -1;
  return SysfsIndexAfter(name, "trip_point_");
}

}  // namespace

absl::StatusOr<ThermalZoneInfo> ReadThermalZoneInfo(const std::string& root,
                                                    int index) {
  ThermalZoneInfo info;
  info.index = index;
  info.path = HostPath(root, absl::StrCat(kThermalDir, "/thermal_zone", index));
  if (!SysfsIsDirectory(info.path)) {
    return absl::NotFoundError(absl::StrCat(info.path, ": no such zone"));
  }
  absl::StatusOr<std::string> type =
      ReadSysfsTrimmed(absl::StrCat(info.path, "/type"));
  if (!type.ok()) return type.status();
  info.type = *type;
  absl::StatusOr<std::vector<std::string>> names =
      ListSysfsDirectory(info.path);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    const int k = TripIndex(name);
    if (k < 0) continue;
    ThermalTripPoint trip;
    trip.index = k;
    absl::StatusOr<int32_t> temp = ReadTemp(absl::StrCat(info.path, "/", name));
    if (!temp.ok()) return temp.status();
    trip.temp_mc = *temp;
    absl::StatusOr<std::string> trip_type =
        ReadSysfsTrimmed(absl::StrCat(info.path, "/trip_point_", k, "_type"));
    if (!trip_type.ok()) return trip_type.status();
    trip.type = *trip_type;
    info.trips.push_back(trip);
  }
  std::sort(info.trips.begin(), info.trips.end(),
            [](const ThermalTripPoint& a, const ThermalTripPoint& b) {
              return a.index < b.index;
            });
  return info;
}

ThermalZoneList ListThermalZones(const std::string& root) {
  ThermalZoneList out;
  absl::StatusOr<std::vector<std::string>> names =
      ListSysfsDirectory(HostPath(root, kThermalDir));
  if (!names.ok()) return out;
  std::vector<int> indices;
  for (const std::string& name : *names) {
    const int n = SysfsIndexAfter(name, "thermal_zone");
    if (n >= 0) indices.push_back(n);
  }
  std::sort(indices.begin(), indices.end());
  for (int n : indices) {
    absl::StatusOr<ThermalZoneInfo> info = ReadThermalZoneInfo(root, n);
    if (info.ok()) {
      out.zones.push_back(*std::move(info));
    } else {
      out.skipped.push_back(
          absl::StrCat("thermal_zone", n, ": ", info.status().message()));
    }
  }
  return out;
}

const std::vector<std::string>& CpuThermalZoneTypes() {
  // Raspberry Pi, Allwinner, Amlogic: cpu-thermal / cpu_thermal; Jetson:
  // CPU-therm; Intel: x86_pkg_temp; RK3588: package-thermal; RK3399, i.MX:
  // soc-thermal / soc_thermal (whole SoC, which holds the CPUs).
  static const std::vector<std::string>* const kTypes =
      new std::vector<std::string>{
          "cpu-thermal",     "cpu_thermal", "CPU-therm",   "x86_pkg_temp",
          "package-thermal", "soc-thermal", "soc_thermal", "cpu0-thermal"};
  return *kTypes;
}

absl::StatusOr<ThermalZone> ThermalZone::OpenByIndex(const std::string& root,
                                                     int index) {
  absl::StatusOr<ThermalZoneInfo> info = ReadThermalZoneInfo(root, index);
  if (!info.ok()) return info.status();
  return ThermalZone(*std::move(info));
}

absl::StatusOr<ThermalZone> ThermalZone::OpenByType(const std::string& root,
                                                    const std::string& type) {
  ThermalZoneList list = ListThermalZones(root);
  std::vector<std::string> types;
  for (ThermalZoneInfo& z : list.zones) {
    if (z.type == type) return ThermalZone(std::move(z));
    types.push_back(z.type);
  }
  return absl::NotFoundError(
      absl::StrCat("no thermal zone of type \"", type, "\" under ",
                   HostPath(root, kThermalDir), "; types present: [",
                   absl::StrJoin(types, ", "), "]"));
}

absl::StatusOr<ThermalZone> ThermalZone::OpenCpu(const std::string& root) {
  ThermalZoneList list = ListThermalZones(root);
  std::vector<std::string> types;
  for (const std::string& want : CpuThermalZoneTypes()) {
    for (ThermalZoneInfo& z : list.zones) {
      if (z.type == want) return ThermalZone(std::move(z));
    }
  }
  for (const ThermalZoneInfo& z : list.zones) types.push_back(z.type);
  return absl::NotFoundError(absl::StrCat(
      "no CPU thermal zone (", absl::StrJoin(CpuThermalZoneTypes(), ", "),
      ") under ", HostPath(root, kThermalDir), "; types present: [",
      absl::StrJoin(types, ", "), "]"));
}

absl::StatusOr<int32_t> ThermalZone::ReadTempMc() const {
  return ReadTemp(absl::StrCat(info_.path, "/temp"));
}

}  // namespace joule
