// Implementation of testing/test_http_client.h.
#include "testing/test_http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/str_cat.h"

namespace joule {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

void TestHttpClient::RunAll() {
  ioc_.restart();
  ioc_.run();
}

absl::Status TestHttpClient::Connect(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError(ec.message());
  stream_.expires_after(kTimeout);
  stream_.async_connect(tcp::endpoint(ip, port),
                        [&ec](beast::error_code e) { ec = e; });
  RunAll();
  if (ec) {
    return absl::UnavailableError(absl::StrCat("connect: ", ec.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<TestResponse> TestHttpClient::Read(bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code ec;
  stream_.expires_after(kTimeout);
  http::async_read(stream_, buffer_, parser,
                   [&ec](beast::error_code e, std::size_t) { ec = e; });
  RunAll();
  if (ec) return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
  return parser.release();
}

absl::StatusOr<TestResponse> TestHttpClient::Send(const std::string& method,
                                                  const std::string& target,
                                                  const std::string& body,
                                                  bool close) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(!close);
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  stream_.expires_after(kTimeout);
  http::async_write(stream_, req,
                    [&ec](beast::error_code e, std::size_t) { ec = e; });
  RunAll();
  if (ec) return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
  return Read(/*head=*/method == "HEAD");
}

absl::StatusOr<TestResponse> TestHttpClient::SendRaw(const std::string& bytes) {
  beast::error_code ec;
  stream_.expires_after(kTimeout);
  asio::async_write(stream_, asio::buffer(bytes),
                    [&ec](beast::error_code e, std::size_t) { ec = e; });
  RunAll();
  if (ec) return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
  return Read(/*head=*/false);
}

bool TestHttpClient::ServerClosed() {
  char byte;
  beast::error_code ec;
  std::size_t n = 0;
  stream_.expires_after(kTimeout);
  stream_.async_read_some(asio::buffer(&byte, 1),
                          [&](beast::error_code e, std::size_t got) {
                            ec = e;
                            n = got;
                          });
  RunAll();
  return n == 0 &&
         (ec == asio::error::eof || ec == asio::error::connection_reset);
}

absl::StatusOr<TestResponse> HttpGet(uint16_t port, const std::string& target) {
  TestHttpClient client;
  absl::Status s = client.Connect("127.0.0.1", port);
  if (!s.ok()) return s;
  return client.Send("GET", target, "", /*close=*/true);
}

}  // namespace joule
