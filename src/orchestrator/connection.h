// Connections: where a task reaches a database or host (Airflow's Connection).
//
// Contract: a Connection is plain data. ParseConnectionUri accepts Airflow's
// URI form "postgresql://user:pass@host:5432/db?sslmode=require" (parts
// percent-decoded; query parameters become `extra` keys) and "sqlite:///path"
// (the path goes to `host`). ToUri is the inverse; ToMaskedUri replaces the
// password, and extras whose name is a secret name (common/secret_names.h),
// with "***" and is the only form that may reach a log.
//
// Resolving for other modules: ResolveConnection(id) looks up, in order, the
// environment variable ARXIVFLOW_CONN_<ID upper-cased> (a URI) and the
// metadata DB of the current home (home.h). ResolveConnectionUri(x) returns x
// itself when it already looks like a URI ("scheme://..."), else the resolved
// connection's URI. Both are safe to call from any module's CLI command.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::orchestrator {

struct Connection {
  std::string conn_id;
  std::string conn_type;  // postgres, sqlite, redshift, ssh, aws, http, ...
  std::string description;
  std::string host;
  int port = 0;  // 0 = unset
  std::string login;
  std::string password;
  std::string schema;
  nlohmann::json extra = nlohmann::json::object();

  std::string ToUri() const;
  std::string ToMaskedUri() const;
};

Result<Connection> ParseConnectionUri(const std::string& conn_id, const std::string& uri);

Result<Connection> ResolveConnection(const std::string& conn_id);
Result<std::string> ResolveConnectionUri(const std::string& conn_id_or_uri);

// "ARXIVFLOW_CONN_<ID>" / "ARXIVFLOW_VAR_<KEY>" (upper-cased, '-' and '.' as '_').
std::string ConnectionEnvName(const std::string& conn_id);
std::string VariableEnvName(const std::string& key);

}  // namespace arxivflow::orchestrator
