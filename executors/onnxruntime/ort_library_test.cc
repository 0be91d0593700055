// Loading ONNX Runtime: the fetched library loads and says what it is; every
// file that is not a usable ORT is refused with a Status naming the path and
// the cause, and none crashes the test (a truncated library would, inside
// dlopen, without the ELF check).
#include "executors/onnxruntime/ort_library.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "executors/onnxruntime/ort_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ort_test::Library;
using ort_test::ReadFile;
using ort_test::TempPath;
using ort_test::WriteFile;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::Status LoadStatus(const std::string& path,
                        const std::string& sha256 = "") {
  OrtLibraryOptions o;
  o.path = path;
  o.expected_sha256 = sha256;
  return OrtLibrary::Load(o).status();
}

std::string Quoted(const std::string& path) {
  return absl::StrCat("onnxruntime library '", path, "': ");
}

TEST(OrtLibraryTest, LoadsTheFetchedLibrary) {
  const OrtLibraryOptions def = DefaultOrtLibraryOptions();
  EXPECT_THAT(def.path, HasSubstr("/.deps/onnxruntime/"));
  EXPECT_EQ(def.expected_sha256.size(), 64u) << "the pinned checksum";

  std::shared_ptr<const OrtLibrary> lib = Library();
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->path(), def.path);
  EXPECT_EQ(lib->version(), "1.30.0");
  EXPECT_EQ(lib->api_version(), ort::kApiVersion);
  EXPECT_NE(lib->env(), nullptr);
  EXPECT_THAT(lib->available_providers(), Contains("CPUExecutionProvider"));
}

TEST(OrtLibraryTest, EveryLoadSharesTheProcessEnv) {
  absl::StatusOr<std::shared_ptr<const OrtLibrary>> again =
      OrtLibrary::Load(DefaultOrtLibraryOptions());
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_NE(Library(), nullptr);
  EXPECT_EQ((*again)->env(), Library()->env());
}

TEST(OrtLibraryTest, MissingFileIsNotFound) {
  const std::string path = TempPath("does_not_exist.so");
  absl::Status s = LoadStatus(path);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_EQ(std::string(s.message()), Quoted(path) + "no such file");
  EXPECT_TRUE(absl::IsInvalidArgument(LoadStatus("")));
}

TEST(OrtLibraryTest, TextFileAndDirectoryAreRefused) {
  const std::string text = TempPath("text.so");
  WriteFile(text, std::string(100, 'x') + "\nnot a shared library\n");
  absl::Status s = LoadStatus(text);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()),
            Quoted(text) + "not a shared library: no ELF header");

  const std::string tiny = TempPath("tiny.so");
  WriteFile(tiny, "hi\n");
  s = LoadStatus(tiny);
  EXPECT_EQ(std::string(s.message()),
            Quoted(tiny) +
                "not a shared library: 3 bytes, no ELF "
                "header");

  s = LoadStatus(::testing::TempDir());
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a regular file"));
}

TEST(OrtLibraryTest, TruncatedCopiesAreRefusedWithoutCrashing) {
  const std::string whole = ReadFile(DefaultOrtLibraryOptions().path);
  ASSERT_GT(whole.size(), 1000000u);
  // Sizes glibc's dlopen dies on (SIGBUS) or refuses, and one that cuts
  // only the section headers at the end (dlopen would accept that one).
  for (size_t size : {size_t{10}, size_t{64}, size_t{100}, size_t{4096},
                      size_t{65536}, whole.size() / 2, whole.size() - 100}) {
    const std::string path = TempPath(absl::StrCat("truncated_", size, ".so"));
    WriteFile(path, whole.substr(0, size));
    absl::Status s = LoadStatus(path);
    EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
    EXPECT_THAT(std::string(s.message()),
                AllOf(StartsWith(Quoted(path)),
                      HasSubstr(absl::StrCat("truncated: ", size, " bytes"))));
  }
}

