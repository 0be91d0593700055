// The HTTP status page: one HTML table of the devices (kind, P-state,
// frequency, temperature, power, utilisation, queue, thermal state, whether
// simulated) and the running policy's source and generation. Refreshes
// itself every 2 s.
//
// Thread-safe (renders a snapshot).
#ifndef JOULE_SERVER_STATUS_PAGE_H_
#define JOULE_SERVER_STATUS_PAGE_H_

#include <string>
#include <vector>

#include "core/policy_store.h"
#include "scheduler/scheduler.h"

namespace joule {

std::string RenderStatusPage(const std::vector<Scheduler::DeviceLoad>& loads,
                             const PolicySnapshot& policy, bool draining);

}  // namespace joule

#endif  // JOULE_SERVER_STATUS_PAGE_H_
