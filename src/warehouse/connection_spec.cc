#include "warehouse/connection_spec.h"

#include <cctype>
#include <mutex>

#include "common/uri.h"

namespace arxivflow::warehouse {

namespace {

Status Bad(std::string msg) { return Status::InvalidArgument("connection string: " + std::move(msg)); }

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool IsKeyword(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsConnectionId(std::string_view text) {
  if (text.empty() || text.size() > 250) return false;
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

Result<ConnectionSpec> ParseSqlite(std::string_view rest) {
  ConnectionSpec spec;
  spec.kind = TargetKind::kSqlite;
  if (rest == ":memory:") {
    spec.sqlite_path = ":memory:";
  } else if (StartsWith(rest, "//")) {
    rest.remove_prefix(2);
    if (!StartsWith(rest, "/")) {
      return Bad("sqlite:// must be followed by an absolute path (sqlite:///abs/path.db); "
                 "write a relative path as sqlite:relative/path.db");
    }
    spec.sqlite_path = std::string(rest);
  } else {
    spec.sqlite_path = std::string(rest);
  }
  if (spec.sqlite_path.empty() || spec.sqlite_path == "/") return Bad("sqlite: the database path is empty");
  if (HasControl(spec.sqlite_path)) return Bad("sqlite: the database path contains control characters");
  return spec;
}

Status ValidatePort(std::string_view port) {
  auto valid = ParsePort(port);
  return valid.ok() ? Status::OK() : Bad(valid.status().message());
}

// scheme://[user[:password]@]host[:port][/dbname][?k=v&...], split by the
// one URI reader (common/uri.h); what a warehouse accepts is checked here.
Result<ConnectionSpec> ParseWarehouseUri(std::string_view text, TargetKind kind) {
  auto uri = ParseUri(text);
  if (!uri.ok()) return Bad(uri.status().message());
  ConnectionSpec spec;
  spec.kind = kind;
  for (char c : uri->host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':' ||
          c == '%')) {
      return Bad("the host name contains an invalid character");
    }
  }
  if (uri->password && uri->password->find('\0') != std::string::npos) return Bad("the password contains a NUL byte");
  if (HasControl(uri->user)) return Bad("the user name contains control characters");
  if (!uri->user.empty()) spec.params.emplace_back("user", uri->user);
  if (uri->password && !uri->password->empty()) spec.params.emplace_back("password", *uri->password);
  if (!uri->host.empty()) spec.params.emplace_back("host", uri->host);
  if (uri->port) {
    spec.params.emplace_back("port", std::to_string(*uri->port));
  } else if (kind == TargetKind::kRedshift) {
    spec.params.emplace_back("port", "5439");
  }
  if (!uri->path.empty()) {
    if (HasControl(uri->path)) return Bad("the database name contains control characters");
    spec.params.emplace_back("dbname", uri->path);
  }
  for (auto& param : uri->query) {
    if (!param.has_value) return Bad("query parameter without '=' (expected key=value)");
    const std::string& key = param.key;
    if (!IsKeyword(key)) return Bad("invalid query parameter name (expected lower-case letters and '_')");
    std::string value = std::move(param.value);
    if (HasControl(value)) return Bad("query parameter " + key + " contains control characters");
    if (kind == TargetKind::kRedshift && key == "iam_role") {
      spec.iam_role = std::move(value);
    } else if (kind == TargetKind::kRedshift && key == "s3_prefix") {
      while (!value.empty() && value.back() == '/') value.pop_back();
      spec.s3_prefix = std::move(value);
    } else if (key == "password") {
      return Bad("put the password in the user-info part (user:password@host), not in the query");
    } else {
      spec.params.emplace_back(key, std::move(value));
    }
  }
  if (kind == TargetKind::kRedshift) {
    if (spec.Param("host").empty()) return Bad("redshift:// needs a host");
    if (!spec.s3_prefix.empty() && !StartsWith(spec.s3_prefix, "s3://")) {
      return Bad("redshift s3_prefix must start with s3://");
    }
  }
  return spec;
}

// key=value pairs separated by white space; values may be single-quoted with
// \' and \\ escapes (libpq's keyword/value syntax).
Result<ConnectionSpec> ParseKeywords(std::string_view text) {
  ConnectionSpec spec;
  spec.kind = TargetKind::kPostgres;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  while (true) {
    skip_space();
    if (i >= text.size()) break;
    size_t key_start = i;
    while (i < text.size() && text[i] != '=' && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string key(text.substr(key_start, i - key_start));
    if (!IsKeyword(key)) return Bad("invalid keyword in a key=value connection string (expected lower-case letters and '_')");
    skip_space();
    if (i >= text.size() || text[i] != '=') return Bad("missing '=' after keyword " + key);
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '\'') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return Bad("unterminated quoted value for keyword " + key);
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) c = text[i++];
        value += c;
      }
    }
    if (value.find('\0') != std::string::npos) return Bad("value of keyword " + key + " contains a NUL byte");
    if (key == "port") AF_RETURN_IF_ERROR(ValidatePort(value));
    spec.params.emplace_back(std::move(key), std::move(value));
  }
  if (spec.params.empty()) return Bad("empty key=value connection string");
  return spec;
}

