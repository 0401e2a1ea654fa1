// FakeBackend: an in-memory Backend for the server's unit tests (routing,
// auth, CSRF, JSON shapes) without a metadata DB. Thread-safe (one mutex).
// Not used by the product: the real backend is orchestrator_backend.cc.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "server/backend.h"
#include "server/password.h"

namespace arxivflow::server {

class FakeBackend : public Backend {
 public:
  FakeBackend() {
    DagInfo d;
    d.dag_id = "arxiv_full_pipeline";
    d.description = "The whole pipeline <script>alert(1)</script>";
    d.schedule = "none";
    d.tasks = {{"begin", "empty", {}, {"transform"}, "all_success", 0},
               {"transform", "transform", {"begin"}, {"load"}, "all_success", 1},
               {"load", "warehouse_load", {"transform"}, {}, "all_success", 0}};
    dags_[d.dag_id] = d;
    DagInfo e;
    e.dag_id = "create_tables_redshift";
    e.is_paused = true;
    e.tasks = {{"create_tables", "sql", {}, {}, "all_success", 0}};
    dags_[e.dag_id] = e;
    // Hashing costs ~0.1 s (Argon2id): do it once per test binary.
    static const std::string admin_hash = *HashUserPassword("admin-pw");
    static const std::string viewer_hash = *HashUserPassword("viewer-pw");
    users_["admin"] = {"admin", "admin", admin_hash, ""};
    users_["viewer"] = {"viewer", "viewer", viewer_hash, ""};
  }

  // Makes every call fail with kInternal carrying `message` (to check that
  // internal errors are not sent to clients).
  void FailEverything(std::string message) {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = std::move(message);
  }

  HealthInfo Health() override {
    return {true, "healthy", "2026-11-23T21:00:00+00:00", 1.5, std::nullopt, std::nullopt};
  }
  std::string ChangeToken() override {
    std::lock_guard<std::mutex> l(mu_);
    return change_token_;
  }
  void SetChangeToken(std::string token) {
    std::lock_guard<std::mutex> l(mu_);
    change_token_ = std::move(token);
  }

