// Test-only shared libraries that are not a usable ONNX Runtime, for
// OrtLibrary's refusals (ort_library_test.cc):
//   joule_fake_ort_no_entry: a shared library without OrtGetApiBase;
//   joule_fake_ort_old (JOULE_FAKE_ORT_OLD): exports OrtGetApiBase like ORT
//     1.10.0 would: GetVersionString() is "1.10.0" and GetApi() offers no
//     version past 10.
// No synchronisation needed (constant data).
#include <cstdint>

#ifdef JOULE_FAKE_ORT_OLD
namespace {

struct FakeApiBase {
  const void* (*GetApi)(uint32_t version) noexcept;
  const char* (*GetVersionString)() noexcept;
};

// A table of the old version's length would be returned for version <= 10;
// no test asks for one.
const void* GetApi(uint32_t version) noexcept { return nullptr; }
const char* GetVersionString() noexcept { return "1.10.0"; }

const FakeApiBase kBase = {&GetApi, &GetVersionString};

}  // namespace

extern "C" __attribute__((visibility("default"))) const FakeApiBase*
OrtGetApiBase() noexcept {
  return &kBase;
}
#else
extern "C" __attribute__((visibility("default"))) int JouleFakeOrtNoEntry() {
  return 42;
}
#endif