std::mutex& ResolverMutex() {
  static std::mutex m;
  return m;
}
ConnectionResolver& Resolver() {
  static ConnectionResolver r;
  return r;
}

}  // namespace

const char* TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kSqlite: return "sqlite";
    case TargetKind::kPostgres: return "postgresql";
    case TargetKind::kRedshift: return "redshift";
  }
  return "?";
}

std::string ConnectionSpec::Param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

std::string ConnectionSpec::Describe() const {
  if (kind == TargetKind::kSqlite) {
    if (sqlite_path == ":memory:") return "sqlite::memory:";
    if (!sqlite_path.empty() && sqlite_path[0] == '/') return "sqlite://" + sqlite_path;
    return "sqlite:" + sqlite_path;
  }
  std::string out = kind == TargetKind::kRedshift ? "redshift://" : "postgresql://";
  const std::string user = Param("user");
  const bool has_password = !Param("password").empty();
  if (!user.empty() || has_password) {
    out += user;
    if (has_password) out += ":***";
    out += "@";
  }
  std::string host = Param("host");
  if (host.empty()) host = Param("hostaddr");
  if (host.find(':') != std::string::npos && host.find(',') == std::string::npos && host[0] != '/') {
    host = "[" + host + "]";
  }
  out += host;
  if (std::string port = Param("port"); !port.empty()) out += ":" + port;
  if (std::string db = Param("dbname"); !db.empty()) out += "/" + db;
  std::string sep = "?";
  for (const auto& [k, v] : params) {
    if (k == "user" || k == "password" || k == "host" || k == "hostaddr" || k == "port" || k == "dbname") continue;
    out += sep + k + "=" + v;
    sep = "&";
  }
  if (!iam_role.empty()) out += sep + "iam_role=" + iam_role, sep = "&";
  if (!s3_prefix.empty()) out += sep + "s3_prefix=" + s3_prefix;
  return Redact(out);
}

std::string ConnectionSpec::Redact(std::string text) const {
  const std::string password = Param("password");
  if (password.size() < 3) return text;
  size_t pos = 0;
  while ((pos = text.find(password, pos)) != std::string::npos) {
    text.replace(pos, password.size(), "***");
    pos += 3;
  }
  return text;
}

Result<ConnectionSpec> ParseConnection(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return Bad("empty");
  if (text.size() > 8192) return Bad("longer than 8192 bytes");
  if (StartsWith(text, "sqlite:")) return ParseSqlite(text.substr(7));
  if (StartsWith(text, "postgresql://") || StartsWith(text, "postgres://")) {
    return ParseWarehouseUri(text, TargetKind::kPostgres);
  }
  if (StartsWith(text, "redshift://")) return ParseWarehouseUri(text, TargetKind::kRedshift);
  if (text.find('=') != std::string_view::npos && text.find("://") == std::string_view::npos) {
    return ParseKeywords(text);
  }
  if (size_t colon = text.find(':'); colon != std::string_view::npos && colon < 20) {
    std::string scheme(text.substr(0, colon));
    if (IsKeyword(scheme)) {
      return Bad("unsupported scheme '" + scheme +
                 "' (expected sqlite:, postgresql://, postgres://, redshift:// or key=value pairs)");
    }
  }
  return Bad("not a connection string (expected sqlite:, postgresql://, postgres://, redshift://, "
             "key=value pairs, or a stored connection id)");
}

void SetConnectionResolver(ConnectionResolver resolver) {
  std::lock_guard<std::mutex> lock(ResolverMutex());
  Resolver() = std::move(resolver);
}

Result<ConnectionSpec> ResolveConnection(std::string_view text) {
  if (!IsConnectionId(text)) return ParseConnection(text);
  ConnectionResolver resolver;
  {
    std::lock_guard<std::mutex> lock(ResolverMutex());
    resolver = Resolver();
  }
  if (!resolver) {
    return Status::InvalidArgument("connection '" + std::string(text) +
                                   "' is neither a connection string nor a stored connection id "
                                   "(no connection store is configured)");
  }
  AF_ASSIGN_OR_RETURN(std::string resolved, resolver(text));
  if (IsConnectionId(resolved)) {
    return Status::InvalidArgument("stored connection '" + std::string(text) + "' resolves to another id");
  }
  auto spec = ParseConnection(resolved);
  if (!spec.ok()) return spec.status().WithContext("stored connection '" + std::string(text) + "'");
  return spec;
}

}  // namespace arxivflow::warehouse
