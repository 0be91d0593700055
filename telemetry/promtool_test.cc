// Checks the /metrics output with the real Prometheus linter: serves a
// registry on port 0, scrapes it over HTTP and pipes the body into
// `promtool check metrics`, which must exit 0 and report nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "telemetry/exposition.h"
#include "telemetry/http_server.h"
#include "telemetry/metrics.h"
#include "testing/test_http_client.h"

namespace joule {
namespace {

constexpr char kPromtool[] = "/usr/bin/promtool";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

void BuildRegistry(Registry& r) {
  auto& jobs = r.AddCounter("joule_jobs_total",
                            "Jobs finished, by device and terminal state.\n"
                            "Second line with a \\ backslash.",
                            {"device", "state"});
  jobs.WithLabels({"npu0", "completed"}).Inc(1234);
  jobs.WithLabels({"cpu0", "failed"}).Inc(0.5);
  jobs.WithLabels({"tricky \"quoted\" \\ back\\slash", "new\nline"}).Inc();
  jobs.WithLabels({"ünïcödé ⚡", ""}).Inc(3);
  jobs.WithLabels({"{}=,#  spaces ", "le=\"1\""}).Inc(1e20);
  r.AddCounter("joule_actuator_errors_total", "Failed actuator writes.");

  auto& temp = r.AddGauge("joule_device_temperature_celsius",
                          "Device temperature.", {"device"});
  temp.WithLabels({"npu0"}).Set(71.25);
  temp.WithLabels({"cpu0"}).Set(-273.15);
  temp.WithLabels({"gpu0"}).Set(std::nan(""));
  temp.WithLabels({"gpu1"}).Set(std::numeric_limits<double>::infinity());
  temp.WithLabels({"gpu2"}).Set(-std::numeric_limits<double>::infinity());
  r.AddGauge("joule_queue_depth", "Jobs waiting.", {"device", "class"});
  r.AddGauge("joule_up", "1 while serving.").WithLabels({}).Set(1);

  auto& lat =
      r.AddHistogram("joule_job_latency_seconds", "Submit-to-finish latency.",
                     {"device", "class"}, ExponentialBuckets(0.0005, 2, 16));
  Histogram& h = lat.WithLabels({"npu0", "realtime"});
  for (double v : {0.0001, 0.0005, 0.003, 0.25, 1.5, 100.0}) h.Observe(v);
  lat.WithLabels({"cpu \"0\"", "batch\n"}).Observe(0.01);
  r.AddHistogram("joule_batch_size_items", "Items per batch.", {},
                 {1, 2, 4, 8, 16})
      .WithLabels({})
      .Observe(4);
}

TEST(PromtoolTest, ScrapedMetricsPassPromtoolCheck) {
  ASSERT_EQ(access(kPromtool, X_OK), 0)
      << kPromtool << " is missing: install the Debian `prometheus` package "
      << "(apt-get install prometheus), which provides promtool.";

  Registry registry;
  BuildRegistry(registry);
  HttpServer server("127.0.0.1:0");
  server.Handle("/metrics", MetricsHandler(registry));
  ASSERT_TRUE(server.Start().ok());

  absl::StatusOr<TestResponse> res = HttpGet(server.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  ASSERT_EQ(res->result_int(), 200);
  EXPECT_EQ((*res)[boost::beast::http::field::content_type],
            kExpositionContentType);
  const std::string body = res->body();
  ASSERT_EQ(body, ExposeText(registry));

  std::string path = ::testing::TempDir() + "/joule_metrics_XXXXXX";
  const int fd = mkstemp(path.data());
  ASSERT_GE(fd, 0) << "mkstemp " << path;
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out << body;
    ASSERT_TRUE(out.good());
  }
  const CommandResult check =
      RunCommand(std::string(kPromtool) + " check metrics < '" + path + "'");
  std::remove(path.c_str());
  EXPECT_EQ(check.exit_code, 0) << check.output << "\n--- scraped ---\n"
                                << body;
  EXPECT_EQ(check.output, "") << "--- scraped ---\n" << body;
}

// The checker is worth trusting only if it rejects bad input.
TEST(PromtoolTest, PromtoolRejectsABrokenExposition) {
  ASSERT_EQ(access(kPromtool, X_OK), 0)
      << kPromtool << " is missing: install the Debian `prometheus` package.";
  const CommandResult check = RunCommand(
      std::string("printf '# TYPE x counter\\nx{a=\"unterminated} 1\\n' | ") +
      kPromtool + " check metrics");
  EXPECT_NE(check.exit_code, 0) << check.output;
  // Lint findings (here: a counter without _total) also fail, with a message.
  const CommandResult lint = RunCommand(
      std::string("printf '# HELP x X.\\n# TYPE x counter\\nx 1\\n' | ") +
      kPromtool + " check metrics");
  EXPECT_NE(lint.exit_code, 0) << lint.output;
  EXPECT_NE(lint.output.find("_total"), std::string::npos) << lint.output;
}

}  // namespace
}  // namespace joule
