// A device profile rewritten with the host's measured figures (`jouled
// --calibrate`): HostCalibration (platform/linux/host_calibration.h) in,
// profile YAML out, edited as text so comments and layout survive.
//
// Thread-safe (stateless).
#ifndef JOULE_DEVICES_CALIBRATED_PROFILE_H_
#define JOULE_DEVICES_CALIBRATED_PROFILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/linux/host_calibration.h"

namespace joule {

// Reads the profile at `profile_in` (empty: the embedded default profile,
// DefaultProfileYaml()), replaces the device `cpu_name`'s
// peak_ops_per_s.fp32 with cal.peak_fp32_ops_per_s and mem_bw_bytes_per_s
// with cal.mem_bw_bytes_per_s, sets compute_efficiency and
// mem_bw_efficiency to 1.0 (measured numbers are achieved numbers; the keys
// are added when absent), and writes the result to `profile_out`
// (atomically: a temporary file renamed over it). Everything else in the
// file — other devices, other precisions, comments, layout — is kept; the
// edited lines' trailing comments say "measured", and a comment at the top
// records the date, host and summary. The output is parsed back with
// ParseProfile before it is written.
//   NOT_FOUND          no device `cpu_name` in the profile
//   INVALID_ARGUMENT   the profile does not parse, the device is written in
//                      YAML flow style, has no mem_bw_bytes_per_s or
//                      peak_ops_per_s.fp32 to replace, or a measured value
//                      is not positive
//   other              reading or writing the files failed (naming the path)
absl::Status WriteCalibratedProfile(const std::string& profile_in,
                                    const std::string& cpu_name,
                                    const HostCalibration& cal,
                                    const std::string& profile_out);

// As WriteCalibratedProfile, on text: returns the edited profile. `header`
// is the comment put at the top (without "# "); `source` names the input in
// errors.
absl::StatusOr<std::string> CalibratedProfileText(const std::string& yaml,
                                                  const std::string& source,
                                                  const std::string& cpu_name,
                                                  const HostCalibration& cal,
                                                  const std::string& header);

}  // namespace joule

#endif  // JOULE_DEVICES_CALIBRATED_PROFILE_H_
