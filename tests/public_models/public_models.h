// Test-only: the public models' manifest (testing/public_models.h) where the
// build put it, generated on first use when a test binary runs by hand
// (CTest's fixture joule_public_models writes it once per run: fetching the
// models and computing the reference with tests/public_models/generate.sh).
//
// Needs JOULE_PUBLIC_MODELS_DIR and JOULE_PUBLIC_MODELS_GENERATE defined by
// the build (tests/CMakeLists.txt, joule_public_models_test). Not
// thread-safe beyond the one-time load.
#ifndef JOULE_TESTS_PUBLIC_MODELS_PUBLIC_MODELS_H_
#define JOULE_TESTS_PUBLIC_MODELS_PUBLIC_MODELS_H_

#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "testing/generated_files.h"
#include "testing/public_models.h"

namespace joule::public_models {

inline const std::string& Dir() {
  static const std::string* dir = [] {
    auto* d = new std::string(JOULE_PUBLIC_MODELS_DIR);
    test_files::RunUnlessPresent(*d, JOULE_PUBLIC_MODELS_GENERATE,
                                 "manifest.json");
    return d;
  }();
  return *dir;
}

// The manifest, read once; an ADD_FAILURE and no cases when it cannot be.
inline const Manifest& Get() {
  static const Manifest* m = [] {
    absl::StatusOr<Manifest> loaded = LoadManifest(Dir());
    if (!loaded.ok()) ADD_FAILURE() << loaded.status();
    return new Manifest(loaded.ok() ? *std::move(loaded) : Manifest{});
  }();
  return *m;
}

}  // namespace joule::public_models

#endif  // JOULE_TESTS_PUBLIC_MODELS_PUBLIC_MODELS_H_
