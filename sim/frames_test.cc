#include "sim/frames.h"

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace joule {
namespace {

using ::testing::HasSubstr;

ModelSpec Camera(double change_probability) {
  ModelSpec m = *FindBuiltinModel("camera_detector");
  m.frames = FrameProcess{};
  m.frames->change_probability = change_probability;
  return m;
}

std::vector<Arrival> Arrivals(int n, int model = 0) {
  std::vector<Arrival> a(n);
  for (int i = 0; i < n; ++i) {
    a[i].time = std::chrono::milliseconds(i);
    a[i].model = model;
  }
  return a;
}

size_t Scenes(const std::vector<Arrival>& a) {
  std::set<uint64_t> s;
  for (const Arrival& x : a) s.insert(x.scene);
  return s.size();
}

TEST(FramesTest, SceneChangesFollowTheProbability) {
  struct Case {
    double p;
    size_t min_scenes, max_scenes;  // of 1000 frames
  };
  for (const Case& c : std::vector<Case>{
           {0, 1, 1}, {1, 1000, 1000}, {0.1, 70, 130}, {0.5, 440, 560}}) {
    std::vector<Arrival> a = Arrivals(1000);
    AssignFrames({Camera(c.p)}, 1, &a);
    const size_t n = Scenes(a);
    EXPECT_GE(n, c.min_scenes) << c.p;
    EXPECT_LE(n, c.max_scenes) << c.p;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_NE(a[i].scene, 0u);
      EXPECT_EQ(a[i].frame, i);
    }
  }
}

TEST(FramesTest, RepeatableAndOnlyForModelsWithFrames) {
  std::vector<Arrival> a = Arrivals(50), b = Arrivals(50);
  for (size_t i = 0; i < a.size(); i += 2) a[i].model = b[i].model = 1;
  const std::vector<ModelSpec> models = {Camera(0.3),
                                         *FindBuiltinModel("wake_word")};
  AssignFrames(models, 7, &a);
  AssignFrames(models, 7, &b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].scene, b[i].scene);
    if (a[i].model == 1) EXPECT_EQ(a[i].scene, 0u);
    if (a[i].model == 0) EXPECT_EQ(a[i].frame, i / 2);
  }
}

TEST(FramesTest, FramesOfASceneAreWithinTheThresholdScenesAreNot) {
  const FrameProcess p;  // noise 0.005, threshold 0.02
  const FrameSignal a0 = FrameSignalFor(p, 42, 0);
  const FrameSignal a1 = FrameSignalFor(p, 42, 1);
  const FrameSignal b0 = FrameSignalFor(p, 43, 2);
  ASSERT_EQ(a0.thumbnail.size(), p.thumbnail_values);
  EXPECT_TRUE(ValidateFrameSignal("s", a0).ok());
  EXPECT_NE(a0.thumbnail, a1.thumbnail);  // fresh noise
  EXPECT_LT(FrameChange(a0, a1), p.threshold);
  EXPECT_GT(FrameChange(a0, a1), 0);
  EXPECT_GT(FrameChange(a0, b0), 0.2);
  EXPECT_EQ(FrameSignalFor(p, 42, 1).thumbnail, a1.thumbnail);  // repeatable
}

TEST(FramesTest, OnlyNewScenesMustRun) {
  std::vector<Arrival> a = Arrivals(6);
  const uint64_t scenes[] = {5, 5, 6, 6, 5, 0};
  for (int i = 0; i < 6; ++i) a[i].scene = scenes[i];
  a[5].model = 1;  // no signal: always runs
  const std::vector<Arrival> must = FramesThatMustRun(a);
  std::vector<uint64_t> got;
  for (const Arrival& x : must) got.push_back(x.scene);
  EXPECT_EQ(got, (std::vector<uint64_t>{5, 6, 5, 0}));
}

TEST(FramesTest, ScenarioFramesAreParsedAndBounded) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(
models:
  - name: camera_detector
    rate_per_s: 30
    frames: {change_probability: 0.2, threshold: 0.05, max_age_ms: 500}
  - {name: wake_word, rate_per_s: 10}
)",
                                             "s.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->models[0].frames.has_value());
  EXPECT_EQ(s->models[0].frames->change_probability, 0.2);
  EXPECT_EQ(s->models[0].frames->threshold, 0.05);
  EXPECT_EQ(s->models[0].frames->max_age_ms, 500u);
  EXPECT_EQ(s->models[0].frames->noise, 0.005);  // default
  EXPECT_FALSE(s->models[1].frames.has_value());

  for (const char* bad :
       {"frames: {change_probability: 1.5}", "frames: {threshold: 1}",
        "frames: {thumbnail_values: 5000}", "frames: {max_age_ms: 0}",
        "frames: {speed: 2}"}) {
    absl::StatusOr<Scenario> b = ParseScenario(
        std::string("models:\n  - name: camera_detector\n    rate_per_s: "
                    "30\n    ") +
            bad + "\n",
        "s.yaml");
    EXPECT_FALSE(b.ok()) << bad;
  }
  absl::StatusOr<Scenario> closed = ParseScenario(R"(
workload: {kind: single_stream}
models:
  - {name: camera_detector, rate_per_s: 30, frames: {}}
)",
                                                  "s.yaml");
  ASSERT_FALSE(closed.ok());
  EXPECT_THAT(std::string(closed.status().message()),
              HasSubstr("single_stream"));
}

// The daemon's own skipping decides: a static camera skips most frames,
// the no-skip run none, and the report says so.
TEST(FramesTest, CompareSkipsStaticFramesAndAddsANoSkipRun) {
  Scenario sc;
  sc.name = "cam";
  sc.duration_s = 20;
  sc.models = {Camera(0.1)};
  SimOptions o;
  o.compare = true;
  o.threads = 2;
  absl::StatusOr<SimOutputs> out = RunScenario(sc, Policy{}, o);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->comparison, HasSubstr("| skip % |"));
  EXPECT_THAT(out->comparison, HasSubstr("| joule+slack-noskip |"));
  EXPECT_THAT(out->markdown, HasSubstr("were skipped"));
  // summary.csv: joule+adaptive skipped some, the no-skip run none.
  std::string csv;
  for (const auto& [name, content] : out->files) {
    if (name == "summary.csv") csv = content;
  }
  auto skipped = [&](const std::string& run) {
    const size_t at = csv.find("\n" + run + ",");
    EXPECT_NE(at, std::string::npos) << run;
    const size_t end = csv.find('\n', at + 1);
    const std::string line = csv.substr(at + 1, end - at - 1);
    // The column before the last (share).
    const size_t last = line.rfind(',');
    const size_t before = line.rfind(',', last - 1);
    return std::stoi(line.substr(before + 1, last - before - 1));
  };
  const int jobs = 600;  // about 30/s · 20 s
  EXPECT_GT(skipped("joule+adaptive"), jobs / 2);
  EXPECT_EQ(skipped("joule+slack-noskip"), 0);
}

TEST(FramesTest, WithoutFramesTheReportIsUnchanged) {
  Scenario sc;
  sc.name = "plain";
  sc.duration_s = 5;
  sc.models = {*FindBuiltinModel("camera_detector")};
  SimOptions o;
  o.compare = true;
  o.threads = 2;
  absl::StatusOr<SimOutputs> out = RunScenario(sc, Policy{}, o);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->comparison, ::testing::Not(HasSubstr("skip %")));
  EXPECT_THAT(out->comparison, ::testing::Not(HasSubstr("noskip")));
}

}  // namespace
}  // namespace joule
