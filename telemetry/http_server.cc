// Implementation of telemetry/http_server.h: address parsing, the listener
// and the server's thread. Connections are telemetry/http_session.h.
#include "telemetry/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>
#include <list>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "telemetry/http_router.h"
#include "telemetry/http_session.h"

namespace joule {

namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// Accept errors such as EMFILE repeat at once; wait this long before retrying.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// "host:port", "[v6]:port" or ":port" to an endpoint (names resolved here).
absl::StatusOr<tcp::endpoint> ResolveListenAddr(const std::string& addr) {
  std::string host;
  std::string port_text;
  if (!addr.empty() && addr[0] == '[') {
    const size_t close = addr.find(']');
    if (close == std::string::npos || close + 1 >= addr.size() ||
        addr[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address \"", addr, "\": want [ipv6]:port"));
    }
    host = addr.substr(1, close - 1);
    port_text = addr.substr(close + 2);
  } else {
    const size_t colon = addr.rfind(':');
    if (colon == std::string::npos ||
        addr.find(':') != colon) {  // a bare IPv6 address needs brackets
      return absl::InvalidArgumentError(absl::StrCat(
          "listen address \"", addr, "\": want host:port or [ipv6]:port"));
    }
    host = addr.substr(0, colon);
    port_text = addr.substr(colon + 1);
  }
  uint32_t port = 0;
  if (port_text.empty() ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address \"", addr, "\": bad port"));
  }
  if (host.empty()) host = "0.0.0.0";

  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(ip, static_cast<uint16_t>(port));
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port_text, ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address \"", addr, "\": cannot resolve \"", host,
                     "\": ", ec ? ec.message() : "no addresses"));
  }
  return results.begin()->endpoint();
}

}  // namespace

// Everything Boost. All members except thread_ are touched only on
// thread_ once it runs.
class HttpServer::Impl {
 public:
  explicit Impl(std::shared_ptr<const HttpRouter> router)
      : router_(std::move(router)) {}

  absl::Status Listen(const std::string& addr, uint16_t* port) {
    absl::StatusOr<tcp::endpoint> ep = ResolveListenAddr(addr);
    if (!ep.ok()) return ep.status();
    boost::system::error_code ec;
    const auto fail = [&](const char* what) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      return absl::UnavailableError(absl::StrCat(
          "http server: cannot ", what, " ", addr, ": ", ec.message()));
    };
    if (acceptor_.open(ep->protocol(), ec)) return fail("open a socket for");
    if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec)) {
      return fail("set SO_REUSEADDR for");
    }
    if (acceptor_.bind(*ep, ec)) return fail("bind");
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) {
      return fail("listen on");
    }
    const tcp::endpoint local = acceptor_.local_endpoint(ec);
    if (ec) return fail("read the bound port of");
    *port = local.port();
    spdlog::info("http: listening on {}:{}", local.address().to_string(),
                 local.port());
    return absl::OkStatus();
  }

  void Run() {
    DoAccept();
    thread_ = std::thread([this] {
      for (;;) {
        try {
          ioc_.run();
          return;  // stopped
        } catch (const std::exception& e) {
          spdlog::error("http: exception on the server thread: {}", e.what());
        } catch (...) {
          spdlog::error("http: unknown exception on the server thread");
        }
      }
    });
  }

  void Stop() {
    asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      retry_timer_.cancel();
      for (auto& weak : sessions_) {
        if (auto s = weak.lock()) s->Close();
      }
      // Aborted operations need not run: the sessions they hold are freed
      // with the io_context.
      ioc_.stop();
    });
    if (thread_.joinable()) thread_.join();
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(ioc_, [this](boost::system::error_code ec,
                                        tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        spdlog::warn("http: accept failed: {}; retrying", ec.message());
        retry_timer_.expires_after(kAcceptRetryDelay);
        retry_timer_.async_wait([this](boost::system::error_code ec) {
          if (!ec) DoAccept();
        });
        return;
      }
      sessions_.remove_if([](const auto& w) { return w.expired(); });
      auto session = std::make_shared<HttpSession>(std::move(socket), router_);
      sessions_.push_back(session);
      session->Start();
      DoAccept();
    });
  }

  const std::shared_ptr<const HttpRouter> router_;
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  asio::steady_timer retry_timer_{ioc_};
  std::list<std::weak_ptr<HttpSession>> sessions_;
  std::thread thread_;
};

HttpServer::HttpServer(std::string listen_addr)
    : listen_addr_(std::move(listen_addr)),
      router_(std::make_shared<HttpRouter>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string path, HttpHandler handler) {
  router_->Handle(std::move(path), std::move(handler));
}

absl::Status HttpServer::Start() {
  absl::MutexLock l(&mu_);
  if (state_ != State::kNew) {
    return absl::FailedPreconditionError("http server: already started");
  }
  auto impl = std::make_unique<Impl>(router_);
  uint16_t port = 0;
  try {
    absl::Status s = impl->Listen(listen_addr_, &port);
    if (!s.ok()) return s;
    impl->Run();
  } catch (const std::exception& e) {  // e.g. std::system_error from thread
    return absl::InternalError(
        absl::StrCat("http server on ", listen_addr_, ": ", e.what()));
  }
  impl_ = std::move(impl);
  port_ = port;
  state_ = State::kRunning;
  return absl::OkStatus();
}

uint16_t HttpServer::port() const {
  absl::MutexLock l(&mu_);
  return port_;
}

void HttpServer::Stop() {
  std::unique_ptr<Impl> impl;
  {
    absl::MutexLock l(&mu_);
    if (state_ == State::kNew) state_ = State::kStopped;
    if (state_ != State::kRunning) return;
    state_ = State::kStopped;
    impl = std::move(impl_);
  }
  impl->Stop();
  spdlog::info("http: stopped serving {}", listen_addr_);
}

}  // namespace joule
