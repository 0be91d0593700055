#include "scheduler/frame_skip.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace joule {
namespace {

using std::chrono::milliseconds;

FrameSignal Digest(std::string d) { return FrameSignal{std::move(d), {}}; }
FrameSignal Thumb(std::vector<float> t) {
  return FrameSignal{"", std::move(t)};
}

TEST(FrameSkipTest, DecideFrameTable) {
  struct Case {
    const char* name;
    FrameSignal held, next;
    double threshold;
    int age_ms, max_age_ms;
    FrameVerdict verdict;
    double change;
  };
  const FrameSignal both_a{"a", {0.5f, 0.5f}};
  const std::vector<Case> cases = {
      {"equal digests skip", Digest("a"), Digest("a"), 0.02, 10, 1000,
       FrameVerdict::kSkip, 0},
      {"equal digests skip at threshold 0", Digest("a"), Digest("a"), 0, 10,
       1000, FrameVerdict::kSkip, 0},
      {"different digests run", Digest("a"), Digest("b"), 0.5, 10, 1000,
       FrameVerdict::kIncomparable, 1},
      {"thumbnail within threshold", Thumb({0.5f, 0.5f}), Thumb({0.51f, 0.5f}),
       0.02, 10, 1000, FrameVerdict::kSkip, 0.005},
      {"thumbnail at threshold skips", Thumb({0.f, 0.f}), Thumb({0.5f, 0.f}),
       0.25, 10, 1000, FrameVerdict::kSkip, 0.25},
      {"thumbnail above threshold runs", Thumb({0.5f, 0.5f}),
       Thumb({0.6f, 0.5f}), 0.02, 10, 1000, FrameVerdict::kChanged, 0.05},
      {"thumbnails of different sizes run", Thumb({0.5f, 0.5f}),
       Thumb({0.5f, 0.5f, 0.5f}), 0.5, 10, 1000, FrameVerdict::kIncomparable,
       1},
      {"digest vs thumbnail runs", Digest("a"), Thumb({0.5f}), 0.5, 10, 1000,
       FrameVerdict::kIncomparable, 1},
      {"equal digest wins over thumbnails", FrameSignal{"a", {0.f}},
       FrameSignal{"a", {1.f}}, 0.02, 10, 1000, FrameVerdict::kSkip, 0},
      {"different digest falls back to thumbnails", both_a,
       FrameSignal{"b", {0.5f, 0.52f}}, 0.02, 10, 1000, FrameVerdict::kSkip,
       0.01},
      {"expired at max_age", Digest("a"), Digest("a"), 0.02, 1000, 1000,
       FrameVerdict::kExpired, 0},
      {"just before max_age skips", Digest("a"), Digest("a"), 0.02, 999, 1000,
       FrameVerdict::kSkip, 0},
      {"changed beats expired", Thumb({0.f}), Thumb({1.f}), 0.02, 5000, 1000,
       FrameVerdict::kChanged, 1},
      {"NaN thumbnail runs", Thumb({0.5f}),
       Thumb({std::numeric_limits<float>::quiet_NaN()}), 0.5, 10, 1000,
       FrameVerdict::kChanged, std::nan("")},
  };
  for (const Case& c : cases) {
    const FrameDecision d =
        DecideFrame(c.held, c.next, c.threshold, milliseconds(c.age_ms),
                    milliseconds(c.max_age_ms));
    EXPECT_EQ(d.verdict, c.verdict)
        << c.name << ": " << FrameVerdictName(d.verdict);
    if (std::isnan(c.change)) {
      EXPECT_TRUE(std::isnan(d.change)) << c.name;
    } else {
      EXPECT_NEAR(d.change, c.change, 1e-6) << c.name;
    }
    EXPECT_EQ(d.skip(), c.verdict == FrameVerdict::kSkip) << c.name;
  }
}

TEST(FrameSkipTest, ValidateFrameSignalTable) {
  struct Case {
    const char* name;
    std::string stream;
    FrameSignal signal;
    bool ok;
    const char* field;  // named in the message when not ok
  };
  const std::vector<Case> cases = {
      {"nothing", "", {}, true, ""},
      {"stream alone", "cam0", {}, true, ""},
      {"digest", "cam0", Digest("abc"), true, ""},
      {"thumbnail bounds", "cam0", Thumb({0.f, 1.f}), true, ""},
      {"signal without stream", "", Digest("abc"), false, "stream"},
      {"stream too long",
       std::string(kMaxStreamIdBytes + 1, 's'),
       {},
       false,
       "stream"},
      {"stream at the bound",
       std::string(kMaxStreamIdBytes, 's'),
       {},
       true,
       ""},
      {"digest too long", "cam0",
       Digest(std::string(kMaxChangeDigestBytes + 1, 'd')), false,
       "change_digest"},
      {"thumbnail too long", "cam0",
       Thumb(std::vector<float>(kMaxThumbnailElements + 1, 0.f)), false,
       "change_thumbnail"},
      {"thumbnail at the bound", "cam0",
       Thumb(std::vector<float>(kMaxThumbnailElements, 0.f)), true, ""},
      {"NaN", "cam0", Thumb({0.f, std::numeric_limits<float>::quiet_NaN()}),
       false, "change_thumbnail[1]"},
      {"above 1", "cam0", Thumb({1.5f}), false, "change_thumbnail[0]"},
      {"negative", "cam0", Thumb({-0.1f}), false, "change_thumbnail[0]"},
      {"infinity", "cam0", Thumb({std::numeric_limits<float>::infinity()}),
       false, "change_thumbnail[0]"},
  };
  for (const Case& c : cases) {
    const absl::Status s = ValidateFrameSignal(c.stream, c.signal);
    EXPECT_EQ(s.ok(), c.ok) << c.name << ": " << s;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
      EXPECT_NE(s.message().find(c.field), absl::string_view::npos)
          << c.name << ": " << s;
    }
  }
}

}  // namespace
}  // namespace joule
