// Implementation of telemetry/http_session.h.
#include "telemetry/http_session.h"

#include <string>
#include <utility>

#include "spdlog/spdlog.h"

namespace joule {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

bool IsParseError(const beast::error_code& ec) {
  return ec.category() ==
         http::make_error_code(http::error::bad_method).category();
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket,
                         std::shared_ptr<const HttpRouter> router)
    : stream_(std::move(socket)),
      // Room for one full request plus the start of a pipelined next one.
      buffer_(2 * (kMaxHeaderBytes + kMaxBodyBytes)),
      router_(std::move(router)) {}

void HttpSession::Start() { DoRead(); }

void HttpSession::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();  // also cancels the stream's timers
}

void HttpSession::DoRead() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxBodyBytes);
  stream_.expires_after(kIdleTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream) {  // client closed between requests
    Close();
    return;
  }
  if (ec == asio::error::operation_aborted) return;  // Close() or Stop()
  if (ec) {
    if (IsParseError(ec)) {
      ReplyError(ec);
    } else {  // timeout, reset, ...: nobody to answer
      spdlog::debug("http: connection dropped: {}", ec.message());
      Close();
    }
    return;
  }

  http::request<http::string_body> req = parser_->release();
  HttpRequest request;
  request.method = std::string(req.method_string());
  SplitTarget(std::string(req.target()), &request);
  request.body = std::move(req.body());
  HttpResponse out = router_->Route(request);

  response_ = Response(static_cast<http::status>(out.status), req.version());
  response_.set(http::field::server, "jouled");
  response_.set(http::field::content_type, out.content_type);
  for (const auto& [name, value] : out.headers) response_.set(name, value);
  response_.body() = std::move(out.body);
  response_.prepare_payload();
  if (req.method() == http::verb::head) {
    // Content-Length stays that of the GET response; no body is sent.
    response_.body().clear();
  }
  Write(/*close=*/!req.keep_alive());
}

void HttpSession::ReplyError(beast::error_code ec) {
  http::status status = http::status::bad_request;
  if (ec == http::error::header_limit) {
    status = http::status::request_header_fields_too_large;
  } else if (ec == http::error::body_limit ||
             ec == http::error::buffer_overflow) {
    status = http::status::payload_too_large;
  }
  spdlog::debug("http: bad request ({}): answering {}", ec.message(),
                static_cast<int>(status));
  response_ = Response(status, 11);
  response_.set(http::field::server, "jouled");
  response_.set(http::field::content_type, "text/plain; charset=utf-8");
  response_.body() = std::to_string(static_cast<int>(status)) + " " +
                     std::string(http::obsolete_reason(status)) + "\n";
  response_.prepare_payload();
  linger_ = true;
  Write(/*close=*/true);
}

void HttpSession::Linger() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTimeout);  // one deadline for all of Drain()
  Drain();
}

void HttpSession::Drain() {
  stream_.async_read_some(
      asio::buffer(discard_),
      [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
        self->lingered_bytes_ += bytes;
        if (ec || self->lingered_bytes_ > kMaxLingerBytes) {
          self->stream_.close();
          return;
        }
        self->Drain();
      });
}

void HttpSession::Write(bool close) {
  response_.keep_alive(!close);
  stream_.expires_after(kWriteTimeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&HttpSession::OnWrite,
                                              shared_from_this(), close));
}

void HttpSession::OnWrite(bool close, beast::error_code ec,
                          std::size_t /*bytes*/) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    spdlog::debug("http: write failed: {}", ec.message());
    Close();
    return;
  }
  if (close && linger_) {
    Linger();
    return;
  }
  if (close) {  // the request was read whole: a plain FIN is enough
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
    return;
  }
  DoRead();
}

}  // namespace joule
