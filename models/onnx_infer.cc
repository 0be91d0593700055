#include "models/onnx_infer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace joule {
namespace onnx_internal {
namespace {

// The child's CPU budget; the parent's wall-clock timeout is the backstop.
constexpr rlim_t kChildCpuSeconds = 30;

// Loads every operator schema in this process before any fork, so a child
// never waits on a registry lock another thread held at fork time.
void LoadSchemasOnce() {
  static std::once_flag once;
  std::call_once(once,
                 [] { (void)onnx::OpSchemaRegistry::Schema("Relu", 14, ""); });
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// Runs in the forked child; never returns. Writes an 8-byte little-endian
// length, then 'O' + a GraphProto with the inferred value_info and outputs,
// or 'E' + an error text.
[[noreturn]] void ChildMain(onnx::ModelProto* model, int fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  struct rlimit cpu = {kChildCpuSeconds, kChildCpuSeconds};
  ::setrlimit(RLIMIT_CPU, &cpu);
  std::string body;
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/false);
    onnx::shape_inference::InferShapes(
        *model, onnx::OpSchemaRegistry::Instance(), options);
    onnx::GraphProto result;
    *result.mutable_value_info() = model->graph().value_info();
    *result.mutable_output() = model->graph().output();
    body = "O" + result.SerializeAsString();
  } catch (const std::exception& e) {
    body = std::string("E") + e.what();
  } catch (...) {
    body = "Eunknown exception";
  }
  std::string message(8, '\0');
  uint64_t len = body.size();
  for (int i = 0; i < 8; ++i) message[i] = static_cast<char>(len >> (8 * i));
  message += body;
  ::_exit(WriteAll(fd, message) ? 0 : 1);
}

absl::Status Invalid(const std::string& m) {
  return absl::InvalidArgumentError(m);
}

}  // namespace

absl::Status InferShapesIsolated(onnx::ModelProto* model) {
  LoadSchemasOnce();
  onnx::GraphProto* g = model->mutable_graph();
  g->clear_value_info();
  for (onnx::ValueInfoProto& out : *g->mutable_output()) {
    if (out.type().has_tensor_type()) {
      out.mutable_type()->mutable_tensor_type()->clear_shape();
    }
  }

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(err)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    ChildMain(model, fds[1]);
  }
  ::close(fds[1]);

  std::string data;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + kInferenceTimeout;
  char buf[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd p = {fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    const ssize_t r = ::read(fds[0], buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;  // EOF: the child is done (or dead)
    data.append(buf, static_cast<size_t>(r));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  // waitpid fails with ECHILD when SIGCHLD is ignored: the data decides.

  uint64_t len = 0;
  if (data.size() >= 8) {
    for (int i = 0; i < 8; ++i) {
      len |= static_cast<uint64_t>(static_cast<unsigned char>(data[i]))
             << (8 * i);
    }
  }
  if (data.size() < 9 || len != data.size() - 8) {
    if (timed_out) {
      return Invalid(absl::StrCat("ONNX shape inference did not finish within ",
                                  kInferenceTimeout.count(), " s"));
    }
    if (waited == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
      return Invalid(absl::StrCat("ONNX shape inference used more than ",
                                  kChildCpuSeconds, " s of CPU"));
    }
    if (waited == pid && WIFSIGNALED(status)) {
      return Invalid(absl::StrCat(
          "ONNX shape inference crashed on this model (signal ",
          WTERMSIG(status), ", ", strsignal(WTERMSIG(status)),
          "): the model is malformed (onnx.checker may say where)"));
    }
    return Invalid("ONNX shape inference ended without a result");
  }
  if (data[8] == 'E') {
    return Invalid(
        absl::StrCat("ONNX shape inference failed: ", data.substr(9)));
  }
  onnx::GraphProto result;
  if (data[8] != 'O' ||
      !result.ParseFromArray(data.data() + 9,
                             static_cast<int>(data.size() - 9))) {
    return absl::InternalError(
        "ONNX shape inference returned an unreadable result");
  }
  g->mutable_value_info()->Swap(result.mutable_value_info());
  g->mutable_output()->Swap(result.mutable_output());
  return absl::OkStatus();
}

}  // namespace onnx_internal
}  // namespace joule
