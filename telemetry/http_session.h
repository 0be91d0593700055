// Internal to telemetry: one HTTP/1.1 connection of HttpServer. Reads a
// request (bounded by kMaxHeaderBytes/kMaxBodyBytes), answers it through the
// router, and repeats while the client keeps the connection alive. A
// malformed or oversized request is answered 400/413/431 and the connection
// closed; an idle connection is closed after kIdleTimeout.
//
// Not thread-safe: every member runs on the server's io_context thread. The
// session owns itself through the shared_ptrs its pending operations hold.
#ifndef JOULE_TELEMETRY_HTTP_SESSION_H_
#define JOULE_TELEMETRY_HTTP_SESSION_H_

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "telemetry/http_router.h"

namespace joule {

inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::chrono::seconds kIdleTimeout{60};
inline constexpr std::chrono::seconds kWriteTimeout{30};
// After answering a bad request, unread input is drained this long (up to
// kMaxLingerBytes) before closing, so the client reads the answer instead of
// a connection reset.
inline constexpr std::chrono::seconds kLingerTimeout{2};
inline constexpr std::size_t kMaxLingerBytes = 1024 * 1024;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket,
              std::shared_ptr<const HttpRouter> router);

  // Starts reading the first request.
  void Start();
  // Closes the connection now; pending operations complete with errors and
  // release the session.
  void Close();

 private:
  using Response =
      boost::beast::http::response<boost::beast::http::string_body>;

  void DoRead();
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  // Answers a request that could not be read, then closes.
  void ReplyError(boost::beast::error_code ec);
  void Write(bool close);
  void OnWrite(bool close, boost::beast::error_code ec, std::size_t bytes);
  // Half-closes, then Drain()s: discards input until EOF, kLingerTimeout or
  // kMaxLingerBytes, and closes.
  void Linger();
  void Drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  Response response_;  // kept alive until its write completes
  bool linger_ = false;
  std::size_t lingered_bytes_ = 0;
  std::array<char, 4096> discard_;
  const std::shared_ptr<const HttpRouter> router_;
};

}  // namespace joule

#endif  // JOULE_TELEMETRY_HTTP_SESSION_H_
