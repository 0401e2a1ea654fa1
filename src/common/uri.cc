#include "common/uri.h"

#include <cctype>

#include "common/percent_encoding.h"

namespace arxivflow {

namespace {

Result<std::string> Decoded(std::string_view text, const char* what) {
  auto out = PercentDecodeStrict(text);
  if (!out) return Status::InvalidArgument(std::string("bad percent-encoding in the ") + what);
  return *out;
}

}  // namespace

Result<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return Status::InvalidArgument("port must be a number from 1 to 65535");
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Status::InvalidArgument("port must be a number from 1 to 65535");
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return Status::InvalidArgument("port must be a number from 1 to 65535");
  return value;
}

Result<UriParts> ParseUri(std::string_view uri) {
  UriParts parts;
  size_t sep = uri.find("://");
  if (sep == std::string_view::npos || sep == 0) return Status::InvalidArgument("has no scheme (scheme://...)");
  parts.scheme = std::string(uri.substr(0, sep));
  // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  for (size_t i = 0; i < parts.scheme.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(parts.scheme[i]);
    if (!std::isalpha(c) && (i == 0 || !(std::isdigit(c) || c == '+' || c == '-' || c == '.'))) {
      return Status::InvalidArgument("has an invalid scheme (letters, digits, '+', '-', '.')");
    }
  }
  std::string_view rest = uri.substr(sep + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      AF_ASSIGN_OR_RETURN(parts.password, Decoded(userinfo.substr(colon + 1), "password"));
    }
    AF_ASSIGN_OR_RETURN(parts.user, Decoded(user, "user name"));
  }
  std::string_view hostport = rest;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    AF_ASSIGN_OR_RETURN(parts.path, Decoded(rest.substr(slash + 1), "path"));
  }
  std::string_view host = hostport;
  if (!hostport.empty() && hostport[0] == '[') {  // [IPv6]:port
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("unterminated '[' in the host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::InvalidArgument("unexpected text after ']' in the host");
      AF_ASSIGN_OR_RETURN(parts.port, ParsePort(after.substr(1)));
    }
  } else if (size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    AF_ASSIGN_OR_RETURN(parts.port, ParsePort(hostport.substr(colon + 1)));
  }
  AF_ASSIGN_OR_RETURN(parts.host, Decoded(host, "host"));
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    UriQueryParam param;
    size_t eq = pair.find('=');
    param.has_value = eq != std::string_view::npos;
    AF_ASSIGN_OR_RETURN(param.key, Decoded(pair.substr(0, eq), "query"));
    if (param.has_value) {
      AF_ASSIGN_OR_RETURN(param.value, Decoded(pair.substr(eq + 1), "query"));
    }
    parts.query.push_back(std::move(param));
  }
  return parts;
}

}  // namespace arxivflow
