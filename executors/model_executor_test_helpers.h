// Test-only helpers shared by the ModelExecutor tests
// (model_executor_test.cc, onnxruntime/ort_runtime_test.cc and
// onnxruntime/ort_executor_queue_test.cc: queueing, cancelling, shutting
// down): the
// MLP test model's reference computation, waiting for `done` and for a job
// to start without sleeping, and building and running jobs.
//
// Done and Started are thread-safe (their callbacks run on the executor's
// threads); the functions are pure or use only their arguments.
#ifndef JOULE_EXECUTORS_MODEL_EXECUTOR_TEST_HELPERS_H_
#define JOULE_EXECUTORS_MODEL_EXECUTOR_TEST_HELPERS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/tensor.h"
#include "devices/executor.h"
#include "gtest/gtest.h"

namespace joule::model_executor_test {

// ---- The MLP's weights, re-derived here from the generator's formulas -------
constexpr int kIn = 16, kHidden = 32, kOut = 8;
inline float MlpW1(int i, int j) {
  return static_cast<float>(std::sin(0.37 * (i * kHidden + j) + 0.1) * 0.5);
}
inline float MlpB1(int j) { return static_cast<float>(0.1 * std::cos(j)); }
inline float MlpW2(int i, int j) {
  return static_cast<float>(std::cos(0.23 * (i * kOut + j)) * 0.4);
}
inline float MlpB2(int j) { return static_cast<float>(0.05 * j - 0.2); }
inline std::vector<float> MlpInput(int batch) {
  std::vector<float> x;
  for (int r = 0; r < batch; ++r) {
    for (int i = 0; i < kIn; ++i) {
      x.push_back(static_cast<float>(std::sin(0.5 * (r * kIn + i))));
    }
  }
  return x;
}
// relu(x·W1 + b1)·W2 + b2 with plain loops, in double.
inline std::vector<float> MlpReference(const std::vector<float>& x, int batch) {
  std::vector<float> y;
  for (int r = 0; r < batch; ++r) {
    double h[kHidden];
    for (int j = 0; j < kHidden; ++j) {
      double acc = MlpB1(j);
      for (int i = 0; i < kIn; ++i) acc += x[r * kIn + i] * double{MlpW1(i, j)};
      h[j] = std::max(acc, 0.0);
    }
    for (int j = 0; j < kOut; ++j) {
      double acc = MlpB2(j);
      for (int i = 0; i < kHidden; ++i) acc += h[i] * double{MlpW2(i, j)};
      y.push_back(static_cast<float>(acc));
    }
  }
  return y;
}

// ---- Waiting for `done` without sleeping
// -------------------------------------

// Collects one job's results; Wait() blocks until `done` ran.
class Done {
 public:
  Executor::DoneCallback Callback() {
    return [this](const ExecResult& r) {
      absl::MutexLock l(&mu_);
      results_.push_back(r);
    };
  }
  ExecResult Wait() {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<ExecResult>* v) { return !v->empty(); }, &results_));
    return results_.front();
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return static_cast<int>(results_.size());
  }

 private:
  absl::Mutex mu_;
  std::vector<ExecResult> results_ ABSL_GUARDED_BY(mu_);
};

// Records which jobs started; WaitFor blocks until one did. Hold(id) makes
// the hook block on that job until Release(), so a model job stays running
// (the hook runs on the worker thread before the model does).
class Started {
 public:
  std::function<void(uint64_t)> Hook() {
    return [this](uint64_t id) {
      absl::MutexLock l(&mu_);
      ids_.push_back(id);
      if (id == held_) {
        mu_.Await(absl::Condition(
            +[](bool* released) { return *released; }, &released_));
      }
    };
  }
  void Hold(uint64_t id) {
    absl::MutexLock l(&mu_);
    held_ = id;
  }
  void Release() {
    absl::MutexLock l(&mu_);
    released_ = true;
  }
  void WaitFor(uint64_t id) {
    absl::MutexLock l(&mu_);
    auto has = [this, id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
    };
    mu_.Await(absl::Condition(&has));
  }

 private:
  absl::Mutex mu_;
  std::vector<uint64_t> ids_ ABSL_GUARDED_BY(mu_);
  uint64_t held_ ABSL_GUARDED_BY(mu_) = 0;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

inline ExecRequest Job(uint64_t id, const std::string& model,
                       std::vector<Tensor> inputs) {
  ExecRequest req;
  req.job_id = id;
  req.pstate = 3;
  req.model = model;
  req.inputs = std::move(inputs);
  return req;
}

inline ExecResult RunOnce(Executor& ex, const ExecRequest& req) {
  Done done;
  ex.Start(req, done.Callback());
  ExecResult r = done.Wait();
  EXPECT_EQ(done.calls(), 1);
  return r;
}

inline void ExpectNear(const std::vector<float>& got,
                       const std::vector<float>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i],
                tol * std::max(1.0, double{std::fabs(want[i])}))
        << "element " << i;
  }
}

}  // namespace joule::model_executor_test

#endif  // JOULE_EXECUTORS_MODEL_EXECUTOR_TEST_HELPERS_H_
