// Router: maps (method, path pattern) to a handler.
//
// Contract: patterns are literal segments and "{name}" placeholders, each
// matching exactly one non-empty path segment ("/api/v1/dags/{dag_id}").
// Matching splits the raw path on '/' first and percent-decodes each segment
// after, so an id holding an encoded "/" (%2F) stays one segment. Match()
// reports kNotFound when no pattern fits the path and kMethodNotAllowed when
// one does but not with this method (with the allowed methods listed).
// Add() is not thread-safe; Match() is, once all routes are added.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/http_types.h"

namespace arxivflow::server {

using PathParams = std::map<std::string, std::string>;

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string summary;  // one line, for the OpenAPI document
  std::string tag;      // OpenAPI grouping ("DAG", "DAGRun", ...)
  bool admin_only = false;  // state-changing: refused to viewers
  bool cacheable = false;   // a polled read (see WebAppOptions::read_cache_ms)
  bool public_route = false;  // served without a login (health)
  // For the OpenAPI document (openapi.h); null/empty = untyped.
  nlohmann::json request_schema;   // the JSON body's schema
  nlohmann::json response_schema;  // the success response's schema
  int success_status = 0;          // 0 = 200 (204 for DELETE)
  nlohmann::json query_params = nlohmann::json::array();  // OpenAPI parameter objects
};

template <typename Handler>
class Router {
 public:
  enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    MatchKind kind = MatchKind::kNotFound;
    const RouteInfo* route = nullptr;
    const Handler* handler = nullptr;
    PathParams params;
    std::vector<std::string> allowed;  // for kMethodNotAllowed
  };

  void Add(RouteInfo info, Handler handler) {
    Entry e;
    e.segments = Split(info.pattern);
    e.info = std::move(info);
    e.handler = std::move(handler);
    entries_.push_back(std::move(e));
  }

  Match Find(const std::string& method, const std::string& raw_path) const {
    Match m;
    std::vector<std::string> segs = Split(raw_path);
    for (const Entry& e : entries_) {
      PathParams params;
      if (!MatchSegments(e.segments, segs, params)) continue;
      if (e.info.method == method || (method == "HEAD" && e.info.method == "GET")) {
        m.kind = MatchKind::kFound;
        m.route = &e.info;
        m.handler = &e.handler;
        m.params = std::move(params);
        return m;
      }
      m.kind = MatchKind::kMethodNotAllowed;
      m.allowed.push_back(e.info.method);
    }
    return m;
  }

  std::vector<const RouteInfo*> Routes() const {
    std::vector<const RouteInfo*> out;
    for (const Entry& e : entries_) out.push_back(&e.info);
    return out;
  }

 private:
  struct Entry {
    RouteInfo info;
    std::vector<std::string> segments;
    Handler handler;
  };

  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < path.size()) {
      if (path[pos] == '/') { ++pos; continue; }
      size_t end = path.find('/', pos);
      if (end == std::string::npos) end = path.size();
      out.push_back(path.substr(pos, end - pos));
      pos = end;
    }
    return out;
  }

  static bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                            PathParams& params) {
    if (pattern.size() != path.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const std::string& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        std::string value = PercentDecode(path[i]);
        if (value.empty()) return false;
        params[p.substr(1, p.size() - 2)] = std::move(value);
      } else if (p != path[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Entry> entries_;
};

}  // namespace arxivflow::server