  Result<std::vector<DagInfo>> ListDags() override {
    std::lock_guard<std::mutex> l(mu_);
    if (!fail_.empty()) return Status::Internal(fail_);
    std::vector<DagInfo> out;
    for (auto& [k, v] : dags_) out.push_back(v);
    return out;
  }
  Result<DagInfo> GetDag(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!fail_.empty()) return Status::Internal(fail_);
    auto it = dags_.find(id);
    if (it == dags_.end()) return Status::NotFound("DAG '" + id + "' not found");
    return it->second;
  }
  Status SetPaused(const std::string& id, bool paused, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = dags_.find(id);
    if (it == dags_.end()) return Status::NotFound("DAG '" + id + "' not found");
    it->second.is_paused = paused;
    return Status::OK();
  }
  Result<std::vector<DagRunInfo>> RecentRuns(const std::string& id, int limit) override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<DagRunInfo> out;
    for (auto it = runs_.rbegin(); it != runs_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (it->dag_id == id) out.push_back(*it);
    }
    return out;
  }
  Result<DagRunInfo> TriggerDag(const std::string& id, const std::string& run_id, const nlohmann::json& conf,
                                const std::string& logical_date, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto d = dags_.find(id);
    if (d == dags_.end()) return Status::NotFound("DAG '" + id + "' not found");
    DagRunInfo r;
    r.dag_id = id;
    r.run_id = run_id.empty() ? "manual__" + std::to_string(runs_.size()) : run_id;
    for (const auto& e : runs_) {
      if (e.dag_id == id && e.run_id == r.run_id) return Status::AlreadyExists("DAG run '" + r.run_id + "' exists");
    }
    r.state = DagRunState::kQueued;
    r.run_type = "manual";
    r.logical_date = logical_date.empty() ? "2026-11-23T21:00:00+00:00" : logical_date;
    r.conf = conf;
    runs_.push_back(r);
    for (const auto& t : d->second.tasks) {
      TaskInstanceInfo ti;
      ti.dag_id = id;
      ti.run_id = r.run_id;
      ti.task_id = t.task_id;
      ti.operator_name = t.operator_name;
      tis_.push_back(ti);
    }
    return r;
  }
  Result<Page<DagRunInfo>> ListDagRuns(const std::string& id, const ListRunsQuery& q) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!dags_.count(id)) return Status::NotFound("DAG '" + id + "' not found");
    Page<DagRunInfo> p;
    std::vector<DagRunInfo> all;
    for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
      if (it->dag_id == id && (!q.state || *q.state == it->state)) all.push_back(*it);
    }
    p.total = static_cast<int64_t>(all.size());
    for (int64_t i = q.offset; i < p.total && static_cast<int64_t>(p.items.size()) < q.limit; ++i) {
      p.items.push_back(all[static_cast<size_t>(i)]);
    }
    return p;
  }
  Result<DagRunInfo> GetDagRun(const std::string& id, const std::string& run_id) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& r : runs_) {
      if (r.dag_id == id && r.run_id == run_id) return r;
    }
    return Status::NotFound("DAG run '" + run_id + "' not found");
  }
  Status SetDagRunState(const std::string& id, const std::string& run_id, DagRunState state, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& r : runs_) {
      if (r.dag_id == id && r.run_id == run_id) {
        r.state = state;
        return Status::OK();
      }
    }
    return Status::NotFound("DAG run '" + run_id + "' not found");
  }
  Status DeleteDagRun(const std::string& id, const std::string& run_id, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = std::find_if(runs_.begin(), runs_.end(),
                           [&](const DagRunInfo& r) { return r.dag_id == id && r.run_id == run_id; });
    if (it == runs_.end()) return Status::NotFound("DAG run '" + run_id + "' not found");
    runs_.erase(it);
    tis_.erase(std::remove_if(tis_.begin(), tis_.end(),
                              [&](const TaskInstanceInfo& ti) { return ti.dag_id == id && ti.run_id == run_id; }),
               tis_.end());
    return Status::OK();
  }
  Result<std::vector<TaskTryInfo>> ListTries(const std::string& id, const std::string& run_id,
                                             const std::string& task_id) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& ti : tis_) {
      if (ti.dag_id != id || ti.run_id != run_id || ti.task_id != task_id) continue;
      std::vector<TaskTryInfo> out;
      for (int t = 1; t <= ti.try_number; ++t) {
        TaskTryInfo info;
        info.try_number = t;
        info.state = t == ti.try_number ? ti.state : TiState::kFailed;
        info.start_date = ti.start_date;
        out.push_back(info);
      }
      return out;
    }
    return Status::NotFound("task instance not found");
  }
  Result<GridData> Grid(const std::string& id, int n) override {
    GridData g;
    auto runs = RecentRuns(id, n);
    g.runs = *runs;
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& ti : tis_) {
      for (const auto& r : g.runs) {
        if (ti.dag_id == id && ti.run_id == r.run_id) g.task_instances.push_back(ti);
      }
    }
    return g;
  }
  Result<std::vector<TaskInstanceInfo>> ListTaskInstances(const std::string& id, const std::string& run_id) override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<TaskInstanceInfo> out;
    for (const auto& ti : tis_) {
      if (ti.dag_id == id && ti.run_id == run_id) out.push_back(ti);
    }
    return out;
  }
  Result<TaskInstanceInfo> GetTaskInstance(const std::string& id, const std::string& run_id,
                                           const std::string& task_id) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& ti : tis_) {
      if (ti.dag_id == id && ti.run_id == run_id && ti.task_id == task_id) return ti;
    }
    return Status::NotFound("task instance not found");
  }
  Status SetTaskInstanceState(const std::string& id, const std::string& run_id, const std::string& task_id,
                              TiState state, bool dry_run, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& ti : tis_) {
      if (ti.dag_id == id && ti.run_id == run_id && ti.task_id == task_id) {
        if (!dry_run) ti.state = state;
        return Status::OK();
      }
    }
    return Status::NotFound("task instance not found");
  }
  Result<std::vector<TaskInstanceInfo>> ClearTaskInstances(const std::string& id, const ClearRequest& req,
                                                           const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!dags_.count(id)) return Status::NotFound("DAG '" + id + "' not found");
    std::vector<TaskInstanceInfo> out;
    for (auto& ti : tis_) {
      if (ti.dag_id != id) continue;
      if (!req.run_ids.empty() && std::find(req.run_ids.begin(), req.run_ids.end(), ti.run_id) == req.run_ids.end()) continue;
      if (req.only_failed && ti.state != TiState::kFailed) continue;
      out.push_back(ti);
      if (!req.dry_run) ti.state = TiState::kNone;
    }
    return out;
  }
  Result<LogChunk> ReadLog(const std::string&, const std::string&, const std::string&, int, int64_t offset,
                           int64_t max_bytes) override {
    std::lock_guard<std::mutex> l(mu_);
    LogChunk c;
    c.exists = true;
    c.offset = offset;
    if (offset < static_cast<int64_t>(log_.size())) c.content = log_.substr(static_cast<size_t>(offset), static_cast<size_t>(max_bytes));
    c.next_offset = offset + static_cast<int64_t>(c.content.size());
    return c;
  }
  void SetTaskState(TiState state, int try_number) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& ti : tis_) {
      ti.state = state;
      ti.try_number = try_number;
    }
  }
  void SetLog(std::string text) {
    std::lock_guard<std::mutex> l(mu_);
    log_ = std::move(text);
  }

  Result<std::vector<ConnectionInfo>> ListConnections() override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<ConnectionInfo> out;
    for (auto& [k, v] : conns_) out.push_back(Info(v));
    return out;
  }
  Result<ConnectionInfo> GetConnection(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return Status::NotFound("connection '" + id + "' not found");
    return Info(it->second);
  }
  Status CreateConnection(const ConnectionInput& in, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (conns_.count(in.conn_id)) return Status::AlreadyExists("connection '" + in.conn_id + "' already exists");
    conns_[in.conn_id] = in;
    return Status::OK();
  }
  Status UpdateConnection(const ConnectionInput& in, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = conns_.find(in.conn_id);
    if (it == conns_.end()) return Status::NotFound("connection '" + in.conn_id + "' not found");
    if (in.host) it->second.host = in.host;
    if (in.password) it->second.password = in.password;
    return Status::OK();
  }
  Status DeleteConnection(const std::string& id, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!conns_.erase(id)) return Status::NotFound("connection '" + id + "' not found");
    return Status::OK();
  }
  std::optional<std::string> StoredPassword(const std::string& id) {
    std::lock_guard<std::mutex> l(mu_);
    return conns_.at(id).password;
  }

  Result<std::vector<VariableInfo>> ListVariables() override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<VariableInfo> out;
    for (auto& [k, v] : vars_) out.push_back(v);
    return out;
  }
  Result<VariableInfo> GetVariable(const std::string& key) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = vars_.find(key);
    if (it == vars_.end()) return Status::NotFound("variable '" + key + "' not found");
    return it->second;
  }
  Status CreateVariable(const VariableInfo& v, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!vars_.emplace(v.key, v).second) return Status::AlreadyExists("variable '" + v.key + "' already exists");
    return Status::OK();
  }
  Result<VariableInfo> UpdateVariable(const std::string& key, const std::optional<std::string>& value,
                                      const std::optional<std::string>& description, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = vars_.find(key);
    if (it == vars_.end()) return Status::NotFound("variable '" + key + "' not found");
    if (value) it->second.value = *value;
    if (description) it->second.description = *description;
    return it->second;
  }
  Status SetVariable(const VariableInfo& v, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    vars_[v.key] = v;
    return Status::OK();
  }
  Status DeleteVariable(const std::string& key, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!vars_.erase(key)) return Status::NotFound("variable '" + key + "' not found");
    return Status::OK();
  }
  Result<std::vector<ImportErrorInfo>> ListImportErrors() override {
    return std::vector<ImportErrorInfo>{{1, "/dags/bad.yaml", "bad.yaml: line 3: <b>oops</b>", ""}};
  }
  Result<UserRecord> FindUser(const std::string& name) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return Status::NotFound("no user");
    return it->second;
  }
  Result<std::vector<UserRecord>> ListUsers() override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<UserRecord> out;
    for (auto& [k, v] : users_) out.push_back(v);
    return out;
  }
  Status CreateUser(const std::string& name, const std::string& hash, const std::string& role, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (users_.count(name)) return Status::AlreadyExists("user exists");
    users_[name] = {name, role, hash, ""};
    return Status::OK();
  }
  Status DeleteUser(const std::string& name, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!users_.count(name)) return Status::NotFound("user '" + name + "' not found");
    if (users_[name].role == "admin" && AdminCountLocked() == 1) return Status::InvalidArgument("last admin");
    users_.erase(name);
    EndSessionsLocked(name);
    return Status::OK();
  }
  Status UpdateUser(const std::string& name, const std::optional<std::string>& hash,
                    const std::optional<std::string>& role, const Caller&) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return Status::NotFound("user '" + name + "' not found");
    if (role && *role != "admin" && it->second.role == "admin" && AdminCountLocked() == 1) {
      return Status::InvalidArgument("last admin");
    }
    if (hash) it->second.password_hash = *hash;
    if (role) it->second.role = *role;
    EndSessionsLocked(name);
    return Status::OK();
  }
  Result<int64_t> AuthGeneration() override {
    std::lock_guard<std::mutex> l(mu_);
    return auth_generation_;
  }
  // What another process changing users would do: bump the generation and
  // delete sessions, without this server's in-process caches knowing.
  void ChangeUserBehindTheServersBack(const std::string& name, const std::optional<std::string>& role) {
    std::lock_guard<std::mutex> l(mu_);
    if (role) users_[name].role = *role; else users_.erase(name);
    EndSessionsLocked(name);
  }
  Result<std::optional<LoginFailureRecord>> GetLoginFailures(const std::string& scope,
                                                             const std::string& subject) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = login_failures_.find(scope + "\n" + subject);
    if (it == login_failures_.end()) return std::optional<LoginFailureRecord>();
    return std::optional<LoginFailureRecord>(it->second);
  }
  Status PutLoginFailures(const std::string& scope, const std::string& subject,
                          const LoginFailureRecord& f) override {
    std::lock_guard<std::mutex> l(mu_);
    login_failures_[scope + "\n" + subject] = f;
    return Status::OK();
  }
  Status ClearLoginFailures(const std::string& scope, const std::string& subject) override {
    std::lock_guard<std::mutex> l(mu_);
    login_failures_.erase(scope + "\n" + subject);
    return Status::OK();
  }
  Status PutSession(const SessionRecord& s) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!fail_.empty()) return Status::Internal(fail_);
    sessions_[s.token_hash] = s;
    return Status::OK();
  }
  Result<std::optional<SessionRecord>> GetSession(const std::string& hash) override {
    std::lock_guard<std::mutex> l(mu_);
    ++session_reads_;
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(it->second);
  }
  Status TouchSession(const std::string& hash, const std::string& last_seen, const std::string& expires) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = sessions_.find(hash);
    if (it != sessions_.end()) {
      it->second.last_seen = last_seen;
      it->second.expires = expires;
    }
    return Status::OK();
  }
  Status DeleteSession(const std::string& hash) override {
    std::lock_guard<std::mutex> l(mu_);
    sessions_.erase(hash);
    return Status::OK();
  }
  Status PruneSessions(const std::string& now, int64_t max_live) override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
    }
    while (static_cast<int64_t>(sessions_.size()) > max_live) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.last_seen < oldest->second.last_seen) oldest = it;
      }
      sessions_.erase(oldest);
    }
    return Status::OK();
  }
  size_t session_count() {
    std::lock_guard<std::mutex> l(mu_);
    return sessions_.size();
  }
  std::vector<SessionRecord> stored_sessions() {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<SessionRecord> out;
    for (auto& [k, v] : sessions_) out.push_back(v);
    return out;
  }
  int session_reads() {
    std::lock_guard<std::mutex> l(mu_);
    return session_reads_;
  }

  Result<WarehouseInfo> WarehouseTables() override {
    return WarehouseInfo{"sqlite:/tmp/w.db", {{"papers", true, 200}, {"authors", false, 0}}};
  }
  Result<nlohmann::json> LastManifest() override { return Status::NotFound("no transform output yet"); }
  Result<Page<PaperHit>> SearchPapers(const std::string& text, int64_t, int64_t) override {
    Page<PaperHit> p;
    if (text.find("graph") != std::string::npos) {
      p.items.push_back({"0704.0001", "Graphs <img src=x onerror=alert(1)>", {"A. Author"}, {"cs.LG"}, "abs", ""});
      p.total = 1;
    }
    return p;
  }

 private:
  static ConnectionInfo Info(const ConnectionInput& in) {
    ConnectionInfo c;
    c.conn_id = in.conn_id;
    c.conn_type = in.conn_type.value_or("");
    c.host = in.host.value_or("");
    c.login = in.login.value_or("");
    c.extra = in.extra.value_or("");
    c.port = in.port;
    c.has_password = in.password && !in.password->empty();
    return c;
  }

  int AdminCountLocked() {
    return static_cast<int>(std::count_if(users_.begin(), users_.end(), [](const auto& u) { return u.second.role == "admin"; }));
  }
  void EndSessionsLocked(const std::string& name) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = it->second.username == name ? sessions_.erase(it) : std::next(it);
    }
    ++auth_generation_;
  }

  std::mutex mu_;
  std::string fail_;
  int64_t auth_generation_ = 0;
  std::map<std::string, LoginFailureRecord> login_failures_;
  std::string change_token_;
  std::map<std::string, DagInfo> dags_;
  std::vector<DagRunInfo> runs_;
  std::vector<TaskInstanceInfo> tis_;
  std::map<std::string, ConnectionInput> conns_;
  std::map<std::string, VariableInfo> vars_;
  std::map<std::string, UserRecord> users_;
  std::map<std::string, SessionRecord> sessions_;
  int session_reads_ = 0;
  std::string log_;
};

}  // namespace arxivflow::server
