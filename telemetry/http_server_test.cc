#include "telemetry/http_server.h"

#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "telemetry/exposition.h"
#include "telemetry/http_router.h"
#include "telemetry/metrics.h"
#include "testing/test_http_client.h"

namespace joule {
namespace {

namespace http = boost::beast::http;
using ::testing::HasSubstr;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.AddCounter("joule_requests_total", "Requests.")
        .WithLabels({})
        .Inc(7);
    server_.Handle("/metrics", MetricsHandler(registry_));
    server_.Handle("/echo", [](const HttpRequest& req) {
      HttpResponse r;
      r.body = req.method + " " + req.path + " ?" + req.query +
               " name=" + req.QueryParam("name").value_or("<none>");
      r.headers.emplace_back("X-Test", "yes");
      return r;
    });
    server_.Handle("/throws", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("boom");
    });
    ASSERT_TRUE(server_.Start().ok());
    ASSERT_NE(server_.port(), 0);
  }

  Registry registry_;
  HttpServer server_{"127.0.0.1:0"};
};

TEST_F(HttpServerTest, ServesMetrics) {
  absl::StatusOr<TestResponse> res = HttpGet(server_.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ((*res)[http::field::content_type], kExpositionContentType);
  EXPECT_EQ(std::string(kExpositionContentType),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res->body(), ExposeText(registry_));
  EXPECT_THAT(res->body(), HasSubstr("joule_requests_total 7\n"));
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  absl::StatusOr<TestResponse> res = HttpGet(server_.port(), "/nope");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 404);
}

TEST_F(HttpServerTest, OtherMethodsAre405) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    absl::StatusOr<TestResponse> res = client.Send(method, "/metrics", "x=1");
    ASSERT_TRUE(res.ok()) << res.status();
    EXPECT_EQ(res->result_int(), 405) << method;
    EXPECT_EQ((*res)[http::field::allow], "GET, HEAD");
  }
}

TEST_F(HttpServerTest, HeadHasHeadersButNoBody) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  absl::StatusOr<TestResponse> head = client.Send("HEAD", "/metrics");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->result_int(), 200);
  EXPECT_EQ((*head)[http::field::content_length],
            std::to_string(ExposeText(registry_).size()));
  EXPECT_EQ(head->body(), "");
  // The connection is still in step: a GET after it works.
  absl::StatusOr<TestResponse> get = client.Get("/metrics");
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->body(), ExposeText(registry_));
}

TEST_F(HttpServerTest, TwoRequestsOnOneKeepAliveConnection) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  absl::StatusOr<TestResponse> first = client.Get("/echo?name=a%20b+c");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->keep_alive());
  EXPECT_EQ(first->body(), "GET /echo ?name=a%20b+c name=a b c");
  EXPECT_EQ((*first)[http::field::server], "jouled");
  EXPECT_EQ((*first)["X-Test"], "yes");
  absl::StatusOr<TestResponse> second = client.Get("/metrics");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->result_int(), 200);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  absl::StatusOr<TestResponse> res =
      client.Send("GET", "/metrics", "", /*close=*/true);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_FALSE(res->keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndServerCarriesOn) {
  absl::StatusOr<TestResponse> res = HttpGet(server_.port(), "/throws");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 500);
  res = HttpGet(server_.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 200);
}

TEST_F(HttpServerTest, MalformedRequestIs400ForThatConnectionOnly) {
  TestHttpClient bad;
  ASSERT_TRUE(bad.Connect("127.0.0.1", server_.port()).ok());
  absl::StatusOr<TestResponse> res = bad.SendRaw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_TRUE(bad.ServerClosed());
  res = HttpGet(server_.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 200);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  const std::string raw = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " +
                          std::string(100 * 1024, 'a') + "\r\n\r\n";
  absl::StatusOr<TestResponse> res = client.SendRaw(raw);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 431);
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  absl::StatusOr<TestResponse> res =
      client.Send("GET", "/metrics", std::string(100 * 1024, 'b'));
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 413);
}

TEST_F(HttpServerTest, StopIsPromptWithAnIdleKeepAliveConnection) {
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", server_.port()).ok());
  ASSERT_TRUE(client.Get("/metrics").ok());
  const auto start = std::chrono::steady_clock::now();
  server_.Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_FALSE(HttpGet(server_.port(), "/metrics").ok());
  server_.Stop();  // idempotent
  EXPECT_EQ(server_.Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(HttpServerTest, BindingAnOccupiedPortFails) {
  const std::string addr = "127.0.0.1:" + std::to_string(server_.port());
  HttpServer second(addr);
  absl::Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(addr));
  EXPECT_EQ(second.port(), 0);
}

TEST(HttpServerAddressTest, RejectsMalformedAddresses) {
  for (const char* addr :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000",
        "::1:0", "[::1]", "[::1]0", "[::1]:-1"}) {
    HttpServer server(addr);
    absl::Status s = server.Start();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << addr << " " << s;
  }
}

TEST(HttpServerAddressTest, ListensOnIpv6Loopback) {
  HttpServer server("[::1]:0");
  absl::Status s = server.Start();
  ASSERT_TRUE(s.ok()) << s;
  TestHttpClient client;
  ASSERT_TRUE(client.Connect("::1", server.port()).ok());
  absl::StatusOr<TestResponse> res = client.Get("/");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->result_int(), 404);
}

TEST(HttpServerAddressTest, StopWithoutStartIsHarmless) {
  HttpServer server("127.0.0.1:0");
  server.Stop();
}

TEST(HttpRequestTest, QueryParam) {
  HttpRequest r;
  SplitTarget("/p?a=1&b=x%2Fy&c&d=&a=2&bad=%zz", &r);
  EXPECT_EQ(r.path, "/p");
  EXPECT_EQ(r.QueryParam("a"), "1");
  EXPECT_EQ(r.QueryParam("b"), "x/y");
  EXPECT_EQ(r.QueryParam("c"), "");
  EXPECT_EQ(r.QueryParam("d"), "");
  EXPECT_EQ(r.QueryParam("bad"), "%zz");
  EXPECT_EQ(r.QueryParam("e"), std::nullopt);
}

}  // namespace
}  // namespace joule
