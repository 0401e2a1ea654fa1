// Connection strings for the warehouse targets, parsed without ever echoing a
// password.
//
// Accepted forms:
//   sqlite:///abs/path.db        absolute path (three slashes)
//   sqlite:relative/path.db      relative to the working directory
//   sqlite::memory:              a private in-memory database
//   postgresql://user:pass@host:port/db?sslmode=disable   (or postgres://)
//   host=127.0.0.1 port=5432 dbname=x user=u password='p w'   (libpq keywords)
//   redshift://user:pass@host:5439/db?iam_role=arn:...&s3_prefix=s3://bucket/prefix
//   <connection id>              resolved through SetConnectionResolver()
// URI components are percent-decoded; a password holding '@', '/', '?' or
// '&' must be percent-encoded.
//
// Contract: errors are kInvalidArgument and never contain the password (they
// describe the problem, not the input). Describe() renders the connection with
// the password replaced by "***"; it is the only form to print or log.
// SetConnectionResolver() is meant to be called once at start-up, before any
// other thread parses connections.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace arxivflow::warehouse {

enum class TargetKind { kSqlite, kPostgres, kRedshift };
const char* TargetKindName(TargetKind kind);  // "sqlite", "postgresql", "redshift"

struct ConnectionSpec {
  TargetKind kind = TargetKind::kSqlite;
  std::string sqlite_path;  // kSqlite: file path or ":memory:"
  // kPostgres / kRedshift: libpq keyword/value pairs (host, port, user,
  // password, dbname, sslmode, ...), in the order given.
  std::vector<std::pair<std::string, std::string>> params;
  std::string iam_role;   // kRedshift
  std::string s3_prefix;  // kRedshift: s3://bucket/prefix (no trailing '/')

  // The value of a libpq parameter, or "" when absent.
  std::string Param(std::string_view key) const;
  // A printable, password-free rendering of the connection.
  std::string Describe() const;
  // Replaces every occurrence of the password (when at least 3 bytes long) in
  // `text` by "***": a last line of defence for messages from servers.
  std::string Redact(std::string text) const;
};

Result<ConnectionSpec> ParseConnection(std::string_view text);

// Maps a stored connection id to its connection string. Installed by the
// orchestrator; when none is installed, ids are rejected with a clear error.
using ConnectionResolver = std::function<Result<std::string>(std::string_view id)>;
void SetConnectionResolver(ConnectionResolver resolver);

// ParseConnection(), after resolving a bare connection id (letters, digits,
// '_', '-', '.') through the installed resolver.
Result<ConnectionSpec> ResolveConnection(std::string_view text);

}  // namespace arxivflow::warehouse
