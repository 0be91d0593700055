// OrtLibrary: ONNX Runtime's shared library, loaded at run time.
//
// Load() checks the file (elf_check.h: a missing, non-ELF, wrong-machine or
// truncated file is refused before dlopen, which would crash on a truncated
// one), checks its sha256 when one is expected (the pinned fetch has one:
// DefaultOrtLibraryOptions), dlopen()s it, resolves OrtGetApiBase, reads
// GetVersionString() and asks GetApi() for the pinned API version
// (ort_api.h: kApiVersion; a library too old for it offers none, and the
// refusal names its version), binds the entries joule uses and creates the
// process's OrtEnv. Every refusal is an absl::Status naming the path and the
// cause; none crashes.
//
// ORT's C API reports errors as OrtStatus*; ToStatus() is the one place one
// becomes an absl::Status (ToAbslCode maps the code), with ORT's own message.
//
// Lifetime: sessions (ort_session.h) hold a shared_ptr to the library, so the
// OrtEnv outlives them. A library that loaded is never dlclose()d: ORT keeps
// process-wide state (the one OrtEnv of the process, its logging manager,
// provider bridges) that is not built to be unloaded, and loading the same
// path again reuses the mapping. ORT allows one OrtEnv per process; every
// OrtLibrary of the process shares it (CreateEnv counts references), so its
// logging level is the one the first Load asked for.
//
// Thread-safe: immutable once loaded; every method is const and may be
// called from any thread. Load may be called concurrently.
#ifndef JOULE_EXECUTORS_ONNXRUNTIME_ORT_LIBRARY_H_
#define JOULE_EXECUTORS_ONNXRUNTIME_ORT_LIBRARY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "executors/onnxruntime/ort_api.h"

namespace joule {

struct OrtLibraryOptions {
  // The shared library, e.g. .../libonnxruntime.so.1.
  std::string path;
  // Lower-case hex sha256 the file must have; empty: not checked. Checking
  // reads the whole file once (about 0.1 s for the 45 MB CPU build).
  std::string expected_sha256;
  // The OrtApi version to ask GetApi for. Only tests change it (to one the
  // library does not offer); the entries of ort_api.h are valid from it on.
  uint32_t api_version = ort::kApiVersion;
  // The least severe message ORT logs. Its messages go to spdlog's default
  // logger ("onnxruntime: ..."), not to stderr.
  ort::LoggingLevel log_level = ort::LoggingLevel::kWarning;
};

// The library scripts/fetch-onnxruntime.sh puts in the checkout and its
// pinned sha256, as the build was configured (CMake JOULE_ORT_LIBRARY; the
// checksum is empty when that was pointed at another file).
OrtLibraryOptions DefaultOrtLibraryOptions();

// ORT's error code as an absl code: INVALID_ARGUMENT for invalid arguments,
// protobufs and graphs; NOT_FOUND for NO_SUCHFILE; FAILED_PRECONDITION for
// NO_MODEL, MODEL_LOADED and EP_FAIL; UNIMPLEMENTED for NOT_IMPLEMENTED;
// INTERNAL for FAIL, ENGINE_ERROR and RUNTIME_EXCEPTION; UNKNOWN for a code
// this file does not know; OK for OK.
absl::StatusCode ToAbslCode(ort::ErrorCode code);

class OrtLibrary {
 public:
  static absl::StatusOr<std::shared_ptr<const OrtLibrary>> Load(
      const OrtLibraryOptions& options);

  // Releases this library's reference to the OrtEnv; the library stays
  // mapped (see the top).
  ~OrtLibrary();
  OrtLibrary(const OrtLibrary&) = delete;
  OrtLibrary& operator=(const OrtLibrary&) = delete;

  // The bound entries of ort_api.h.
  const ort::Api& api() const { return api_; }
  // The process's OrtEnv (sessions are created in it).
  ort::Env* env() const { return env_; }
  const std::string& path() const { return path_; }
  // GetVersionString(), e.g. "1.30.0".
  const std::string& version() const { return version_; }
  uint32_t api_version() const { return api_version_; }
  // The execution providers this build of ORT lists (GetAvailableProviders),
  // e.g. {"CUDAExecutionProvider", "CPUExecutionProvider"}. A listed
  // provider may still fail to load on this host.
  const std::vector<std::string>& available_providers() const {
    return providers_;
  }

  // OK for nullptr. Otherwise releases `status` and returns its code
  // (ToAbslCode) with "<context>: <ORT's message>".
  absl::Status ToStatus(ort::Status* status, absl::string_view context) const;

 private:
  OrtLibrary() = default;

  std::string path_;
  std::string version_;
  uint32_t api_version_ = 0;
  ort::Api api_;
  ort::Env* env_ = nullptr;
  std::vector<std::string> providers_;
};

}  // namespace joule

#endif  // JOULE_EXECUTORS_ONNXRUNTIME_ORT_LIBRARY_H_
