// Runs the CpufreqBackend conformance suite (cpufreq_backend_test_cases.h)
// on libcpufreq. libcpufreq only reads /sys/devices/system/cpu, so main()
// re-executes this binary inside a private mount namespace (util-linux
// `unshare --mount --propagation private`), and each test bind-mounts its
// fake tree over /sys/devices/system/cpu there: the host's real cpufreq is
// never touched, and the mounts vanish with the process. Where mount
// namespaces are not allowed (no CAP_SYS_ADMIN, seccomp), every case is
// skipped saying why.
//
// The same bind-mounted tree is also run through SysfsCpufreq with root
// "/", so both backends are seen agreeing on one tree.
#include "platform/linux/cpufreq_libcpufreq.h"

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/linux/cpufreq_sysfs.h"
#include "testing/cpufreq_backend_test_cases.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

constexpr char kInNamespaceEnv[] = "JOULE_LIBCPUFREQ_TEST_IN_MOUNT_NS";
constexpr char kParentNamespaceEnv[] = "JOULE_LIBCPUFREQ_TEST_PARENT_MOUNT_NS";
constexpr char kRealCpuDir[] = "/sys/devices/system/cpu";

// This process's mount namespace, e.g. "mnt:[4026531832]"; "" if unknown.
std::string MountNamespace() {
  char buf[64] = {};
  const ssize_t n = readlink("/proc/self/ns/mnt", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Why the mount-namespace cases cannot run; empty when they can.
std::string& SkipReason() {
  static std::string* const reason = new std::string;
  return *reason;
}

// Runs `unshare --mount --propagation private true`; its exit status.
int ProbeUnshare() {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execlp("unshare", "unshare", "--mount", "--propagation", "private", "true",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Replaces this process with itself under unshare; returns (with the
// reason) only if that cannot be done.
std::string ReexecInMountNamespace(int argc, char** argv) {
  if (const int rc = ProbeUnshare(); rc != 0) {
    return absl::StrCat(
        "mount namespaces are not allowed here: `unshare --mount "
        "--propagation private true` exited with ",
        rc, " (needs CAP_SYS_ADMIN and util-linux unshare)");
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return absl::StrCat("readlink /proc/self/exe: ", strerror(errno));
  self[n] = '\0';
  std::vector<char*> args = {const_cast<char*>("unshare"),
                             const_cast<char*>("--mount"),
                             const_cast<char*>("--propagation"),
                             const_cast<char*>("private"),
                             const_cast<char*>("--"),
                             self};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  const std::string ns = MountNamespace();
  if (ns.empty()) return "cannot read /proc/self/ns/mnt";
  setenv(kInNamespaceEnv, "1", 1);
  setenv(kParentNamespaceEnv, ns.c_str(), 1);
  execvp("unshare", args.data());
  return absl::StrCat("exec unshare: ", strerror(errno));
}

// Bind-mounts the fake tree's cpu directory over the real one.
absl::Status MountFakeCpuDir(const std::string& root) {
  if (!SkipReason().empty()) return absl::UnavailableError(SkipReason());
  // Never mount over the host's real directory: only in a mount namespace
  // other than the one this binary was started in (recorded before the
  // re-exec under unshare).
  const char* parent = getenv(kParentNamespaceEnv);
  const std::string mine = MountNamespace();
  if (getenv(kInNamespaceEnv) == nullptr || parent == nullptr || mine.empty() ||
      mine == parent) {
    return absl::UnavailableError(
        "not inside a private mount namespace: refusing to bind-mount over "
        "the real /sys/devices/system/cpu");
  }
  const std::string fake = absl::StrCat(root, "/", kFakeCpuDir);
  if (mount(fake.c_str(), kRealCpuDir, nullptr, MS_BIND, nullptr) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "bind-mounting ", fake, " over ", kRealCpuDir, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

void UnmountFakeCpuDir() {
  if (umount2(kRealCpuDir, MNT_DETACH) != 0) {
    ADD_FAILURE() << "umount " << kRealCpuDir << ": " << strerror(errno);
  }
}

INSTANTIATE_TEST_SUITE_P(
    BindMounted, CpufreqBackendTest,
    ::testing::Values(
        CpufreqBackendFactory{
            "Libcpufreq", MountFakeCpuDir,
            [](const std::string&) -> std::unique_ptr<CpufreqBackend> {
              return std::make_unique<LibCpufreqBackend>();
            },
            UnmountFakeCpuDir},
        CpufreqBackendFactory{
            "SysfsAtRealRoot", MountFakeCpuDir,
            [](const std::string&) -> std::unique_ptr<CpufreqBackend> {
              return std::make_unique<SysfsCpufreq>("/");
            },
            UnmountFakeCpuDir}),
    [](const ::testing::TestParamInfo<CpufreqBackendFactory>& info) {
      return info.param.name;
    });

// What only libcpufreq needs: it must not switch the governor behind the
// controller's back (cpufreq_set_frequency would).
class LibcpufreqOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BuildFakeCpufreqTree(tree_);
    absl::Status s = MountFakeCpuDir(tree_.root());
    if (absl::IsUnavailable(s)) GTEST_SKIP() << s.message();
    ASSERT_TRUE(s.ok()) << s;
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) UnmountFakeCpuDir();
  }
  FakeTree tree_;
  bool mounted_ = false;
};

TEST_F(LibcpufreqOnlyTest, SetSpeedNeedsTheUserspaceGovernor) {
  LibCpufreqBackend lib;
  absl::Status s = lib.SetSpeedKhz(0, 1200000);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("runs schedutil"));
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "schedutil");
}

}  // namespace
}  // namespace joule

int main(int argc, char** argv) {
  if (getenv(joule::kInNamespaceEnv) == nullptr) {
    joule::SkipReason() = joule::ReexecInMountNamespace(argc, argv);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
