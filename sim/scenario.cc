#include "sim/scenario.h"

#include <array>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/yaml_util.h"
#include "scheduler/frame_skip.h"

namespace joule {
namespace {

constexpr std::array<std::string_view, 6> kWorkloadNames = {
    "poisson", "bursty", "diurnal", "single_stream", "server", "offline"};

bool ValidName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string Str(std::string_view s) { return std::string(s); }

// The directory part of `path` with its trailing '/', or "".
std::string DirOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : Str(path.substr(0, slash + 1));
}

std::string StemOf(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') + 1);
  const size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return Str(base);
}

void ReadWorkload(YamlMap m, WorkloadParams* w) {
  std::string kind = "poisson";
  m.OptionalOneOf("kind", &kind, kWorkloadNames);
  w->kind = ParseWorkloadKind(kind).value_or(WorkloadKind::kPoisson);
  m.Optional("on_s", &w->on_s, Bounds::Positive());
  m.Optional("off_s", &w->off_s, Bounds::AtLeast(0));
  m.Optional("period_s", &w->period_s, Bounds::AtLeast(0));
  m.Optional("amplitude", &w->amplitude, Bounds::Fraction());
  for (const char* key : {"on_s", "off_s"}) {
    if (m.Has(key) && w->kind != WorkloadKind::kBursty) {
      m.FailAt(key, "only for kind bursty");
    }
  }
  for (const char* key : {"period_s", "amplitude"}) {
    if (m.Has(key) && w->kind != WorkloadKind::kDiurnal) {
      m.FailAt(key, "only for kind diurnal");
    }
  }
  m.CheckNoUnknownKeys();
}

// One `models` entry: a built-in record with overrides, or a custom one.
ModelSpec ReadModel(YamlMap m) {
  ModelSpec s;
  m.Required("name", &s.name);
  const bool custom = m.Has("ops");
  if (!custom) {
    if (std::optional<ModelSpec> b = FindBuiltinModel(s.name)) {
      s = *b;
    } else if (m.ok()) {
      m.FailAt("name", absl::StrCat("'", s.name,
                                    "' is not a built-in model (camera_"
                                    "detector, wake_word, ocr, nlp_bert); "
                                    "give its `ops` to define it"));
    }
  } else if (!ValidName(s.name)) {
    m.FailAt("name", "use letters, digits, '_', '-' or '.'");
  }
  m.Required("rate_per_s", &s.rate_per_s, Bounds::Positive());
  m.Optional("summary", &s.summary);
  std::string cls = Str(PriorityClassName(s.priority_class));
  m.OptionalOneOf("class", &cls, {"realtime", "interactive", "batch"});
  s.priority_class = ParsePriorityClass(cls).value_or(s.priority_class);
  m.Optional("deadline_ms", &s.deadline_ms, Bounds::AtLeast(0));
  m.Optional("latency_bound_ms", &s.latency_bound_ms, Bounds::AtLeast(0));
  m.Optional("batch", &s.batch, Bounds::Between(1, 4096));
  std::string kinds = KindListName(s.allowed_kinds);
  if (kinds == "any") kinds.clear();
  m.Optional("allowed_kinds", &kinds);
  if (std::optional<std::vector<DeviceKind>> k = ParseKindList(kinds)) {
    s.allowed_kinds = *k;
  } else {
    m.FailAt("allowed_kinds", absl::StrCat("'", kinds,
                                           "': expected a comma-separated "
                                           "list of cpu, gpu, npu"));
  }
  if (custom) {
    YamlMap ops = m.RequiredMap("ops");
    for (Precision p : kAllPrecisions) {
      ops.Optional(PrecisionName(p),
                   &s.cost.ops_by_precision[static_cast<int>(p)],
                   Bounds::AtLeast(0));
    }
    ops.CheckNoUnknownKeys();
    bool any = false;
    for (double o : s.cost.ops_by_precision) any = any || o > 0;
    if (!any && ops.ok()) ops.Fail("at least one precision needs ops > 0");
  }
  // Byte counts: only custom models define them (built-ins cite theirs).
  for (auto [key, out] :
       {std::pair<const char*, double*>{"weight_bytes", &s.cost.weight_bytes},
        {"activation_bytes", &s.cost.activation_bytes},
        {"input_bytes", &s.cost.input_bytes},
        {"output_bytes", &s.cost.output_bytes}}) {
    m.Optional(key, out, Bounds::AtLeast(0));
    if (!custom && m.Has(key)) {
      m.FailAt(key, "only custom models (with `ops`) give byte counts");
    }
  }
  if (m.Has("frames")) {
    YamlMap f = m.OptionalMap("frames");
    FrameProcess fp;
    f.Optional("change_probability", &fp.change_probability,
               Bounds::Fraction());
    f.Optional("noise", &fp.noise, Bounds::Between(0, 0.5));
    f.Optional("thumbnail_values", &fp.thumbnail_values,
               Bounds::Between(1, kMaxThumbnailElements));
    f.Optional("threshold", &fp.threshold, Bounds::Between(0, 1));
    if (fp.threshold >= 1) f.FailAt("threshold", "must be below 1");
    f.Optional("max_age_ms", &fp.max_age_ms, Bounds::Between(1, 3600000));
    f.CheckNoUnknownKeys();
    s.frames = fp;
  }
  m.CheckNoUnknownKeys();
  return s;
}

}  // namespace

