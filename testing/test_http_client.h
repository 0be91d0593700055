// Test-only: a blocking HTTP/1.1 client on Boost.Beast for the telemetry
// tests. Each call runs its own io_context until the operation finishes or
// kTimeout passes, so a broken server fails a test instead of hanging it,
// and no test sleeps.
//
// Not thread-safe: one client per thread.
#ifndef JOULE_TESTING_TEST_HTTP_CLIENT_H_
#define JOULE_TESTING_TEST_HTTP_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace joule {

using TestResponse =
    boost::beast::http::response<boost::beast::http::string_body>;

class TestHttpClient {
 public:
  static constexpr std::chrono::seconds kTimeout{10};

  absl::Status Connect(const std::string& host, uint16_t port);
  // Sends `method target` with `body` on the open connection (keep-alive
  // unless `close`) and reads the response. A HEAD response has no body.
  absl::StatusOr<TestResponse> Send(const std::string& method,
                                    const std::string& target,
                                    const std::string& body = "",
                                    bool close = false);
  absl::StatusOr<TestResponse> Get(const std::string& target) {
    return Send("GET", target);
  }
  // Writes raw bytes (for malformed requests) and reads one response.
  absl::StatusOr<TestResponse> SendRaw(const std::string& bytes);
  // True once the server has closed the connection (a read sees EOF or a
  // reset); false if data arrives or kTimeout passes first.
  bool ServerClosed();

 private:
  absl::StatusOr<TestResponse> Read(bool head);
  // Runs the io_context until all work is done.
  void RunAll();

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_{ioc_};
  boost::beast::flat_buffer buffer_;
};

// One GET on a fresh connection to 127.0.0.1:port.
absl::StatusOr<TestResponse> HttpGet(uint16_t port, const std::string& target);

}  // namespace joule

#endif  // JOULE_TESTING_TEST_HTTP_CLIENT_H_
