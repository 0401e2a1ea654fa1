#include "server/request_guard.h"

#include <strings.h>

#include "server/problem.h"

namespace arxivflow::server {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Trimmed(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

}  // namespace

bool IsStateChangingMethod(const std::string& method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

bool IsBrowserRequest(const HttpRequest& request) {
  for (const char* h : {"Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User"}) {
    if (!request.Header(h).empty()) return true;
  }
  return request.Header("User-Agent").rfind("Mozilla/", 0) == 0;
}

std::optional<HttpResponse> CheckCrossSiteWrite(const HttpRequest& request) {
  if (!IsStateChangingMethod(request.method)) return std::nullopt;
  std::string site = Lower(Trimmed(request.Header("Sec-Fetch-Site")));
  if (!site.empty() && site != "same-origin" && site != "none") {
    return Problem(403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
  }
  auto origins = request.headers.equal_range("Origin");
  for (auto it = origins.first; it != origins.second; ++it) {
    std::string origin = Lower(Trimmed(it->second));
    size_t scheme = origin.find("://");
    std::string authority = scheme == std::string::npos ? "" : origin.substr(scheme + 3);
    if (!authority.empty() && authority.back() == '/') authority.pop_back();
    std::string host = Lower(Trimmed(request.Header("Host")));
    if (authority.empty() || host.empty() || authority != host) {
      return Problem(403, "cross-site request refused (Origin " + (origin.empty() ? std::string("null") : origin) +
                              " is not this server)");
    }
  }
  return std::nullopt;
}

std::optional<HttpResponse> CheckJsonWrite(const HttpRequest& request) {
  if (request.method != "POST" && request.method != "PATCH" && request.method != "PUT") return std::nullopt;
  std::string type = request.Header("Content-Type");
  type = Lower(Trimmed(type.substr(0, type.find(';'))));
  if (type != "application/json") {
    return Problem(415, "send writes as JSON with the header Content-Type: application/json");
  }
  return std::nullopt;
}

bool ShouldChallengeBasic(const HttpRequest& request) {
  return request.Header("X-Requested-With").empty() && !IsBrowserRequest(request);
}

}  // namespace arxivflow::server
