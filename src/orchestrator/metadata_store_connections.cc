// MetadataStore: connections and variables, encrypted at rest.
#include "orchestrator/metadata_store.h"

#include "common/json_limits.h"

namespace arxivflow::orchestrator {

Status MetadataStore::UpsertConnection(const Connection& c) {
  AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT OR REPLACE INTO connections (conn_id, conn_type, description, host, port, login, password, schema, extra) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, c.conn_id).Bind(2, c.conn_type).Bind(3, c.description).Bind(4, c.host);
  if (c.port) st.Bind(5, c.port); else st.BindNull(5);
  st.Bind(6, c.login).BindBlob(7, box->Encrypt(c.password)).Bind(8, c.schema).BindBlob(9, box->Encrypt(c.extra.dump()));
  return st.Run();
}

Result<Connection> MetadataStore::GetConnection(const std::string& conn_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT conn_id, conn_type, description, host, COALESCE(port,0), login, password, schema, extra "
      "FROM connections WHERE conn_id = ?"));
  st.Bind(1, conn_id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("connection '" + conn_id + "' not found (add it with `arxivflow connections add " +
                            conn_id + " --conn-uri ...` or set " + ConnectionEnvName(conn_id) + ")");
  }
  AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
  Connection c;
  c.conn_id = st.Text(0);
  c.conn_type = st.Text(1);
  c.description = st.Text(2);
  c.host = st.Text(3);
  c.port = static_cast<int>(st.Int(4));
  c.login = st.Text(5);
  if (!st.IsNull(6)) {
    AF_ASSIGN_OR_RETURN(c.password, box->Decrypt(st.Blob(6)));
  }
  c.schema = st.Text(7);
  if (!st.IsNull(8)) {
    AF_ASSIGN_OR_RETURN(std::string extra, box->Decrypt(st.Blob(8)));
    auto parsed = ParseJsonBounded(extra, "connection extra");
    if (parsed.ok() && parsed->is_object()) c.extra = std::move(*parsed);
  }
  return c;
}

Result<std::vector<Connection>> MetadataStore::ListConnections() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT conn_id FROM connections ORDER BY conn_id"));
  std::vector<std::string> ids;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.Text(0));
  }
  std::vector<Connection> out;
  for (const auto& id : ids) {
    AF_ASSIGN_OR_RETURN(auto c, GetConnection(id));
    out.push_back(std::move(c));
  }
  return out;
}

Status MetadataStore::DeleteConnection(const std::string& conn_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM connections WHERE conn_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, conn_id).Run());
  if (db_.Changes() == 0) return Status::NotFound("connection '" + conn_id + "' not found");
  return Status::OK();
}

Status MetadataStore::SetVariable(const std::string& key, const std::string& value, const std::string& description) {
  AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("INSERT OR REPLACE INTO variables (key, val, description) VALUES (?, ?, ?)"));
  return st.Bind(1, key).BindBlob(2, box->Encrypt(value)).Bind(3, description).Run();
}

Result<std::optional<std::string>> MetadataStore::GetVariable(const std::string& key) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT val FROM variables WHERE key = ?"));
  st.Bind(1, key);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
  AF_ASSIGN_OR_RETURN(std::string value, box->Decrypt(st.Blob(0)));
  return std::optional<std::string>(value);
}

Result<std::optional<Variable>> MetadataStore::GetVariableRecord(const std::string& key) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT key, val, description FROM variables WHERE key = ?"));
  st.Bind(1, key);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Variable>();
  AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
  AF_ASSIGN_OR_RETURN(std::string value, box->Decrypt(st.Blob(1)));
  return std::optional<Variable>(Variable{st.Text(0), std::move(value), st.Text(2)});
}

Result<std::vector<Variable>> MetadataStore::ListVariables() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT key, val, description FROM variables ORDER BY key"));
  std::vector<Variable> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
    AF_ASSIGN_OR_RETURN(std::string value, box->Decrypt(st.Blob(1)));
    out.push_back({st.Text(0), std::move(value), st.Text(2)});
  }
  return out;
}

Status MetadataStore::DeleteVariable(const std::string& key) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM variables WHERE key = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, key).Run());
  if (db_.Changes() == 0) return Status::NotFound("variable '" + key + "' not found");
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
