#include "server/http_types.h"

#include <strings.h>

namespace arxivflow::server {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

bool HttpRequest::HasQuery(const std::string& name) const { return query.count(name) > 0; }

std::string HttpRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

std::optional<std::string> HttpRequest::Cookie(const std::string& name) const {
  auto range = headers.equal_range("Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    const std::string& h = it->second;
    size_t pos = 0;
    while (pos < h.size()) {
      size_t end = h.find(';', pos);
      if (end == std::string::npos) end = h.size();
      size_t start = pos;
      while (start < end && h[start] == ' ') ++start;
      size_t eq = h.find('=', start);
      if (eq != std::string::npos && eq < end && h.compare(start, eq - start, name) == 0 &&
          eq - start == name.size()) {
        return h.substr(eq + 1, end - eq - 1);
      }
      pos = end + 1;
    }
  }
  return std::nullopt;
}

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

std::multimap<std::string, std::string> ParseQueryString(const std::string& query) {
  std::multimap<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    if (end > pos) {
      std::string part = query.substr(pos, end - pos);
      size_t eq = part.find('=');
      if (eq == std::string::npos) {
        out.emplace(PercentDecode(part, true), "");
      } else {
        out.emplace(PercentDecode(part.substr(0, eq), true), PercentDecode(part.substr(eq + 1), true));
      }
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace arxivflow::server
