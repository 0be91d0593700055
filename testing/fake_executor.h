// FakeExecutor: an Executor for tests that need a Device but never run a
// job on it (wiring, sensors, actuators). Start() finishes the job at once
// with an OK, simulated result; BusyTime() stays 0.
//
// Thread-safe (no state).
#ifndef JOULE_TESTING_FAKE_EXECUTOR_H_
#define JOULE_TESTING_FAKE_EXECUTOR_H_

#include <utility>

#include "devices/executor.h"

namespace joule {

class FakeExecutor final : public Executor {
 public:
  void Start(ExecRequest req, DoneCallback done) override {
    ExecResult r;
    r.simulated = true;
    done(std::move(r));
  }
  bool Cancel(uint64_t job_id) override { return false; }
  Duration BusyTime() const override { return Duration{0}; }
  bool simulated() const override { return true; }
};

}  // namespace joule

#endif  // JOULE_TESTING_FAKE_EXECUTOR_H_
