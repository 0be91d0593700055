// onnx_throughput_bench's jouled path: ClosedLoop keeps a fixed number of
// Submit calls outstanding against the in-process daemon over loopback and
// records what each completed job said about itself (bench/onnx_bench.h).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "bench/onnx_bench.h"

namespace joule {
namespace onnx_bench {

bool ClosedLoop::Run(double seconds) {
  t0_ = Steady::now();
  deadline_ = t0_ + std::chrono::duration_cast<Steady::duration>(
                        std::chrono::duration<double>(seconds));
  {
    std::lock_guard<std::mutex> l(mu_);
    active_ = static_cast<int>(slots_.size());
  }
  for (size_t i = 0; i < slots_.size(); ++i) Start(i);
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [this] { return active_ == 0; });
  elapsed_s_ = std::chrono::duration<double>(last_done_ - t0_).count();
  return error_.empty();
}

void ClosedLoop::Start(size_t i) {
  Slot& s = slots_[i];
  s.ctx = std::make_unique<grpc::ClientContext>();
  s.resp.Clear();
  s.sent = Steady::now();
  stub_->async()->Submit(s.ctx.get(), req_, &s.resp,
                         [this, i](grpc::Status st) { Done(i, st); });
}

void ClosedLoop::Done(size_t i, const grpc::Status& st) {
  Slot& s = slots_[i];
  const Steady::time_point now = Steady::now();
  bool again = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!st.ok() || s.resp.outputs_size() == 0) {
      if (error_.empty()) {
        error_ =
            st.ok() ? "a completed job carried no outputs" : st.error_message();
      }
    } else {
      if (samples_.empty()) first_ = s.resp;
      JobSample j;
      j.latency_s = std::chrono::duration<double>(now - s.sent).count();
      j.measured_s = s.resp.measured_time_s();
      j.queue_s = s.resp.queue_time_s();
      j.predicted_s = s.resp.predicted_time_s();
      j.pstate = s.resp.pstate();
      j.precision = s.resp.precision();
      samples_.push_back(j);
    }
    last_done_ = now;
    again = error_.empty() && now < deadline_;
    if (!again) --active_;
  }
  if (again) {
    Start(i);
  } else {
    cv_.notify_all();
  }
}

}  // namespace onnx_bench
}  // namespace joule
