// Powercap/RAPL energy counters (kernel Documentation/power/powercap/
// powercap.rst): ROOT/sys/class/powercap/intel-rapl:N[:M]/{name, energy_uj,
// max_energy_range_uj}. AMD Zen exposes its package counter under the same
// intel-rapl names.
//
// energy_uj is a free-running counter that wraps to 0 after
// max_energy_range_uj (≈262 kJ on Intel: over 40 minutes at 100 W, so one
// wrap at most between two governor ticks). Power is Δenergy/Δt over the
// injected Clock. The package domain measures the whole socket (cores,
// uncore, and on SoCs the GPU), not one process's CPUs. Since Linux 5.10
// energy_uj is readable by root only (CVE-2020-8694).
//
// Thread-safety: ListRaplDomains and RaplDeltaUj are stateless; a
// RaplEnergyCounter is not thread-safe (one reader: the governor thread).
#ifndef JOULE_PLATFORM_LINUX_RAPL_H_
#define JOULE_PLATFORM_LINUX_RAPL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/clock.h"

namespace joule {

struct RaplDomainInfo {
  std::string zone;  // directory name, e.g. "intel-rapl:0"
  std::string name;  // its `name`, e.g. "package-0", "core", "dram"
  std::string path;  // the directory, under the root
  uint64_t max_energy_range_uj = 0;
};

struct RaplDomainList {
  std::vector<RaplDomainInfo> domains;  // by zone name
  std::vector<std::string> skipped;     // "intel-rapl:1: <error>"
};

// The RAPL domains (packages and their subzones) under `root`; none (not an
// error) when the host has no sys/class/powercap.
RaplDomainList ListRaplDomains(const std::string& root);

// Energy counted between two readings of a counter that wraps to 0 past
// max_range_uj: now − prev, or when now < prev (it wrapped)
//   (now − prev + max_range) mod max_range = max_range − prev + now.
// REQUIRES: prev_uj, now_uj <= max_range_uj; max_range_uj > 0.
uint64_t RaplDeltaUj(uint64_t prev_uj, uint64_t now_uj, uint64_t max_range_uj);

struct RaplSample {
  double energy_j = 0;  // since Open
  double power_w = 0;   // mean since the previous Sample (or Open)
};

class RaplEnergyCounter {
 public:
  // Reads the domain and a first energy_uj at clock->Now(). Errors name the
  // file; a counter above its range or a zero range is InvalidArgument.
  // `clock` must outlive the counter.
  static absl::StatusOr<RaplEnergyCounter> Open(const std::string& root,
                                                const std::string& zone,
                                                Clock* clock);
  // The first domain named "package-*" (intel-rapl:0 on one socket).
  static absl::StatusOr<RaplEnergyCounter> OpenPackage(const std::string& root,
                                                       Clock* clock);

  // Reads energy_uj again. On error nothing changes, so the next good
  // Sample covers the whole interval.
  absl::StatusOr<RaplSample> Sample();

  const RaplDomainInfo& info() const { return info_; }

 private:
  RaplEnergyCounter(RaplDomainInfo info, Clock* clock, uint64_t first_uj);
  absl::StatusOr<uint64_t> ReadEnergyUj() const;

  RaplDomainInfo info_;
  Clock* clock_;
  uint64_t last_uj_;
  TimePoint last_at_;
  uint64_t total_uj_ = 0;
};

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_RAPL_H_
