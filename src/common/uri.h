// The one reader of "scheme://[user[:password]@]host[:port][/path][?query]"
// URIs: connection strings of the orchestrator (Airflow's connection URIs)
// and of the warehouse.
//
// Contract: the query starts at the first '?'; the user info ends at the last
// '@' before it (so an unencoded '@' in a password still works); the scheme
// is RFC 3986's (a letter, then letters, digits, '+', '-', '.'); the path
// starts at the first '/' after the user info. User, password, host, path and
// query keys and values are percent-decoded strictly ('+' stays '+'); a host
// in brackets is an IPv6 address, returned without them. Errors are
// kInvalidArgument naming the part that is wrong, never echoing the input (it
// may hold a password). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow {

struct UriQueryParam {
  std::string key;
  std::string value;
  bool has_value = false;  // false: "key" without '='
};

struct UriParts {
  std::string scheme;                   // as written
  std::string user;
  std::optional<std::string> password;  // nullopt: no ':' in the user info
  std::string host;
  std::optional<int> port;              // 1..65535
  std::string path;                     // without its leading '/'
  std::vector<UriQueryParam> query;     // in order; empty pieces skipped
};

Result<UriParts> ParseUri(std::string_view uri);

// A TCP port: 1 to 65535, digits only.
Result<int> ParsePort(std::string_view text);

}  // namespace arxivflow
