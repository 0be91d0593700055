// Internal to telemetry: maps a request path to its handler and turns the
// cases no handler covers (unknown path, wrong method, a handler that
// throws) into error responses. Knows nothing of sockets or Boost, so the
// rules are tested without a server.
//
// Thread-safe: Handle() and Route() may run concurrently.
#ifndef JOULE_TELEMETRY_HTTP_ROUTER_H_
#define JOULE_TELEMETRY_HTTP_ROUTER_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "telemetry/http_server.h"

namespace joule {

class HttpRouter {
 public:
  void Handle(std::string path, HttpHandler handler);

  // The handler's response, or 404 (unknown path), 405 (not GET/HEAD, with
  // an Allow header), 500 (the handler threw or gave a status outside
  // 100..599). The handler runs without the router's lock held.
  HttpResponse Route(const HttpRequest& request) const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, HttpHandler> handlers_ ABSL_GUARDED_BY(mu_);
};

// Splits `target` into request->path and request->query.
void SplitTarget(std::string target, HttpRequest* request);

}  // namespace joule

#endif  // JOULE_TELEMETRY_HTTP_ROUTER_H_
