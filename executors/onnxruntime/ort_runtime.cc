#include "executors/onnxruntime/ort_runtime.h"

#include <utility>

namespace joule {
namespace {

class OrtModel final : public RuntimeModel {
 public:
  explicit OrtModel(std::unique_ptr<OrtSession> session)
      : session_(std::move(session)) {}

  absl::StatusOr<std::vector<Tensor>> Run(
      const std::vector<Tensor>& inputs) override {
    return session_->Run(inputs);
  }

 private:
  const std::unique_ptr<OrtSession> session_;
};

}  // namespace

OrtRuntime::OrtRuntime(std::shared_ptr<const OrtLibrary> library,
                       OrtSessionConfig config)
    : library_(std::move(library)), config_(std::move(config)) {}

absl::StatusOr<std::shared_ptr<RuntimeModel>> OrtRuntime::Load(
    const std::string& name, const std::string& onnx_bytes) {
  absl::StatusOr<std::unique_ptr<OrtSession>> session =
      OrtSession::Create(library_, name, onnx_bytes, config_);
  if (!session.ok()) return session.status();
  return std::make_shared<OrtModel>(*std::move(session));
}

}  // namespace joule
