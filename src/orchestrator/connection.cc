#include "orchestrator/connection.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/percent_encoding.h"
#include "common/uri.h"
#include "common/json_limits.h"
#include "common/secret_names.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

namespace {

std::string EnvName(const std::string& prefix, const std::string& id) {
  std::string out = prefix;
  for (char c : id) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? std::toupper(static_cast<unsigned char>(c)) : '_');
  return out;
}

// A host that must be written in brackets: an IPv6 address.
bool IsIpv6Literal(const std::string& host) {
  if (host.find(':') == std::string::npos) return false;
  for (unsigned char ch : host) {
    if (!std::isxdigit(ch) && ch != ':' && ch != '.') return false;
  }
  return true;
}

std::string BuildUri(const Connection& c, const std::string& password, bool mask_secret_extras = false) {
  std::string scheme = c.conn_type.empty() ? "generic" : c.conn_type;
  for (char& ch : scheme) if (ch == '_') ch = '-';
  if (c.conn_type == "sqlite") {
    return c.host.empty() || c.host[0] != '/' ? "sqlite:" + c.host : "sqlite://" + c.host;
  }
  std::string uri = scheme + "://";
  if (!c.login.empty() || !password.empty()) {
    uri += PercentEncode(c.login);
    if (!password.empty()) uri += ":" + password;
    uri += "@";
  }
  uri += IsIpv6Literal(c.host) ? "[" + c.host + "]" : PercentEncode(c.host);
  if (c.port) uri += ":" + std::to_string(c.port);
  if (!c.schema.empty()) uri += "/" + PercentEncode(c.schema);
  if (c.extra.is_object() && !c.extra.empty()) {
    char sep = '?';
    for (const auto& [k, v] : c.extra.items()) {
      uri += sep;
      sep = '&';
      uri += PercentEncode(k) + "=" +
             (mask_secret_extras && IsSecretName(k) ? std::string("***")
                                                        : PercentEncode(v.is_string() ? v.get<std::string>() : v.dump()));
    }
  }
  return uri;
}

}  // namespace

std::string Connection::ToUri() const { return BuildUri(*this, PercentEncode(password)); }
std::string Connection::ToMaskedUri() const { return BuildUri(*this, password.empty() ? "" : "***", true); }

std::string ConnectionEnvName(const std::string& conn_id) { return EnvName("ARXIVFLOW_CONN_", conn_id); }
std::string VariableEnvName(const std::string& key) { return EnvName("ARXIVFLOW_VAR_", key); }

Result<Connection> ParseConnectionUri(const std::string& conn_id, const std::string& uri) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("connection '" + conn_id + "': URI " + why +
                                   " (expected scheme://login:password@host:port/schema?key=value)");
  };
  Connection c;
  c.conn_id = conn_id;
  std::string prefix = uri.substr(0, 7);
  for (char& ch : prefix) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (prefix == "sqlite:") {
    // sqlite:relative/path.db; sqlite:///abs/path.db and sqlite:////abs/path.db
    // both mean /abs/path.db. The path goes to `host`.
    c.conn_type = "sqlite";
    std::string path = uri.substr(7);
    if (path.rfind("//", 0) == 0) {
      path = path.substr(2);
      if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
      auto decoded = PercentDecodeStrict(path);
      if (!decoded) return bad("has bad percent-encoding in the path");
      path = *decoded;
      while (path.size() > 1 && path[0] == '/' && path[1] == '/') path.erase(0, 1);
    }
    if (path.empty()) return bad("has no file path");
    c.host = path;
    return c;
  }
  auto parts = ParseUri(uri);
  if (!parts.ok()) return bad(parts.status().message());
  c.conn_type = parts->scheme;
  for (char& ch : c.conn_type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char& ch : c.conn_type) if (ch == '-') ch = '_';
  if (c.conn_type == "postgresql") c.conn_type = "postgres";
  c.login = parts->user;
  c.password = parts->password.value_or("");
  c.host = parts->host;
  c.port = parts->port.value_or(0);
  c.schema = parts->path;
  for (const auto& param : parts->query) {
    if (param.key == "__extra__") {
      auto parsed = ParseJsonBounded(param.value, "__extra__");
      if (!parsed.ok()) return bad("has a bad __extra__ JSON (" + parsed.status().message() + ")");
      if (!parsed->is_object()) return bad("has a bad __extra__ JSON");
      c.extra.update(*parsed);
    } else {
      c.extra[param.key] = param.value;
    }
  }
  return c;
}

Result<Connection> ResolveConnection(const std::string& conn_id) {
  if (const char* env = std::getenv(ConnectionEnvName(conn_id).c_str()); env && *env) {
    return ParseConnectionUri(conn_id, env);
  }
  AF_ASSIGN_OR_RETURN(auto store, MetadataStore::Open(Paths(), /*create=*/false));
  return store->GetConnection(conn_id);
}

Result<std::string> ResolveConnectionUri(const std::string& conn_id_or_uri) {
  if (conn_id_or_uri.find("://") != std::string::npos) return conn_id_or_uri;
  AF_ASSIGN_OR_RETURN(auto conn, ResolveConnection(conn_id_or_uri));
  return conn.ToUri();
}

}  // namespace arxivflow::orchestrator
