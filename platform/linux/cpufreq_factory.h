// MakeCpufreqBackend: the factory of the CpufreqBackend implementations
// (cpufreq_backend.h), kept out of the interface's own file so the contract
// does not depend on what implements it.
//
// Thread-safe (stateless).
#ifndef JOULE_PLATFORM_LINUX_CPUFREQ_FACTORY_H_
#define JOULE_PLATFORM_LINUX_CPUFREQ_FACTORY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "platform/linux/cpufreq_backend.h"

namespace joule {

// True when this build has the libcpufreq backend (JOULE_WITH_LIBCPUFREQ).
bool LibcpufreqAvailable();

// The backend of `kind` reading under `root`. libcpufreq hard-wires
// /sys/devices/system/cpu, so it needs root "/" (InvalidArgument otherwise)
// and a build with it (Unimplemented otherwise).
absl::StatusOr<std::unique_ptr<CpufreqBackend>> MakeCpufreqBackend(
    CpufreqBackendKind kind, const std::string& root);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_CPUFREQ_FACTORY_H_
