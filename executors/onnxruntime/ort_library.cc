#include "executors/onnxruntime/ort_library.h"

#include <dlfcn.h>
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "executors/onnxruntime/elf_check.h"
#include "spdlog/spdlog.h"

#ifndef JOULE_ORT_DEFAULT_LIBRARY
#error "the build defines JOULE_ORT_DEFAULT_LIBRARY (executors/onnxruntime)"
#endif
#ifndef JOULE_ORT_DEFAULT_LIBRARY_SHA256
#error "the build defines JOULE_ORT_DEFAULT_LIBRARY_SHA256"
#endif

namespace joule {
namespace {

// ORT's messages into the daemon's log (spdlog's default logger), one line
// each: "onnxruntime: <message> [<code location>]". ORT's verbose is trace,
// its info debug (ORT is chatty at info), warning, error and fatal as such.
void LogToSpdlog(void*, ort::LoggingLevel severity, const char*, const char*,
                 const char* code_location, const char* message) {
  spdlog::level::level_enum level = spdlog::level::err;
  switch (severity) {
    case ort::LoggingLevel::kVerbose:
      level = spdlog::level::trace;
      break;
    case ort::LoggingLevel::kInfo:
      level = spdlog::level::debug;
      break;
    case ort::LoggingLevel::kWarning:
      level = spdlog::level::warn;
      break;
    case ort::LoggingLevel::kError:
      level = spdlog::level::err;
      break;
    case ort::LoggingLevel::kFatal:
      level = spdlog::level::critical;
      break;
  }
  absl::string_view text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  spdlog::log(level, "onnxruntime: {} [{}]", std::string(text),
              code_location ? code_location : "");
}

std::string Quoted(const std::string& path) {
  return absl::StrCat("onnxruntime library '", path, "'");
}

// Lower-case hex sha256 of the file, or an error naming why it was not read.
absl::StatusOr<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError("cannot be read");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("OpenSSL cannot start a sha256");
  }
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(ctx.get(), buf.data(),
                                    static_cast<size_t>(got)) != 1) {
      return absl::InternalError("OpenSSL sha256 update failed");
    }
  }
  if (in.bad()) return absl::FailedPreconditionError("read error");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
    return absl::InternalError("OpenSSL sha256 final failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char two[3];
    std::snprintf(two, sizeof(two), "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

}  // namespace

OrtLibraryOptions DefaultOrtLibraryOptions() {
  OrtLibraryOptions o;
  o.path = JOULE_ORT_DEFAULT_LIBRARY;
  o.expected_sha256 = JOULE_ORT_DEFAULT_LIBRARY_SHA256;
  return o;
}

absl::StatusCode ToAbslCode(ort::ErrorCode code) {
  using ort::ErrorCode;
  switch (code) {
    case ErrorCode::kOk:
      return absl::StatusCode::kOk;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kInvalidProtobuf:
    case ErrorCode::kInvalidGraph:
      return absl::StatusCode::kInvalidArgument;
    case ErrorCode::kNoSuchFile:
      return absl::StatusCode::kNotFound;
    case ErrorCode::kNoModel:
    case ErrorCode::kModelLoaded:
    case ErrorCode::kEpFail:
      return absl::StatusCode::kFailedPrecondition;
    case ErrorCode::kNotImplemented:
      return absl::StatusCode::kUnimplemented;
    case ErrorCode::kFail:
    case ErrorCode::kEngineError:
    case ErrorCode::kRuntimeException:
      return absl::StatusCode::kInternal;
  }
  return absl::StatusCode::kUnknown;
}

absl::StatusOr<std::shared_ptr<const OrtLibrary>> OrtLibrary::Load(
    const OrtLibraryOptions& options) {
  const std::string& path = options.path;
  if (path.empty()) {
    return absl::InvalidArgumentError("no onnxruntime library path given");
  }
  if (absl::Status s = CheckSharedLibraryFile(path); !s.ok()) {
    std::string hint;
    if (absl::IsNotFound(s) && path == JOULE_ORT_DEFAULT_LIBRARY) {
      hint = " (scripts/fetch-onnxruntime.sh, run by `make deps`, fetches it)";
    }
    return absl::Status(s.code(),
                        absl::StrCat(Quoted(path), ": ", s.message(), hint));
  }
  if (!options.expected_sha256.empty()) {
    absl::StatusOr<std::string> sha = FileSha256(path);
    if (!sha.ok()) {
      return absl::Status(
          sha.status().code(),
          absl::StrCat(Quoted(path), ": sha256: ", sha.status().message()));
    }
    if (*sha != absl::AsciiStrToLower(options.expected_sha256)) {
      return absl::FailedPreconditionError(absl::StrCat(
          Quoted(path), ": corrupt or not the pinned build: sha256 ", *sha,
          ", expected ", options.expected_sha256,
          " (scripts/fetch-onnxruntime.sh fetches the pinned one)"));
    }
  }

  // RTLD_NODELETE: once mapped, never unmapped (see the header); dlclose on
  // the refusals below only drops this reference.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* err = dlerror();
    return absl::FailedPreconditionError(absl::StrCat(
        Quoted(path),
        ": cannot be loaded: ", err != nullptr ? err : "dlopen failed"));
  }
  auto refuse = [&](std::string why) {
    dlclose(handle);
    return absl::FailedPreconditionError(absl::StrCat(Quoted(path), ": ", why));
  };
  dlerror();
  void* sym = dlsym(handle, ort::kGetApiBaseSymbol);
  if (sym == nullptr) {
    return refuse(absl::StrCat("has no ", ort::kGetApiBaseSymbol,
                               ": not an ONNX Runtime library"));
  }
  const ort::ApiBase* base = reinterpret_cast<ort::GetApiBaseFn>(sym)();
  if (base == nullptr || base->GetApi == nullptr ||
      base->GetVersionString == nullptr) {
    return refuse(absl::StrCat(ort::kGetApiBaseSymbol,
                               "() returned no usable OrtApiBase"));
  }
  const char* version_c = base->GetVersionString();
  const std::string version = version_c != nullptr ? version_c : "(unknown)";
  // ORT 1.x offers API versions 1..x: GetApi says whether this one is.
  const uint32_t want = options.api_version;
  const void* table = base->GetApi(want);
  if (table == nullptr) {
    return refuse(absl::StrCat("is version ", version,
                               ", too old: it does not offer ORT API version ",
                               want, " (onnxruntime >= 1.", want, " needed)"));
  }

  std::shared_ptr<OrtLibrary> lib(new OrtLibrary());
  lib->path_ = path;
  lib->version_ = version;
  lib->api_version_ = want;
  lib->api_ = ort::BindApi(table);
  const ort::Api& api = lib->api_;
#define JOULE_ORT_CHECK_BOUND(index, name, ret, params)                    \
  if (api.name == nullptr) {                                               \
    return refuse(absl::StrCat("OrtApi entry ", index, " (" #name ") of ", \
                               "API version ", want, " is null"));         \
  }
  JOULE_ORT_API_ENTRIES(JOULE_ORT_CHECK_BOUND)
#undef JOULE_ORT_CHECK_BOUND

  // From here on the library is kept (the handle is never closed).
  ort::Env* env = nullptr;
  if (absl::Status s = lib->ToStatus(
          api.CreateEnvWithCustomLogger(LogToSpdlog, nullptr, options.log_level,
                                        "joule", &env),
          absl::StrCat(Quoted(path), ": CreateEnv"));
      !s.ok()) {
    return s;
  }
  lib->env_ = env;

  char** names = nullptr;
  int count = 0;
  if (absl::Status s =
          lib->ToStatus(api.GetAvailableProviders(&names, &count),
                        absl::StrCat(Quoted(path), ": GetAvailableProviders"));
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < count; ++i) lib->providers_.emplace_back(names[i]);
  if (absl::Status s = lib->ToStatus(
          api.ReleaseAvailableProviders(names, count),
          absl::StrCat(Quoted(path), ": ReleaseAvailableProviders"));
      !s.ok()) {
    return s;
  }
  return std::shared_ptr<const OrtLibrary>(std::move(lib));
}

OrtLibrary::~OrtLibrary() {
  if (env_ != nullptr) api_.ReleaseEnv(env_);
}

absl::Status OrtLibrary::ToStatus(ort::Status* status,
                                  absl::string_view context) const {
  if (status == nullptr) return absl::OkStatus();
  const ort::ErrorCode code = api_.GetErrorCode(status);
  const char* message = api_.GetErrorMessage(status);
  std::string text =
      absl::StrCat(context, ": ", message != nullptr ? message : "");
  api_.ReleaseStatus(status);
  absl::StripTrailingAsciiWhitespace(&text);
  absl::StatusCode abseil = ToAbslCode(code);
  if (abseil == absl::StatusCode::kOk) {
    // A status object is an error even when it carries ORT_OK.
    abseil = absl::StatusCode::kUnknown;
  } else if (abseil == absl::StatusCode::kUnknown) {
    absl::StrAppend(&text, " (ORT error code ", static_cast<int>(code), ")");
  }
  return absl::Status(abseil, text);
}

}  // namespace joule
