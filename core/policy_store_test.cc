#include "core/policy_store.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

class PolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/joule_policy_store_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Write(const std::string& name, const std::string& yaml) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << yaml;
    return path;
  }

  std::string dir_;
};

TEST_F(PolicyStoreTest, ReloadAppliesTunablesAndCountsEachAttempt) {
  int accepted = 0, refused = 0;
  PolicyStore store([&](bool ok) { ++(ok ? accepted : refused); });
  ASSERT_TRUE(store.Init(Write("a.yaml", "governor: {k: 1}\n")).ok());
  double applied_k = -1;
  store.OnApply([&](const Policy& p) { applied_k = p.governor.k; });
  absl::StatusOr<PolicySnapshot> s =
      store.Reload(Write("b.yaml", "governor: {k: 2}\n"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->generation, 2u);
  EXPECT_EQ(applied_k, 2);
  EXPECT_FALSE(store.Reload(Write("c.yaml", "governor: {k: -1}\n")).ok());
  EXPECT_EQ(store.Current().policy.governor.k, 2);
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(refused, 1);
}

// What is read only at start (the device profile, the models, the ONNX
// Runtime library and session options) cannot change on a reload: the
// reload is refused, saying a restart is needed, and nothing is applied.
TEST_F(PolicyStoreTest, ReloadRefusesWhatIsReadOnlyAtStart) {
  PolicyStore store;
  ASSERT_TRUE(store.Init(Write("a.yaml", "governor: {k: 1}\n")).ok());
  bool applied = false;
  store.OnApply([&](const Policy&) { applied = true; });
  const struct {
    const char* yaml;
    const char* says;
  } cases[] = {
      {"devices: {profile: /etc/other.yaml}\n", "devices.profile changed"},
      {"models: {model_dir: /tmp}\n", "models changed"},
      {"executors: {onnxruntime: {library: /opt/ort/libonnxruntime.so.1}}\n",
       "executors.onnxruntime changed"},
      {"executors: {onnxruntime: {intra_op_threads: 3}}\n",
       "executors.onnxruntime changed"},
      {"executors: {onnxruntime: {graph_optimization: basic}}\n",
       "executors.onnxruntime changed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    absl::StatusOr<PolicySnapshot> s = store.Reload(Write("b.yaml", c.yaml));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr(c.says));
    EXPECT_THAT(s.status().message(), HasSubstr("restart"));
  }
  EXPECT_FALSE(applied);
  EXPECT_EQ(store.Current().generation, 1u);
}

}  // namespace
}  // namespace joule
