// HttpRequest / HttpResponse: the server's own, transport-free view of one
// HTTP exchange. The socket layer (http_server.h) parses requests into these
// and serialises responses; everything else (routing, auth, the API, the UI)
// works on these plain values, so it is unit-tested without sockets.
//
// Contract: plain data, copyable, not thread-safe to mutate concurrently.
// Header names are matched case-insensitively. `target` is the raw request
// target ("/api/v1/dags/a%2Fb?limit=5"); `path` is its undecoded path part;
// `query` holds decoded query parameters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/percent_encoding.h"

namespace arxivflow::server {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw (still percent-encoded) path, no query
  std::multimap<std::string, std::string> query;
  HeaderMap headers;
  std::string body;
  std::string remote_addr;

  std::string Header(const std::string& name) const;  // "" when absent
  bool HasQuery(const std::string& name) const;
  std::string Query(const std::string& name) const;   // "" when absent
  // Value of one cookie from the Cookie header(s); nullopt when absent.
  std::optional<std::string> Cookie(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  void AddHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  std::string Header(const std::string& name) const;  // first match, "" when absent
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' means space, as in forms).
std::multimap<std::string, std::string> ParseQueryString(const std::string& query);

// Path segments are decoded with PercentDecode ('+' stays '+'; invalid
// escapes are kept literally) and encoded with PercentEncode, both from
// common/percent_encoding.h.

}  // namespace arxivflow::server
