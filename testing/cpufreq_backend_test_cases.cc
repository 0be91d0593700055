#include "testing/cpufreq_backend_test_cases.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "platform/linux/cpufreq_controller.h"

namespace joule {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

// The value, or T{} after failing the test (never crashes the binary).
template <typename T>
T ValueOr(absl::StatusOr<T> v) {
  if (!v.ok()) {
    ADD_FAILURE() << v.status();
    return T{};
  }
  return *std::move(v);
}

}  // namespace

void CpufreqBackendTest::SetUp() {
  BuildFakeCpufreqTree(tree_);
  const CpufreqBackendFactory& f = GetParam();
  if (f.prepare) {
    absl::Status s = f.prepare(tree_.root());
    if (absl::IsUnavailable(s)) GTEST_SKIP() << s.message();
    ASSERT_TRUE(s.ok()) << s;
  }
  prepared_ = true;
  backend_ = NewBackend();
}

void CpufreqBackendTest::TearDown() {
  backend_.reset();
  if (prepared_ && GetParam().cleanup) GetParam().cleanup();
}

std::unique_ptr<CpufreqBackend> CpufreqBackendTest::NewBackend() {
  return GetParam().make(tree_.root());
}

TEST_P(CpufreqBackendTest, ReadsEveryValue) {
  for (int cpu : {0, 1}) {  // cpu1 shares policy0
    SCOPED_TRACE(cpu);
    EXPECT_EQ(ValueOr(backend_->Governor(cpu)), "schedutil");
    EXPECT_THAT(ValueOr(backend_->AvailableGovernors(cpu)),
                ElementsAre("conservative", "ondemand", "userspace",
                            "powersave", "performance", "schedutil"));
    absl::StatusOr<AvailableFrequencies> freqs =
        backend_->AvailableFrequenciesKhz(cpu);
    ASSERT_TRUE(freqs.ok()) << freqs.status();
    EXPECT_THAT(freqs->freqs_khz,
                ElementsAre(1000000, 1200000, 1400000, 1800000));
    EXPECT_FALSE(freqs->from_cpuinfo);
    absl::StatusOr<FreqRangeKhz> hw = backend_->HardwareLimitsKhz(cpu);
    ASSERT_TRUE(hw.ok()) << hw.status();
    EXPECT_EQ(hw->min_khz, 1000000u);
    EXPECT_EQ(hw->max_khz, 1800000u);
    absl::StatusOr<FreqRangeKhz> scaling = backend_->ScalingLimitsKhz(cpu);
    ASSERT_TRUE(scaling.ok()) << scaling.status();
    EXPECT_EQ(scaling->max_khz, 1800000u);
    EXPECT_EQ(ValueOr(backend_->CurrentFreqKhz(cpu)), 1400000u);
    absl::StatusOr<std::vector<TimeInState>> stats =
        backend_->TimeInStates(cpu);
    ASSERT_TRUE(stats.ok()) << stats.status();
    ASSERT_EQ(stats->size(), 4u);
    EXPECT_EQ((*stats)[3].freq_khz, 1800000u);
    EXPECT_EQ((*stats)[3].time_ms, 4000u);  // 400 × 10 ms
  }
  EXPECT_EQ(ValueOr(backend_->CurrentFreqKhz(3)), 1600000u);
}

TEST_P(CpufreqBackendTest, FallsBackToCpuinfoLimitsWithoutAFrequencyList) {
  tree_.Remove(PolicyFile(0, "scaling_available_frequencies"));
  absl::StatusOr<AvailableFrequencies> freqs =
      backend_->AvailableFrequenciesKhz(0);
  ASSERT_TRUE(freqs.ok()) << freqs.status();
  EXPECT_THAT(freqs->freqs_khz, ElementsAre(1000000, 1800000));
  EXPECT_TRUE(freqs->from_cpuinfo);
}

TEST_P(CpufreqBackendTest, ACpuWithoutCpufreqIsNotFound) {
  absl::StatusOr<std::string> g = backend_->Governor(7);
  EXPECT_TRUE(absl::IsNotFound(g.status())) << g.status();
  EXPECT_THAT(g.status().message(), HasSubstr("cpu7"));
}