std::string_view WorkloadKindName(WorkloadKind k) {
  return kWorkloadNames[static_cast<int>(k)];
}

std::optional<WorkloadKind> ParseWorkloadKind(std::string_view s) {
  for (size_t i = 0; i < kWorkloadNames.size(); ++i) {
    if (kWorkloadNames[i] == s) return static_cast<WorkloadKind>(i);
  }
  return std::nullopt;
}

absl::StatusOr<Scenario> ParseScenario(std::string_view yaml,
                                       std::string_view source) {
  YamlMap root = YamlMap::Parse(yaml, source);
  Scenario sc;
  sc.source = Str(source);
  sc.name = StemOf(source);
  root.Optional("name", &sc.name);
  root.Optional("duration_s", &sc.duration_s,
                Bounds{0, 7 * 86400.0, true, false});
  root.Optional("seed", &sc.seed);
  root.Optional("profile", &sc.profile);
  if (!sc.profile.empty() && sc.profile[0] != '/') {
    sc.profile = DirOf(source) + sc.profile;
  }
  if (root.Has("ambient_c")) {
    double ambient_c = 25;
    root.Optional("ambient_c", &ambient_c, Bounds::Between(-50, 100));
    sc.ambient_c = ambient_c;
  }
  root.Optional("power_cap_w", &sc.power_cap_w, Bounds::Between(0, 100000));
  root.Optional("target_utilization", &sc.target_utilization,
                Bounds::Between(0, 100));
  ReadWorkload(root.OptionalMap("workload"), &sc.workload);
  std::set<std::string> names;
  for (YamlMap& m : root.RequiredMapList("models")) {
    sc.models.push_back(ReadModel(m));
    if (!names.insert(sc.models.back().name).second) {
      m.FailAt("name",
               absl::StrCat("duplicate model '", sc.models.back().name, "'"));
    }
    if (sc.workload.kind == WorkloadKind::kServer &&
        sc.models.back().server_bound_ms() <= 0) {
      m.Fail("a server workload needs deadline_ms or latency_bound_ms > 0");
    }
    if (sc.workload.kind == WorkloadKind::kSingleStream &&
        sc.models.back().frames) {
      m.FailAt("frames", "not with a single_stream workload");
    }
  }
  if (root.ok() && sc.models.empty()) root.FailAt("models", "no models");
  root.CheckNoUnknownKeys();
  if (!root.ok()) return root.status();
  return sc;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseScenario(*text, path);
}

}  // namespace joule
