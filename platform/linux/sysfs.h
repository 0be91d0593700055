// Small, strict file helpers shared by the Linux backends (cpufreq, thermal
// zones, powercap/RAPL, /proc/stat, the host probe). Each backend reads and
// writes under a configurable root ("/" on a real host, a temp dir in
// tests), so every path here is built with HostPath(root, "sys/...").
//
// Errors always name the path; a failed system call adds its errno text
// (absl::ErrnoToStatus: ENOENT → NotFound, EACCES → PermissionDenied, ...).
// Content that does not parse is InvalidArgument quoting what was read.
//
// Stateless functions; safe to call from any thread.
#ifndef JOULE_PLATFORM_LINUX_SYSFS_H_
#define JOULE_PLATFORM_LINUX_SYSFS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace joule {

// `root` joined with a path relative to it: HostPath("/", "proc/stat") is
// "/proc/stat", HostPath("/tmp/t", "proc/stat") is "/tmp/t/proc/stat". An
// empty root means "/".
std::string HostPath(const std::string& root, absl::string_view relative);

// The whole file (at most 1 MiB: /proc/stat's intr line is long on big
// machines).
absl::StatusOr<std::string> ReadSysfsFile(const std::string& path);

// The file's text with surrounding whitespace removed; InvalidArgument if
// nothing is left.
absl::StatusOr<std::string> ReadSysfsTrimmed(const std::string& path);

// Strict integer parsing of a sysfs value: optional surrounding whitespace
// (sysfs ends values with '\n'), then decimal digits only (a leading '-' for
// the signed form), no overflow. "abc", "", "12abc", "-5" (unsigned) and
// "1e3" are InvalidArgument errors naming `path`.
absl::StatusOr<uint64_t> ParseSysfsUint64(absl::string_view text,
                                          const std::string& path);
absl::StatusOr<int64_t> ParseSysfsInt64(absl::string_view text,
                                        const std::string& path);

// ReadSysfsFile then ParseSysfsUint64 / ParseSysfsInt64.
absl::StatusOr<uint64_t> ReadSysfsUint64(const std::string& path);
absl::StatusOr<int64_t> ReadSysfsInt64(const std::string& path);

// Writes `value` to an existing file as one write(2) (open O_WRONLY|O_TRUNC,
// never O_CREAT: a sysfs attribute that is not there is an error). The
// kernel reports a rejected value as a failed write (EINVAL, EBUSY), so the
// errno of open and of write both end up in the error.
absl::Status WriteSysfsFile(const std::string& path, absl::string_view value);

// Names in a directory, sorted, without "." and "..". NotFound (with the
// errno text) if the directory is not there.
absl::StatusOr<std::vector<std::string>> ListSysfsDirectory(
    const std::string& path);

// stat(2) follows symlinks, as sysfs's class directories need.
bool SysfsPathExists(const std::string& path);
bool SysfsIsDirectory(const std::string& path);

// The index a sysfs entry name ends with after `prefix`: ("policy12",
// "policy") → 12, ("thermal_zone3", "thermal_zone") → 3, ("cpu0", "cpu") → 0.
// -1 when `name` is not `prefix` followed by decimal digits only ("policy",
// "policy1a", "cpufreq", "policy-1"), or the number does not fit an int.
int SysfsIndexAfter(absl::string_view name, absl::string_view prefix);

// Parses the kernel's CPU list format ("0-3,6,8-9", as in related_cpus,
// affected_cpus uses "0 1 2 3"): ranges and single CPUs separated by commas
// or spaces. Sorted ascending, no duplicates.
absl::StatusOr<std::vector<int>> ParseCpuList(absl::string_view text,
                                              const std::string& path);

}  // namespace joule

#endif  // JOULE_PLATFORM_LINUX_SYSFS_H_