TEST_P(CpufreqBackendTest, AMissingFileIsNotFoundAndNamed) {
  tree_.Remove(PolicyFile(0, "scaling_cur_freq"));
  absl::StatusOr<uint64_t> cur = backend_->CurrentFreqKhz(0);
  EXPECT_TRUE(absl::IsNotFound(cur.status())) << cur.status();
  EXPECT_THAT(cur.status().message(), HasSubstr("scaling_cur_freq"));
  EXPECT_THAT(cur.status().message(), HasSubstr("No such file or directory"));

  tree_.Remove(PolicyFile(0, "cpuinfo_max_freq"));
  absl::StatusOr<FreqRangeKhz> hw = backend_->HardwareLimitsKhz(0);
  EXPECT_TRUE(absl::IsNotFound(hw.status())) << hw.status();
  EXPECT_THAT(hw.status().message(), HasSubstr("cpuinfo_max_freq"));
}

TEST_P(CpufreqBackendTest, GarbageIsInvalidArgumentAndNamed) {
  for (const char* garbage : {"abc\n", "", "-5\n", "\n"}) {
    SCOPED_TRACE(garbage);
    tree_.Write(PolicyFile(0, "scaling_cur_freq"), garbage);
    absl::StatusOr<uint64_t> cur = backend_->CurrentFreqKhz(0);
    EXPECT_TRUE(absl::IsInvalidArgument(cur.status())) << cur.status();
    EXPECT_THAT(cur.status().message(), HasSubstr("scaling_cur_freq"));

    tree_.Write(PolicyFile(0, "cpuinfo_max_freq"), garbage);
    EXPECT_TRUE(
        absl::IsInvalidArgument(backend_->HardwareLimitsKhz(0).status()));
  }
  // A bad list is an error, not a reason to fall back to cpuinfo limits.
  for (const char* garbage : {"1000000 abc 1800000\n", "-5 1000000\n"}) {
    SCOPED_TRACE(garbage);
    tree_.Write(PolicyFile(2, "scaling_available_frequencies"), garbage);
    absl::StatusOr<AvailableFrequencies> f =
        backend_->AvailableFrequenciesKhz(2);
    EXPECT_TRUE(absl::IsInvalidArgument(f.status())) << f.status();
    EXPECT_THAT(f.status().message(),
                HasSubstr("scaling_available_frequencies"));
  }
  tree_.Write(PolicyFile(2, "stats/time_in_state"), "abc\n");
  EXPECT_TRUE(absl::IsInvalidArgument(backend_->TimeInStates(2).status()));
  tree_.Write(PolicyFile(2, "scaling_governor"), "");
  EXPECT_TRUE(absl::IsInvalidArgument(backend_->Governor(2).status()));
}

TEST_P(CpufreqBackendTest, WritesGovernorSpeedAndCap) {
  ASSERT_TRUE(backend_->SetMaxFreqKhz(0, 1200000).ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1200000");
  ASSERT_TRUE(backend_->SetGovernor(0, "userspace").ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "userspace");
  ASSERT_TRUE(backend_->SetSpeedKhz(1, 1000000).ok());  // cpu1: policy0
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_setspeed")), "1000000");
}

TEST_P(CpufreqBackendTest, InvalidValuesAreRefusedBeforeWriting) {
  EXPECT_TRUE(absl::IsInvalidArgument(backend_->SetMaxFreqKhz(0, 0)));
  EXPECT_TRUE(absl::IsInvalidArgument(
      backend_->SetMaxFreqKhz(0, kMaxPlausibleFreqKhz + 1)));
  EXPECT_TRUE(absl::IsInvalidArgument(backend_->SetGovernor(0, "no such!")));
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "schedutil");
}

