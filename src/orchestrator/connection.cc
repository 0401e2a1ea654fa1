#include "orchestrator/connection.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/json_limits.h"
#include "common/secret_names.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

namespace {

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string PercentEncode(const std::string& s, const char* keep = "-._~") {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::strchr(keep, c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string EnvName(const std::string& prefix, const std::string& id) {
  std::string out = prefix;
  for (char c : id) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? std::toupper(static_cast<unsigned char>(c)) : '_');
  return out;
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
  uri += PercentEncode(c.host, "-._~");
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
  if (uri.rfind("sqlite:", 0) == 0 && uri.rfind("sqlite://", 0) != 0 && uri.size() > 7) {
    Connection c;  // sqlite:relative/path.db
    c.conn_id = conn_id;
    c.conn_type = "sqlite";
    c.host = uri.substr(7);
    return c;
  }
  auto sep = uri.find("://");
  if (sep == std::string::npos || sep == 0) return bad("has no scheme");
  Connection c;
  c.conn_id = conn_id;
  c.conn_type = uri.substr(0, sep);
  for (char& ch : c.conn_type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char& ch : c.conn_type) if (ch == '-') ch = '_';
  if (c.conn_type == "postgresql") c.conn_type = "postgres";
  std::string rest = uri.substr(sep + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (c.conn_type == "sqlite") {
    // sqlite:///abs/path.db and sqlite:////abs/path.db both mean /abs/path.db.
    std::string path = PercentDecode(rest);
    while (path.size() > 1 && path[0] == '/' && path[1] == '/') path.erase(0, 1);
    if (path.empty()) return bad("has no file path");
    c.host = path;
  } else {
    std::string authority = rest;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      authority = rest.substr(0, slash);
      c.schema = PercentDecode(rest.substr(slash + 1));
    }
    if (auto at = authority.rfind('@'); at != std::string::npos) {
      std::string userinfo = authority.substr(0, at);
      authority = authority.substr(at + 1);
      auto colon = userinfo.find(':');
      c.login = PercentDecode(userinfo.substr(0, colon));
      if (colon != std::string::npos) c.password = PercentDecode(userinfo.substr(colon + 1));
    }
    std::string host = authority;
    size_t colon = std::string::npos;
    if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
      auto rb = authority.find(']');
      if (rb != std::string::npos && rb + 1 < authority.size() && authority[rb + 1] == ':') colon = rb + 1;
    } else {
      colon = authority.rfind(':');
    }
    if (colon != std::string::npos) {
      std::string port = authority.substr(colon + 1);
      host = authority.substr(0, colon);
      if (!port.empty()) {
        char* end = nullptr;
        long p = std::strtol(port.c_str(), &end, 10);
        if (*end || p <= 0 || p > 65535) return bad("has a bad port '" + port + "'");
        c.port = static_cast<int>(p);
      }
    }
    c.host = PercentDecode(host);
  }
  size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!kv.empty()) {
      auto eq = kv.find('=');
      std::string k = PercentDecode(kv.substr(0, eq));
      std::string v = eq == std::string::npos ? "" : PercentDecode(kv.substr(eq + 1));
      if (k == "__extra__") {
        auto parsed = ParseJsonBounded(v, "__extra__");
        if (!parsed.ok()) return bad("has a bad __extra__ JSON (" + parsed.status().message() + ")");
        if (!parsed->is_object()) return bad("has a bad __extra__ JSON");
        c.extra.update(*parsed);
      } else {
        c.extra[k] = v;
      }
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
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
