// Admin changes: creating, updating and deleting connections, variables and
// web users — the one path the CLI and the REST API take, so each change is
// recorded in the audit log (audit_log.h) in the same transaction.
//
// Contract: each function makes the change and appends its audit row
// atomically (both or neither). The row's `extra` holds before/after without
// secrets: a connection's password is "***" when set, every extra value
// "***"; a variable's value never appears (values are encrypted at rest, the
// audit log is not): only its size and whether it changed; a user's password
// hash never appears ("password_changed": true instead). Errors: kNotFound
// for an unknown id on update/delete, kAlreadyExists on create of a taken
// id, and the store's rules (the last admin, ...). Thread-safety: that of the
// MetadataStore passed (one per thread).
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "orchestrator/connection.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_control.h"

namespace arxivflow::orchestrator {

Status CreateConnection(MetadataStore& store, const Actor& actor, const Connection& conn);
Status UpdateConnection(MetadataStore& store, const Actor& actor, const Connection& conn);
Status DeleteConnection(MetadataStore& store, const Actor& actor, const std::string& conn_id);

// Creates; Status::AlreadyExists when the key is taken (checked and written in
// one transaction, so of two concurrent creates exactly one succeeds).
Status CreateVariable(MetadataStore& store, const Actor& actor, const std::string& key, const std::string& value,
                      const std::string& description);
// Changes the value and/or the description of an existing variable (nullopt
// keeps the field) and returns the result; Status::NotFound when the key does
// not exist. Read and written in one transaction: never re-creates a variable
// deleted meanwhile.
Result<Variable> UpdateVariable(MetadataStore& store, const Actor& actor, const std::string& key,
                                const std::optional<std::string>& value, const std::optional<std::string>& description);
// Creates or replaces.
Status SetVariable(MetadataStore& store, const Actor& actor, const std::string& key, const std::string& value,
                   const std::string& description);
Status DeleteVariable(MetadataStore& store, const Actor& actor, const std::string& key);

Status CreateUser(MetadataStore& store, const Actor& actor, const UserRow& user);
Status UpdateUser(MetadataStore& store, const Actor& actor, const std::string& username,
                  const std::optional<std::string>& password_hash, const std::optional<std::string>& role);
Status DeleteUser(MetadataStore& store, const Actor& actor, const std::string& username);

}  // namespace arxivflow::orchestrator