TEST(OrtLibraryTest, CorruptCopyFailsThePinnedChecksum) {
  std::string bytes = ReadFile(DefaultOrtLibraryOptions().path);
  bytes[bytes.size() / 2] ^= 0x5a;  // same size, one byte changed
  const std::string path = TempPath("corrupt.so");
  WriteFile(path, bytes);
  const std::string pinned = DefaultOrtLibraryOptions().expected_sha256;
  absl::Status s = LoadStatus(path, pinned);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()),
              AllOf(StartsWith(Quoted(path) + "corrupt or not the pinned "
                                              "build: sha256 "),
                    HasSubstr(", expected " + pinned)));

  // The real file against a wrong pin, too.
  s = LoadStatus(DefaultOrtLibraryOptions().path, std::string(64, '0'));
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("sha256 " + pinned));
}

TEST(OrtLibraryTest, LibraryForAnotherMachineIsRefused) {
  std::string head = ReadFile(DefaultOrtLibraryOptions().path).substr(0, 64);
#if defined(__x86_64__)
  const uint16_t other = 183;  // EM_AARCH64
  const char* want = "built for aarch64, this host is x86-64";
#else
  const uint16_t other = 62;  // EM_X86_64
  const char* want = "built for x86-64, this host is aarch64";
#endif
  head[18] = static_cast<char>(other & 0xff);  // e_machine, little-endian
  head[19] = static_cast<char>(other >> 8);
  const std::string path = TempPath("other_machine.so");
  WriteFile(path, head);
  absl::Status s = LoadStatus(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()), Quoted(path) + want);
}

TEST(OrtLibraryTest, LibraryWithoutOrtGetApiBaseIsRefused) {
  absl::Status s = LoadStatus(JOULE_FAKE_ORT_NO_ENTRY);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()),
            Quoted(JOULE_FAKE_ORT_NO_ENTRY) +
                "has no OrtGetApiBase: not an ONNX Runtime library");
}

TEST(OrtLibraryTest, TooOldLibraryIsRefused) {
  // A library like ORT 1.10: its GetApi offers no version past 10.
  absl::Status s = LoadStatus(JOULE_FAKE_ORT_OLD);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()),
            Quoted(JOULE_FAKE_ORT_OLD) +
                "is version 1.10.0, too old: it does not offer ORT API "
                "version 30 (onnxruntime >= 1.30 needed)");

  // The real library asked for the API version after its own: its GetApi
  // returns nullptr.
  OrtLibraryOptions o = DefaultOrtLibraryOptions();
  o.expected_sha256.clear();
  o.api_version = ort::kApiVersion + 1;
  s = OrtLibrary::Load(o).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_EQ(std::string(s.message()),
            Quoted(o.path) +
                "is version 1.30.0, too old: it does not offer ORT API "
                "version 31 (onnxruntime >= 1.31 needed)");
}

TEST(OrtLibraryTest, OrtErrorCodesMapToAbseil) {
  using ort::ErrorCode;
  using C = absl::StatusCode;
  const std::vector<std::pair<ErrorCode, C>> cases = {
      {ErrorCode::kOk, C::kOk},
      {ErrorCode::kFail, C::kInternal},
      {ErrorCode::kInvalidArgument, C::kInvalidArgument},
      {ErrorCode::kNoSuchFile, C::kNotFound},
      {ErrorCode::kNoModel, C::kFailedPrecondition},
      {ErrorCode::kEngineError, C::kInternal},
      {ErrorCode::kRuntimeException, C::kInternal},
      {ErrorCode::kInvalidProtobuf, C::kInvalidArgument},
      {ErrorCode::kModelLoaded, C::kFailedPrecondition},
      {ErrorCode::kNotImplemented, C::kUnimplemented},
      {ErrorCode::kInvalidGraph, C::kInvalidArgument},
      {ErrorCode::kEpFail, C::kFailedPrecondition},
      {static_cast<ErrorCode>(77), C::kUnknown},
  };
  for (const auto& [ort_code, want] : cases) {
    EXPECT_EQ(ToAbslCode(ort_code), want) << static_cast<int>(ort_code);
  }
}

}  // namespace
}  // namespace joule
