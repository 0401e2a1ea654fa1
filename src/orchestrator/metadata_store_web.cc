// MetadataStore: the web server's users and sessions.
#include <algorithm>

#include "orchestrator/metadata_store.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

Status MetadataStore::UpsertUser(const UserRow& user) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role"));
  return st.Bind(1, user.username).Bind(2, user.password_hash).Bind(3, user.role).Bind(4, FormatIso(NowEpoch())).Run();
}

Result<std::optional<UserRow>> MetadataStore::GetUser(const std::string& username) {
  AF_ASSIGN_OR_RETURN(auto st,
                      db_.Prepare("SELECT username, password_hash, role, created FROM users WHERE username = ?"));
  st.Bind(1, username);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<UserRow>();
  return std::optional<UserRow>(UserRow{st.Text(0), st.Text(1), st.Text(2), st.Text(3)});
}

Result<std::vector<UserRow>> MetadataStore::ListUsers() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT username, role, created FROM users ORDER BY username"));
  std::vector<UserRow> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), "", st.Text(1), st.Text(2)});
  }
  return out;
}

Status MetadataStore::PutSession(const SessionRow& r) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT OR REPLACE INTO sessions (token_hash, username, role, csrf_token, created, expires, last_seen) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  return st.Bind(1, r.token_hash)
      .Bind(2, r.username)
      .Bind(3, r.role)
      .Bind(4, r.csrf_token)
      .Bind(5, r.created)
      .Bind(6, r.expires)
      .Bind(7, r.last_seen)
      .Run();
}

Result<std::optional<SessionRow>> MetadataStore::GetSession(const std::string& token_hash) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT token_hash, username, role, csrf_token, created, expires, last_seen FROM sessions "
      "WHERE token_hash = ?"));
  st.Bind(1, token_hash);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<SessionRow>();
  return std::optional<SessionRow>(
      SessionRow{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)});
}

Status MetadataStore::TouchSession(const std::string& token_hash, const std::string& last_seen,
                                   const std::string& expires) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE sessions SET last_seen = ?, expires = ? WHERE token_hash = ?"));
  return st.Bind(1, last_seen).Bind(2, expires).Bind(3, token_hash).Run();
}

Status MetadataStore::DeleteSession(const std::string& token_hash) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
  return st.Bind(1, token_hash).Run();
}

Status MetadataStore::PruneSessions(const std::string& now, int64_t max_live) {
  AF_ASSIGN_OR_RETURN(auto expired, db_.Prepare("DELETE FROM sessions WHERE expires <= ?"));
  AF_RETURN_IF_ERROR(expired.Bind(1, now).Run());
  AF_ASSIGN_OR_RETURN(auto excess, db_.Prepare(
      "DELETE FROM sessions WHERE token_hash IN "
      "(SELECT token_hash FROM sessions ORDER BY last_seen DESC LIMIT -1 OFFSET ?)"));
  return excess.Bind(1, std::max<int64_t>(0, max_live)).Run();
}

}  // namespace arxivflow::orchestrator
