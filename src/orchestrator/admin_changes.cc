#include "orchestrator/admin_changes.h"

#include "orchestrator/audit_log.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

json MaskedConnection(const Connection& c) {
  json extra = json::object();
  if (c.extra.is_object()) {
    for (auto it = c.extra.begin(); it != c.extra.end(); ++it) extra[it.key()] = "***";
  }
  return {{"conn_type", c.conn_type}, {"description", c.description}, {"host", c.host},
          {"port", c.port},           {"login", c.login},             {"schema", c.schema},
          {"password", c.password.empty() ? "" : "***"},              {"extra", extra}};
}

// Variable values are encrypted at rest and the audit log is not: a value is
// never recorded, secret name or not, only its size and whether it changed.
json VariableSummary(const std::string& value, const std::string& description) {
  return {{"value_bytes", value.size()}, {"description", description}};
}

// The audit extra of a variable change; `before` is null for a create.
json VariableChange(const Variable* before, const Variable& after) {
  json extra = {{"key", after.key}, {"after", VariableSummary(after.value, after.description)}};
  if (before) {
    extra["before"] = VariableSummary(before->value, before->description);
    extra["value_changed"] = before->value != after.value;
  }
  return extra;
}

AuditRecord NoIds() { return {}; }

}  // namespace

Status CreateConnection(MetadataStore& store, const Actor& actor, const Connection& conn) {
  return store.Atomically([&]() -> Status {
    auto existing = store.GetConnection(conn.conn_id);
    if (existing.ok()) return Status::AlreadyExists("connection '" + conn.conn_id + "' already exists");
    if (existing.status().code() != Status::Code::kNotFound) return existing.status();
    AF_RETURN_IF_ERROR(store.UpsertConnection(conn));
    return RecordAudit(store, actor, "connection_create", NoIds(),
                       {{"conn_id", conn.conn_id}, {"after", MaskedConnection(conn)}});
  });
}

Status UpdateConnection(MetadataStore& store, const Actor& actor, const Connection& conn) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetConnection(conn.conn_id));
    AF_RETURN_IF_ERROR(store.UpsertConnection(conn));
    return RecordAudit(store, actor, "connection_update", NoIds(),
                       {{"conn_id", conn.conn_id},
                        {"before", MaskedConnection(before)},
                        {"after", MaskedConnection(conn)},
                        {"password_changed", before.password != conn.password}});
  });
}

Status DeleteConnection(MetadataStore& store, const Actor& actor, const std::string& conn_id) {
  return store.Atomically([&]() -> Status {
    auto before = store.GetConnection(conn_id);
    AF_RETURN_IF_ERROR(store.DeleteConnection(conn_id));
    json extra = {{"conn_id", conn_id}};
    if (before.ok()) extra["before"] = MaskedConnection(*before);
    return RecordAudit(store, actor, "connection_delete", NoIds(), extra);
  });
}

Status CreateVariable(MetadataStore& store, const Actor& actor, const std::string& key, const std::string& value,
                      const std::string& description) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetVariableRecord(key));
    if (before) return Status::AlreadyExists("variable '" + key + "' already exists");
    AF_RETURN_IF_ERROR(store.SetVariable(key, value, description));
    return RecordAudit(store, actor, "variable_create", NoIds(), VariableChange(nullptr, {key, value, description}));
  });
}

Result<Variable> UpdateVariable(MetadataStore& store, const Actor& actor, const std::string& key,
                                const std::optional<std::string>& value, const std::optional<std::string>& description) {
  Variable after;
  Status st = store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetVariableRecord(key));
    if (!before) return Status::NotFound("variable '" + key + "' not found");
    after = *before;
    if (value) after.value = *value;
    if (description) after.description = *description;
    AF_RETURN_IF_ERROR(store.SetVariable(key, after.value, after.description));
    return RecordAudit(store, actor, "variable_update", NoIds(), VariableChange(&*before, after));
  });
  if (!st.ok()) return st;
  return after;
}

Status SetVariable(MetadataStore& store, const Actor& actor, const std::string& key, const std::string& value,
                   const std::string& description) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetVariableRecord(key));
    AF_RETURN_IF_ERROR(store.SetVariable(key, value, description));
    return RecordAudit(store, actor, before ? "variable_update" : "variable_create", NoIds(),
                       VariableChange(before ? &*before : nullptr, {key, value, description}));
  });
}

Status DeleteVariable(MetadataStore& store, const Actor& actor, const std::string& key) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetVariableRecord(key));
    AF_RETURN_IF_ERROR(store.DeleteVariable(key));
    json extra = {{"key", key}};
    if (before) extra["before"] = VariableSummary(before->value, before->description);
    return RecordAudit(store, actor, "variable_delete", NoIds(), extra);
  });
}

Status CreateUser(MetadataStore& store, const Actor& actor, const UserRow& user) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto existing, store.GetUser(user.username));
    if (existing) return Status::AlreadyExists("user '" + user.username + "' already exists");
    AF_RETURN_IF_ERROR(store.UpsertUser(user));
    return RecordAudit(store, actor, "user_create", NoIds(),
                       {{"username", user.username}, {"after", {{"role", user.role}}}});
  });
}

Status UpdateUser(MetadataStore& store, const Actor& actor, const std::string& username,
                  const std::optional<std::string>& password_hash, const std::optional<std::string>& role) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetUser(username));
    AF_RETURN_IF_ERROR(store.UpdateUser(username, password_hash, role));
    json extra = {{"username", username}, {"password_changed", password_hash.has_value()}};
    if (before && role) {
      extra["before"] = {{"role", before->role}};
      extra["after"] = {{"role", *role}};
    }
    return RecordAudit(store, actor, "user_update", NoIds(), extra);
  });
}

Status DeleteUser(MetadataStore& store, const Actor& actor, const std::string& username) {
  return store.Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto before, store.GetUser(username));
    AF_RETURN_IF_ERROR(store.DeleteUser(username));
    json extra = {{"username", username}};
    if (before) extra["before"] = {{"role", before->role}};
    return RecordAudit(store, actor, "user_delete", NoIds(), extra);
  });
}

}  // namespace arxivflow::orchestrator
