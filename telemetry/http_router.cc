// Implementation of telemetry/http_router.h and the Boost-free parts of
// telemetry/http_server.h.
#include "telemetry/http_router.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "telemetry/exposition.h"
#include "telemetry/metrics.h"

namespace joule {
namespace {

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding; a malformed %xx stays as is.
std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> HttpRequest::QueryParam(std::string_view key) const {
  // absl::StrSplit is not used: Debian's abseil has its own string_view.
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (FormDecode(pair.substr(0, eq)) != key) continue;
    return eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

HttpHandler MetricsHandler(const Registry& registry) {
  return [&registry](const HttpRequest&) {
    HttpResponse r;
    r.content_type = kExpositionContentType;
    r.body = ExposeText(registry);
    return r;
  };
}

void SplitTarget(std::string target, HttpRequest* request) {
  const size_t q = target.find('?');
  request->path = target.substr(0, q);
  request->query = q == std::string::npos ? "" : target.substr(q + 1);
  request->target = std::move(target);
}

void HttpRouter::Handle(std::string path, HttpHandler handler) {
  absl::MutexLock l(&mu_);
  handlers_[std::move(path)] = std::move(handler);
}

HttpResponse HttpRouter::Route(const HttpRequest& request) const {
  HttpHandler handler;
  {
    absl::MutexLock l(&mu_);
    auto it = handlers_.find(request.path);
    if (it != handlers_.end()) handler = it->second;
  }
  if (!handler) return TextResponse(404, "404 not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = TextResponse(405, "405 method not allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  try {
    HttpResponse r = handler(request);
    if (r.status < 100 || r.status > 599) {
      spdlog::error("http: handler for {} returned status {}", request.path,
                    r.status);
      return TextResponse(500, "500 internal server error\n");
    }
    return r;
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} threw: {}", request.path, e.what());
  } catch (...) {
    spdlog::error("http: handler for {} threw a non-exception", request.path);
  }
  return TextResponse(500, "500 internal server error\n");
}

}  // namespace joule
