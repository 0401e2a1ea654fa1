// MetadataStore: changes to web users (which end their sessions), the auth
// generation, and login throttling counters.
#include "orchestrator/metadata_store.h"

#include <cctype>

namespace arxivflow::orchestrator {

namespace {

using sqlite::Transaction;

bool IsAdminRole(const std::string& role) {
  std::string lower = role;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "admin";
}

// Ends the user's sessions and tells every server that credentials changed.
Status EndSessions(sqlite::Database& db, const std::string& username) {
  AF_ASSIGN_OR_RETURN(auto sessions, db.Prepare("DELETE FROM sessions WHERE username = ?"));
  AF_RETURN_IF_ERROR(sessions.Bind(1, username).Run());
  AF_ASSIGN_OR_RETURN(auto bump, db.Prepare("UPDATE auth_state SET generation = generation + 1 WHERE id = 1"));
  return bump.Run();
}

// Whether removing the admin role from `username` leaves another admin.
Result<bool> OtherAdminExists(sqlite::Database& db, const std::string& username) {
  AF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COUNT(*) FROM users WHERE lower(role) = 'admin' AND username <> ?"));
  st.Bind(1, username);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row && st.Int(0) > 0;
}

}  // namespace

Status MetadataStore::DeleteUser(const std::string& username) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto user, GetUser(username));
  if (!user) return Status::NotFound("user '" + username + "' not found");
  if (IsAdminRole(user->role)) {
    AF_ASSIGN_OR_RETURN(bool others, OtherAdminExists(db_, username));
    if (!others) return Status::InvalidArgument("'" + username + "' is the last admin; create another admin first");
  }
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM users WHERE username = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, username).Run());
  AF_RETURN_IF_ERROR(EndSessions(db_, username));
  return tx.Commit();
}

Status MetadataStore::UpdateUser(const std::string& username, const std::optional<std::string>& password_hash,
                                 const std::optional<std::string>& role) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto user, GetUser(username));
  if (!user) return Status::NotFound("user '" + username + "' not found");
  if (role && IsAdminRole(user->role) && !IsAdminRole(*role)) {
    AF_ASSIGN_OR_RETURN(bool others, OtherAdminExists(db_, username));
    if (!others) return Status::InvalidArgument("'" + username + "' is the last admin; create another admin first");
  }
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE users SET password_hash = ?, role = ? WHERE username = ?"));
  AF_RETURN_IF_ERROR(
      st.Bind(1, password_hash.value_or(user->password_hash)).Bind(2, role.value_or(user->role)).Bind(3, username).Run());
  AF_RETURN_IF_ERROR(EndSessions(db_, username));
  return tx.Commit();
}

Result<int64_t> MetadataStore::AuthGeneration() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT generation FROM auth_state WHERE id = 1"));
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<std::optional<LoginFailures>> MetadataStore::GetLoginFailures(const std::string& scope,
                                                                     const std::string& subject) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT failures, last_failure, blocked_until FROM login_failures WHERE scope = ? AND subject = ?"));
  st.Bind(1, scope).Bind(2, subject);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<LoginFailures>();
  return std::optional<LoginFailures>(LoginFailures{st.Int(0), st.Real(1), st.Real(2)});
}

Status MetadataStore::PutLoginFailures(const std::string& scope, const std::string& subject,
                                       const LoginFailures& f) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto put, db_.Prepare(
      "INSERT INTO login_failures (scope, subject, failures, last_failure, blocked_until) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (scope, subject) DO UPDATE SET failures = excluded.failures, "
      "last_failure = excluded.last_failure, blocked_until = excluded.blocked_until"));
  AF_RETURN_IF_ERROR(put.Bind(1, scope).Bind(2, subject).Bind(3, f.failures).Bind(4, f.last_failure)
                         .Bind(5, f.blocked_until).Run());
  // Bounded: names and addresses an attacker makes up must not grow the DB.
  AF_ASSIGN_OR_RETURN(auto old, db_.Prepare("DELETE FROM login_failures WHERE last_failure < ? AND blocked_until < ?"));
  AF_RETURN_IF_ERROR(old.Bind(1, f.last_failure - 86400).Bind(2, f.last_failure).Run());
  AF_ASSIGN_OR_RETURN(auto excess, db_.Prepare(
      "DELETE FROM login_failures WHERE rowid IN "
      "(SELECT rowid FROM login_failures ORDER BY last_failure DESC LIMIT -1 OFFSET 100000)"));
  AF_RETURN_IF_ERROR(excess.Run());
  return tx.Commit();
}

Status MetadataStore::ClearLoginFailures(const std::string& scope, const std::string& subject) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM login_failures WHERE scope = ? AND subject = ?"));
  return st.Bind(1, scope).Bind(2, subject).Run();
}

}  // namespace arxivflow::orchestrator
