// Linux thermal zones (kernel Documentation/driver-api/thermal/
// sysfs-api.rst): ROOT/sys/class/thermal/thermal_zoneN/{type, temp,
// trip_point_K_temp, trip_point_K_type}, temperatures in milli-°C.
//
// ListThermalZones enumerates them for the host probe; ThermalZone reads one
// zone's temperature, chosen by type name ("cpu-thermal", "x86_pkg_temp",
// "soc-thermal", ...) or by index.
//
// Thread-safety: the functions are stateless; a ThermalZone is immutable
// after Open and its ReadTempMc may be called from any thread.
#ifndef JOULE_PLATFORM_LINUX_THERMAL_ZONE_H_
#define JOULE_PLATFORM_LINUX_THERMAL_ZONE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace joule {

struct ThermalTripPoint {
  int index = 0;  // the K of trip_point_K_*
  int32_t temp_mc = 0;
  std::string type;  // "passive", "active", "hot", "critical"
};

struct ThermalZoneInfo {
  int index = 0;                        // the N of thermal_zoneN
  std::string type;                     // e.g. "x86_pkg_temp"
  std::string path;                     // the zone's directory, under the root
  std::vector<ThermalTripPoint> trips;  // by index
};

struct ThermalZoneList {
  std::vector<ThermalZoneInfo> zones;  // by index
  // Zones left out because their type or a trip point did not read or parse,
  // one "thermal_zoneN: <error>" line each.
  std::vector<std::string> skipped;
};

// The zones under `root`; none (not an error) when the host has no
// sys/class/thermal.
ThermalZoneList ListThermalZones(const std::string& root);

// Type names of CPU package/cluster zones across common SoCs and PCs, most
// specific first: what ThermalZone::OpenCpu tries.
const std::vector<std::string>& CpuThermalZoneTypes();

class ThermalZone {
 public:
  // The first zone (lowest index) of type `type`. NotFound naming the zone
  // types the host has.
  static absl::StatusOr<ThermalZone> OpenByType(const std::string& root,
                                                const std::string& type);
  // thermal_zone`index`. NotFound if absent.
  static absl::StatusOr<ThermalZone> OpenByIndex(const std::string& root,
                                                 int index);
  // The first of CpuThermalZoneTypes() the host has.
  static absl::StatusOr<ThermalZone> OpenCpu(const std::string& root);

  // The zone's `temp`, strictly parsed; it may be negative. Out-of-range
  // values (beyond ±1000 °C) and read errors (some drivers fail reads with
  // EAGAIN/ENODATA while the sensor is off) come back with the path.
  absl::StatusOr<int32_t> ReadTempMc() const;

  const ThermalZoneInfo& info() const { return info_; }

 private:
  explicit ThermalZone(ThermalZoneInfo info) : info_(std::move(info)) {}
  ThermalZoneInfo info_;
};

// Reads one zone's type and trip points (not its temperature).
absl::StatusOr<ThermalZoneInfo> ReadThermalZoneInfo(const std::string& root,
                                                    int index);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_THERMAL_ZONE_H_
