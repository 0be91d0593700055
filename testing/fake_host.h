// Fake Linux hosts for tests: FakeTree contents with the kernel's layout.
//
// The fake tree is the kernel's layout for two policies:
//   cpufreq/policy0  cpus 0-1, schedutil, 1000000..1800000 kHz (4 steps)
//   cpufreq/policy2  cpus 2-3, schedutil, 1200000..2400000 kHz (3 steps)
//   cpuN/cpufreq  -> ../cpufreq/policyM
// Every frequency has 7 digits and every governor written has 9 letters
// ("schedutil", "userspace"): libcpufreq opens files for writing without
// O_TRUNC, which on a regular file (unlike sysfs) would leave the tail of a
// longer old value behind.
//
// Test-only. Not thread-safe.
#ifndef JOULE_TESTING_FAKE_HOST_H_
#define JOULE_TESTING_FAKE_HOST_H_

#include <string>

#include "testing/linux_test_tree.h"

namespace joule {

// Relative to a FakeTree's root.
inline constexpr char kFakeCpuDir[] = "sys/devices/system/cpu";

// Writes the two-policy tree above under tree.Path(kFakeCpuDir).
void BuildFakeCpufreqTree(FakeTree& tree);

// A host with everything: the two-policy cpufreq tree, a CPU thermal zone,
// a RAPL package and /proc/stat.
void BuildFullHost(FakeTree& tree);

// "sys/devices/system/cpu/cpufreq/policyN/" + file.
std::string PolicyFile(int policy, const std::string& file);

}  // namespace joule

#endif  // JOULE_TESTING_FAKE_HOST_H_