// Root ignores file permissions, so chmod 000 cannot make a write fail in
// these tests; a directory in the file's place (EISDIR at open) and
// /dev/full (ENOSPC at write, like a kernel attribute rejecting a value)
// fail for root too.
TEST_P(CpufreqBackendTest, AFailedWriteIsAnErrorNamingTheFile) {
  tree_.ReplaceWithDirectory(PolicyFile(0, "scaling_max_freq"));
  absl::Status s = backend_->SetMaxFreqKhz(0, 1200000);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("scaling_max_freq"));
  EXPECT_THAT(s.message(), HasSubstr("Is a directory"));

  ASSERT_TRUE(backend_->SetGovernor(2, "userspace").ok());
  tree_.ReplaceWithDevFull(PolicyFile(2, "scaling_setspeed"));
  s = backend_->SetSpeedKhz(2, 1200000);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("scaling_setspeed"));

  tree_.Remove(PolicyFile(2, "scaling_setspeed"));
  s = backend_->SetSpeedKhz(2, 1200000);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

TEST_P(CpufreqBackendTest, ControllerCapsEachPolicyAndRestoresOnExit) {
  auto ctl = CpufreqController::Create(NewBackend(), {0, 2});
  ASSERT_TRUE(ctl.ok()) << ctl.status();
  EXPECT_EQ((*ctl)->mode(0), CpufreqWriteMode::kClampMax);
  EXPECT_EQ((*ctl)->mode(1), CpufreqWriteMode::kClampMax);
  // policy2's fastest frequency not above 1400000 is 1200000.
  ASSERT_TRUE((*ctl)->SetFrequencyKhz(1400000).ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1400000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(2, "scaling_max_freq")), "1200000");
  // Below every frequency: each policy's slowest.
  EXPECT_EQ((*ctl)->TargetKhz(0, 1), 1000000u);
  ctl->reset();
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(2, "scaling_max_freq")), "2400000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "schedutil");
}

TEST_P(CpufreqBackendTest, ControllerSwitchesToUserspaceOnlyWhenAllowed) {
  auto ctl = CpufreqController::Create(NewBackend(), {0},
                                       {/*switch_to_userspace=*/true});
  ASSERT_TRUE(ctl.ok()) << ctl.status();
  EXPECT_EQ((*ctl)->mode(0), CpufreqWriteMode::kSetSpeed);
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "userspace");
  ASSERT_TRUE((*ctl)->SetFrequencyKhz(1200000).ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_setspeed")), "1200000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_max_freq")), "1800000");
  ctl->reset();
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "schedutil");
}

TEST_P(CpufreqBackendTest, ControllerKeepsARunningUserspaceGovernor) {
  tree_.Write(PolicyFile(0, "scaling_governor"), "userspace\n");
  auto ctl = CpufreqController::Create(NewBackend(), {0});
  ASSERT_TRUE(ctl.ok()) << ctl.status();
  EXPECT_EQ((*ctl)->mode(0), CpufreqWriteMode::kSetSpeed);
  ASSERT_TRUE((*ctl)->SetFrequencyKhz(1000000).ok());
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_setspeed")), "1000000");
  ctl->reset();  // back to the speed it found
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_setspeed")), "1400000");
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "userspace");
}

TEST_P(CpufreqBackendTest, ControllerReportsAFailedWriteAndWritesTheRest) {
  auto ctl = CpufreqController::Create(NewBackend(), {0, 2});
  ASSERT_TRUE(ctl.ok()) << ctl.status();
  tree_.ReplaceWithDirectory(PolicyFile(0, "scaling_max_freq"));
  absl::Status s = (*ctl)->SetFrequencyKhz(1600000);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("scaling_max_freq"));
  EXPECT_EQ(tree_.FirstWord(PolicyFile(2, "scaling_max_freq")), "1600000");
}

TEST_P(CpufreqBackendTest, ControllerCreateFailureUndoesTheGovernorSwitch) {
  tree_.Write(PolicyFile(2, "scaling_available_frequencies"), "abc\n");
  auto ctl = CpufreqController::Create(NewBackend(), {0, 2},
                                       {/*switch_to_userspace=*/true});
  EXPECT_TRUE(absl::IsInvalidArgument(ctl.status())) << ctl.status();
  EXPECT_EQ(tree_.FirstWord(PolicyFile(0, "scaling_governor")), "schedutil");
}

}  // namespace joule
