// A small HTTP/1.1 server for /metrics, /healthz and the status page, on
// Boost.Beast: one io_context on one owned thread, async accept, keep-alive,
// bounded request size, GET and HEAD only.
//
// Handlers run on the server's thread, one at a time, so they must be quick
// (render a snapshot; never wait on a lock held across slow work). An
// exception a handler throws becomes a 500; a broken or oversized request
// gets a 4xx and closes that connection only. No Boost type or exception
// crosses this interface.
//
// Thread-safety: Handle() may be called from any thread, also while running.
// Start() and Stop() may be called from any thread but not from a handler
// (Stop joins the server's thread).
#ifndef JOULE_TELEMETRY_HTTP_SERVER_H_
#define JOULE_TELEMETRY_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace joule {

class Registry;
class HttpRouter;

struct HttpRequest {
  std::string method;  // "GET" or "HEAD" by the time a handler sees it
  std::string target;  // as sent: "/metrics?name=x"
  std::string path;    // target up to '?': "/metrics"
  std::string query;   // raw text after '?', "" if none: "name=x"
  std::string body;

  // The percent-decoded value of the first `key` in the query ("+" is a
  // space); nullopt if absent. "a&b=" gives "" for both a and b.
  std::optional<std::string> QueryParam(std::string_view key) const;
};

struct HttpResponse {
  int status = 200;  // 100..599; anything else is sent as 500
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers, e.g. {"Cache-Control", "no-store"}.
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Serves ExposeText(registry) as kExpositionContentType. `registry` must
// outlive the server.
HttpHandler MetricsHandler(const Registry& registry);

class HttpServer {
 public:
  // `listen_addr` is "host:port" or "[ipv6]:port"; host is an IP address or
  // a name resolved once at Start ("localhost"); an empty host (":9810")
  // means every IPv4 interface; port 0 picks a free port (see port()).
  explicit HttpServer(std::string listen_addr);
  ~HttpServer();  // Stop()s.
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves `path` (exact match, query ignored) with `handler`; replaces an
  // earlier handler for the same path. Unknown paths get 404; methods other
  // than GET and HEAD on a known path get 405.
  void Handle(std::string path, HttpHandler handler);

  // Binds, listens and starts the server's thread. InvalidArgument for a
  // malformed address, Unavailable (naming the address) when it cannot be
  // bound, FailedPrecondition if already started or stopped (a server runs
  // once).
  absl::Status Start();

  // The bound port after a successful Start() (the real one for port 0);
  // 0 before.
  uint16_t port() const;

  // Closes the listener and every connection and joins the thread. Prompt:
  // waits at most for the handler running now. Idempotent.
  void Stop();

 private:
  class Impl;
  enum class State { kNew, kRunning, kStopped };

  const std::string listen_addr_;
  const std::shared_ptr<HttpRouter> router_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kNew;
  uint16_t port_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<Impl> impl_ ABSL_GUARDED_BY(mu_);
};

}  // namespace joule

#endif  // JOULE_TELEMETRY_HTTP_SERVER_H_
