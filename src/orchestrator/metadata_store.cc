#include "orchestrator/metadata_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json_limits.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

// Migration N brings the schema from version N-1 to N. Append only.
const char* const kMigrations[] = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE dags (
  dag_id TEXT PRIMARY KEY,
  fileloc TEXT NOT NULL,
  is_paused INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1,
  description TEXT NOT NULL DEFAULT '',
  schedule TEXT NOT NULL DEFAULT 'none',
  max_active_runs INTEGER NOT NULL DEFAULT 16,
  last_parsed TEXT
);
CREATE TABLE import_errors (
  filename TEXT PRIMARY KEY,
  timestamp TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE TABLE dag_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  state TEXT NOT NULL,
  run_type TEXT NOT NULL,
  logical_date TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  start_date TEXT,
  end_date TEXT,
  conf TEXT NOT NULL DEFAULT '{}',
  UNIQUE (dag_id, run_id)
);
CREATE INDEX dag_runs_state ON dag_runs (state);
CREATE TABLE task_instances (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL DEFAULT -1,
  state TEXT,
  try_number INTEGER NOT NULL DEFAULT 0,
  max_tries INTEGER NOT NULL DEFAULT 0,
  operator TEXT NOT NULL DEFAULT '',
  queued_dttm TEXT,
  start_date TEXT,
  end_date TEXT,
  duration REAL,
  pid INTEGER,
  hostname TEXT NOT NULL DEFAULT '',
  heartbeat TEXT,
  next_retry_at TEXT,
  external_executor_id TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  result TEXT,
  PRIMARY KEY (dag_id, run_id, task_id, map_index),
  FOREIGN KEY (dag_id, run_id) REFERENCES dag_runs (dag_id, run_id) ON DELETE CASCADE
);
CREATE INDEX task_instances_state ON task_instances (state);
CREATE TABLE task_tries (
  dag_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  map_index INTEGER NOT NULL DEFAULT -1,
  try_number INTEGER NOT NULL,
  state TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  pid INTEGER,
  hostname TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (dag_id, run_id, task_id, map_index, try_number)
);
CREATE TABLE connections (
  conn_id TEXT PRIMARY KEY,
  conn_type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  port INTEGER,
  login TEXT NOT NULL DEFAULT '',
  password BLOB,
  schema TEXT NOT NULL DEFAULT '',
  extra BLOB
);
CREATE TABLE variables (
  key TEXT PRIMARY KEY,
  val BLOB NOT NULL,
  description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'Viewer',
  created TEXT NOT NULL
);
)sql",
    // 2: the web server's reads (newest runs of a DAG, counts by state) without
    // sorting every run; web sessions that survive a restart (only the
    // SHA-256 of the cookie token is stored; times as ISO 8601 text).
    R"sql(
CREATE INDEX dag_runs_dag_date ON dag_runs (dag_id, logical_date);
CREATE INDEX dag_runs_dag_state_date ON dag_runs (dag_id, state, logical_date);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created TEXT NOT NULL,
  expires TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);
)sql",
    // 3: web users can be deleted and changed: a counter every such change
    // bumps, so servers drop cached credentials at once; failed logins per
    // user name and per client address, for throttling.
    R"sql(
CREATE TABLE auth_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO auth_state (id, generation) VALUES (1, 0);
CREATE INDEX sessions_username ON sessions (username);
CREATE TABLE login_failures (
  scope TEXT NOT NULL,
  subject TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_failure REAL NOT NULL,
  blocked_until REAL NOT NULL,
  PRIMARY KEY (scope, subject)
);
CREATE INDEX login_failures_last ON login_failures (last_failure);
)sql",
};

std::optional<std::string> StateToDb(const std::string& state) {
  if (state == "none" || state.empty()) return std::nullopt;
  return state;
}

std::string InList(const std::vector<std::string>& states) {
  std::string sql = "(";
  for (size_t i = 0; i < states.size(); ++i) sql += (i ? ",?" : "?");
  return sql + ")";
}

const char* kTiColumns =
    "dag_id, run_id, task_id, map_index, COALESCE(state,'none'), try_number, max_tries, operator, "
    "queued_dttm, start_date, end_date, duration, COALESCE(pid,0), hostname, heartbeat, next_retry_at, "
    "external_executor_id, note";

TaskInstance ReadTi(const Statement& s) {
  TaskInstance ti;
  ti.key = {s.Text(0), s.Text(1), s.Text(2)};
  ti.map_index = static_cast<int>(s.Int(3));
  ti.state = s.Text(4);
  ti.try_number = static_cast<int>(s.Int(5));
  ti.max_tries = static_cast<int>(s.Int(6));
  ti.operator_name = s.Text(7);
  ti.queued_dttm = s.OptText(8);
  ti.start_date = s.OptText(9);
  ti.end_date = s.OptText(10);
  if (!s.IsNull(11)) ti.duration = s.Real(11);
  ti.pid = s.Int(12);
  ti.hostname = s.Text(13);
  ti.heartbeat = s.OptText(14);
  ti.next_retry_at = s.OptText(15);
  ti.external_executor_id = s.Text(16);
  ti.note = s.Text(17);
  return ti;
}

const char* kRunColumns =
    "id, dag_id, run_id, state, run_type, logical_date, queued_at, start_date, end_date, conf";

DagRun ReadRun(const Statement& s) {
  DagRun r;
  r.id = s.Int(0);
  r.dag_id = s.Text(1);
  r.run_id = s.Text(2);
  r.state = s.Text(3);
  r.run_type = s.Text(4);
  r.logical_date = s.Text(5);
  r.queued_at = s.Text(6);
  r.start_date = s.OptText(7);
  r.end_date = s.OptText(8);
  r.conf = s.Text(9);
  return r;
}

double DurationSince(const std::optional<std::string>& start, double now) {
  if (!start) return 0;
  auto t = ParseIso(*start);
  return t ? now - *t : 0;
}

}  // namespace

bool IsTerminalTiState(const std::string& s) {
  return s == "success" || s == "failed" || s == "skipped" || s == "upstream_failed";
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::Open(const HomePaths& home, bool create) {
  struct stat st;
  if (!create && stat(home.db().c_str(), &st) != 0) {
    return Status::NotFound(home.db() + ": no metadata DB (run `arxivflow db init`)");
  }
  if (create && !MakeDirs(home.root)) return Status::IOError(home.root + ": cannot create home folder");
  if (create && stat(home.db().c_str(), &st) != 0) {
    // SQLite creates the -wal and -shm files with the DB file's mode.
    int fd = open(home.db().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
    if (fd >= 0) close(fd);
  }
  std::unique_ptr<MetadataStore> store(new MetadataStore());
  store->home_ = home;
  AF_RETURN_IF_ERROR(store->db_.Open(home.db()));
  if (create) {
    AF_RETURN_IF_ERROR(store->Migrate());
  } else if (store->SchemaVersion() < static_cast<int>(std::size(kMigrations))) {
    AF_RETURN_IF_ERROR(store->Migrate());
  }
  return store;
}

int MetadataStore::SchemaVersion() {
  auto st = db_.Prepare("SELECT MAX(version) FROM schema_version");
  if (!st.ok()) return 0;
  auto row = st->Step();
  return row.ok() && *row ? static_cast<int>(st->Int(0)) : 0;
}

Status MetadataStore::Migrate() {
  AF_RETURN_IF_ERROR(db_.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL)"));
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  int version = SchemaVersion();
  for (int v = version; v < static_cast<int>(std::size(kMigrations)); ++v) {
    AF_RETURN_IF_ERROR(db_.Exec(kMigrations[v]));
    AF_ASSIGN_OR_RETURN(auto ins, db_.Prepare("INSERT INTO schema_version (version, applied) VALUES (?, ?)"));
    AF_RETURN_IF_ERROR(ins.Bind(1, v + 1).Bind(2, FormatIso(NowEpoch())).Run());
  }
  return tx.Commit();
}

Result<const SecretBox*> MetadataStore::Box() {
  if (!box_) {
    AF_ASSIGN_OR_RETURN(auto box, SecretBox::Load(home_.secret_key()));
    box_ = std::move(box);
  }
  return &*box_;
}

// ---------------------------------------------------------------- DAGs

Status MetadataStore::SyncDag(const DagSpec& dag, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO dags (dag_id, fileloc, is_paused, is_active, description, schedule, max_active_runs, last_parsed) "
      "VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (dag_id) DO UPDATE SET fileloc = excluded.fileloc, "
      "is_active = 1, description = excluded.description, schedule = excluded.schedule, "
      "max_active_runs = excluded.max_active_runs, last_parsed = excluded.last_parsed"));
  return st.Bind(1, dag.dag_id).Bind(2, dag.fileloc).Bind(3, dag.is_paused_upon_creation ? 1 : 0)
      .Bind(4, dag.description).Bind(5, dag.schedule.text()).Bind(6, dag.max_active_runs)
      .Bind(7, FormatIso(now)).Run();
}

Status MetadataStore::MarkDagsInactiveExcept(const std::set<std::string>& active) {
  AF_ASSIGN_OR_RETURN(auto list, db_.Prepare("SELECT dag_id FROM dags WHERE is_active = 1"));
  std::vector<std::string> gone;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    if (!active.count(list.Text(0))) gone.push_back(list.Text(0));
  }
  for (const auto& id : gone) {
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE dags SET is_active = 0 WHERE dag_id = ?"));
    AF_RETURN_IF_ERROR(st.Bind(1, id).Run());
  }
  return Status::OK();
}

Result<std::vector<DagRow>> MetadataStore::ListDags(bool include_inactive) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string(
      "SELECT dag_id, fileloc, is_paused, is_active, description, schedule, COALESCE(last_parsed,''), "
      "max_active_runs FROM dags") + (include_inactive ? "" : " WHERE is_active = 1") + " ORDER BY dag_id"));
  std::vector<DagRow> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Int(2) != 0, st.Int(3) != 0, st.Text(4), st.Text(5), st.Text(6),
                   static_cast<int>(st.Int(7))});
  }
  return out;
}

Result<std::optional<DagRow>> MetadataStore::GetDag(const std::string& dag_id) {
  AF_ASSIGN_OR_RETURN(auto all, ListDags(true));
  for (auto& d : all) if (d.dag_id == dag_id) return std::optional<DagRow>(d);
  return std::optional<DagRow>();
}

Status MetadataStore::SetPaused(const std::string& dag_id, bool paused) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE dags SET is_paused = ? WHERE dag_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, paused ? 1 : 0).Bind(2, dag_id).Run());
  if (db_.Changes() == 0) return Status::NotFound("DAG '" + dag_id + "' not found");
  return Status::OK();
}

Status MetadataStore::SetImportError(const std::string& filename, const std::string& message, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO import_errors (filename, timestamp, message) VALUES (?, ?, ?) "
      "ON CONFLICT (filename) DO UPDATE SET timestamp = excluded.timestamp, message = excluded.message "
      "WHERE message <> excluded.message"));
  return st.Bind(1, filename).Bind(2, FormatIso(now)).Bind(3, message).Run();
}

Status MetadataStore::ClearImportErrorsExcept(const std::set<std::string>& failing) {
  AF_ASSIGN_OR_RETURN(auto errors, ListImportErrors());
  for (const auto& e : errors) {
    if (failing.count(e.filename)) continue;
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM import_errors WHERE filename = ?"));
    AF_RETURN_IF_ERROR(st.Bind(1, e.filename).Run());
  }
  return Status::OK();
}

Result<std::vector<ImportError>> MetadataStore::ListImportErrors() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT filename, timestamp, message FROM import_errors ORDER BY filename"));
  std::vector<ImportError> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Text(2)});
  }
  return out;
}

// ---------------------------------------------------------------- runs

Result<DagRun> MetadataStore::CreateDagRun(const std::string& dag_id, const std::string& run_id,
                                           const std::string& run_type, double logical_date,
                                           const std::string& conf_json, double now) {
  AF_ASSIGN_OR_RETURN(auto existing, GetDagRun(dag_id, run_id));
  if (existing) return Status::AlreadyExists("DAG run '" + run_id + "' of DAG '" + dag_id + "' already exists");
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO dag_runs (dag_id, run_id, state, run_type, logical_date, queued_at, conf) "
      "VALUES (?, ?, 'queued', ?, ?, ?, ?)"));
  Status s = st.Bind(1, dag_id).Bind(2, run_id).Bind(3, run_type).Bind(4, FormatIso(logical_date))
                 .Bind(5, FormatIso(now)).Bind(6, conf_json).Run();
  if (!s.ok()) return s;
  AF_ASSIGN_OR_RETURN(auto run, GetDagRun(dag_id, run_id));
  if (!run) return Status::Internal("DAG run vanished after insert");
  return *run;
}

Result<std::optional<DagRun>> MetadataStore::GetDagRun(const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kRunColumns +
                                           " FROM dag_runs WHERE dag_id = ? AND run_id = ?"));
  st.Bind(1, dag_id).Bind(2, run_id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<DagRun>();
  return std::optional<DagRun>(ReadRun(st));
}

Result<std::vector<DagRun>> MetadataStore::ListDagRuns(const std::string& dag_id,
                                                       const std::vector<std::string>& states) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM dag_runs WHERE 1=1";
  if (!dag_id.empty()) sql += " AND dag_id = ?";
  if (!states.empty()) sql += " AND state IN " + InList(states);
  sql += " ORDER BY logical_date DESC, id DESC";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  int i = 1;
  if (!dag_id.empty()) st.Bind(i++, dag_id);
  for (const auto& s : states) st.Bind(i++, s);
  std::vector<DagRun> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadRun(st));
  }
  return out;
}

Status MetadataStore::SetDagRunState(const std::string& dag_id, const std::string& run_id,
                                     const std::string& state, double now) {
  std::string sql = "UPDATE dag_runs SET state = ?";
  if (state == "running") sql += ", start_date = COALESCE(start_date, ?3), end_date = NULL";
  else if (state == "success" || state == "failed") sql += ", end_date = ?3";
  else sql += ", end_date = NULL, queued_at = ?3";
  sql += " WHERE dag_id = ?4 AND run_id = ?5";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  return st.Bind(1, state).Bind(3, FormatIso(now)).Bind(4, dag_id).Bind(5, run_id).Run();
}

Result<std::optional<double>> MetadataStore::LastLogicalDate(const std::string& dag_id, const std::string& run_type) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT MAX(logical_date) FROM dag_runs WHERE dag_id = ? AND run_type = ?"));
  st.Bind(1, dag_id).Bind(2, run_type);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.IsNull(0)) return std::optional<double>();
  return ParseIso(st.Text(0));
}

// ---------------------------------------------------------------- task instances

Status MetadataStore::CreateTaskInstances(const DagSpec& dag, const std::string& run_id) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  for (const auto& t : dag.tasks) {
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
        "INSERT OR IGNORE INTO task_instances (dag_id, run_id, task_id, state, max_tries, operator) "
        "VALUES (?, ?, ?, NULL, ?, ?)"));
    AF_RETURN_IF_ERROR(st.Bind(1, dag.dag_id).Bind(2, run_id).Bind(3, t.task_id).Bind(4, t.policy.retries)
                           .Bind(5, t.operator_name).Run());
  }
  return tx.Commit();
}

Result<std::vector<TaskInstance>> MetadataStore::ListTaskInstances(const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kTiColumns +
                                           " FROM task_instances WHERE dag_id = ? AND run_id = ? ORDER BY rowid"));
  st.Bind(1, dag_id).Bind(2, run_id);
  std::vector<TaskInstance> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadTi(st));
  }
  return out;
}

Result<std::vector<TaskInstance>> MetadataStore::ListTaskInstancesInStates(const std::vector<std::string>& states) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kTiColumns +
                                           " FROM task_instances WHERE state IN " + InList(states) +
                                           " ORDER BY queued_dttm, rowid"));
  for (size_t i = 0; i < states.size(); ++i) st.Bind(static_cast<int>(i + 1), states[i]);
  std::vector<TaskInstance> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadTi(st));
  }
  return out;
}

Result<int> MetadataStore::CountTaskInstancesInStates(const std::vector<std::string>& states) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT COUNT(*) FROM task_instances WHERE state IN " + InList(states)));
  for (size_t i = 0; i < states.size(); ++i) st.Bind(static_cast<int>(i + 1), states[i]);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<std::optional<TaskInstance>> MetadataStore::GetTaskInstance(const TiKey& key) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kTiColumns +
                                           " FROM task_instances WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
  st.Bind(1, key.dag_id).Bind(2, key.run_id).Bind(3, key.task_id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<TaskInstance>();
  return std::optional<TaskInstance>(ReadTi(st));
}

Result<bool> MetadataStore::TransitionTaskInstance(const TiKey& key, const std::string& from, const std::string& to,
                                                   double now, const std::string& note) {
  std::string sql = "UPDATE task_instances SET state = ?, note = CASE WHEN ? = '' THEN note ELSE ? END";
  if (IsTerminalTiState(to)) sql += ", end_date = COALESCE(end_date, ?4)";
  else sql += ", next_retry_at = CASE WHEN ?4 IS NULL THEN NULL ELSE NULL END";
  sql += " WHERE dag_id = ?5 AND run_id = ?6 AND task_id = ?7 AND ";
  sql += from == "none" ? "state IS NULL" : "state = ?8";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  st.Bind(1, StateToDb(to)).Bind(2, note).Bind(3, note).Bind(4, FormatIso(now)).Bind(5, key.dag_id)
      .Bind(6, key.run_id).Bind(7, key.task_id);
  if (from != "none") st.Bind(8, from);
  AF_RETURN_IF_ERROR(st.Run());
  return db_.Changes() == 1;
}

Result<bool> MetadataStore::QueueTaskInstance(const TiKey& key, const std::string& token, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = 'queued', try_number = try_number + 1, queued_dttm = ?, "
      "external_executor_id = ?, pid = NULL, heartbeat = NULL, start_date = NULL, end_date = NULL, "
      "duration = NULL, note = '' "
      "WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = 'scheduled'"));
  AF_RETURN_IF_ERROR(st.Bind(1, FormatIso(now)).Bind(2, token).Bind(3, key.dag_id).Bind(4, key.run_id)
                         .Bind(5, key.task_id).Run());
  return db_.Changes() == 1;
}

Result<int> MetadataStore::ClaimTaskInstance(const TiKey& key, const std::string& token, int64_t pid,
                                             const std::string& hostname, double now) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = 'running', pid = ?, hostname = ?, start_date = ?, heartbeat = ?, "
      "end_date = NULL, duration = NULL, result = NULL "
      "WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = 'queued' AND external_executor_id = ?"));
  std::string ts = FormatIso(now);
  AF_RETURN_IF_ERROR(st.Bind(1, pid).Bind(2, hostname).Bind(3, ts).Bind(4, ts).Bind(5, key.dag_id)
                         .Bind(6, key.run_id).Bind(7, key.task_id).Bind(8, token).Run());
  if (db_.Changes() != 1) return 0;
  AF_ASSIGN_OR_RETURN(auto ti, GetTaskInstance(key));
  int try_number = ti ? ti->try_number : 0;
  AF_ASSIGN_OR_RETURN(auto ins, db_.Prepare(
      "INSERT OR REPLACE INTO task_tries (dag_id, run_id, task_id, try_number, state, start_date, pid, hostname) "
      "VALUES (?, ?, ?, ?, 'running', ?, ?, ?)"));
  AF_RETURN_IF_ERROR(ins.Bind(1, key.dag_id).Bind(2, key.run_id).Bind(3, key.task_id).Bind(4, try_number)
                         .Bind(5, ts).Bind(6, pid).Bind(7, hostname).Run());
  AF_RETURN_IF_ERROR(tx.Commit());
  return try_number;
}

Result<bool> MetadataStore::HeartbeatTaskInstance(const TiKey& key, const std::string& token, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET heartbeat = ? WHERE dag_id = ? AND run_id = ? AND task_id = ? "
      "AND state = 'running' AND external_executor_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, FormatIso(now)).Bind(2, key.dag_id).Bind(3, key.run_id).Bind(4, key.task_id)
                         .Bind(5, token).Run());
  return db_.Changes() == 1;
}

Result<std::string> MetadataStore::FinishTaskInstance(const TiKey& key, const std::string& token, bool success,
                                                      const RetryPolicy& policy, double now, const std::string& note,
                                                      const std::optional<std::string>& result) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto ti, GetTaskInstance(key));
  if (!ti || (ti->state != "running" && ti->state != "queued") || ti->external_executor_id != token) {
    return std::string();
  }
  std::string state = success ? "success" : (ti->try_number <= ti->max_tries ? "up_for_retry" : "failed");
  std::optional<std::string> next_retry;
  if (state == "up_for_retry") next_retry = FormatIso(now + policy.DelayAfterTry(ti->try_number));
  double duration = DurationSince(ti->start_date, now);
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = ?1, end_date = ?2, duration = ?3, next_retry_at = ?4, note = ?5, "
      "result = ?6, start_date = COALESCE(start_date, ?2) "
      "WHERE dag_id = ?7 AND run_id = ?8 AND task_id = ?9"));
  AF_RETURN_IF_ERROR(st.Bind(1, state).Bind(2, FormatIso(now)).Bind(3, duration).Bind(4, next_retry)
                         .Bind(5, note).Bind(6, result).Bind(7, key.dag_id).Bind(8, key.run_id)
                         .Bind(9, key.task_id).Run());
  AF_ASSIGN_OR_RETURN(auto tr, db_.Prepare(
      "UPDATE task_tries SET state = ?, end_date = ? WHERE dag_id = ? AND run_id = ? AND task_id = ? "
      "AND try_number = ?"));
  AF_RETURN_IF_ERROR(tr.Bind(1, success ? "success" : "failed").Bind(2, FormatIso(now)).Bind(3, key.dag_id)
                         .Bind(4, key.run_id).Bind(5, key.task_id).Bind(6, ti->try_number).Run());
  AF_RETURN_IF_ERROR(tx.Commit());
  return state;
}

Result<bool> MetadataStore::RequeueTaskInstance(const TiKey& key, const std::string& token) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = 'scheduled', try_number = MAX(try_number - 1, 0), "
      "external_executor_id = '' WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = 'queued' "
      "AND external_executor_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, key.dag_id).Bind(2, key.run_id).Bind(3, key.task_id).Bind(4, token).Run());
  return db_.Changes() == 1;
}

Result<int> MetadataStore::ResetQueuedNotOwnedBy(const std::string& token_prefix) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = 'scheduled', try_number = MAX(try_number - 1, 0), "
      "external_executor_id = '' WHERE state = 'queued' AND substr(external_executor_id, 1, ?) <> ? "
      "AND NOT EXISTS (SELECT 1 FROM dag_runs r WHERE r.dag_id = task_instances.dag_id "
      "AND r.run_id = task_instances.run_id AND r.run_type = 'test')"));
  AF_RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(token_prefix.size())).Bind(2, token_prefix).Run());
  return db_.Changes();
}

Status MetadataStore::ClearTaskInstances(const DagSpec& dag, const std::string& run_id,
                                         const std::vector<std::string>& task_ids) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  for (const auto& id : task_ids) {
    const TaskSpec* task = dag.FindTask(id);
    int retries = task ? task->policy.retries : 0;
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
        "UPDATE task_instances SET state = NULL, max_tries = try_number + ?, next_retry_at = NULL, "
        "end_date = NULL, duration = NULL, note = 'cleared' WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
    AF_RETURN_IF_ERROR(st.Bind(1, retries).Bind(2, dag.dag_id).Bind(3, run_id).Bind(4, id).Run());
  }
  AF_ASSIGN_OR_RETURN(auto run, db_.Prepare(
      "UPDATE dag_runs SET state = 'queued', end_date = NULL WHERE dag_id = ? AND run_id = ? "
      "AND state IN ('success', 'failed')"));
  AF_RETURN_IF_ERROR(run.Bind(1, dag.dag_id).Bind(2, run_id).Run());
  return tx.Commit();
}

Status MetadataStore::SetTaskInstanceState(const TiKey& key, const std::string& state, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = ?, end_date = ?, next_retry_at = NULL, note = 'marked ' || ? "
      "WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, StateToDb(state)).Bind(2, FormatIso(now)).Bind(3, state).Bind(4, key.dag_id)
                         .Bind(5, key.run_id).Bind(6, key.task_id).Run());
  if (db_.Changes() == 0) {
    return Status::NotFound("task instance " + key.dag_id + "." + key.task_id + " of run '" + key.run_id + "' not found");
  }
  return Status::OK();
}

Result<std::vector<TaskTry>> MetadataStore::ListTries(const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT dag_id, run_id, task_id, try_number, state, start_date, end_date, COALESCE(pid,0), hostname "
      "FROM task_tries WHERE dag_id = ? AND run_id = ? ORDER BY start_date"));
  st.Bind(1, dag_id).Bind(2, run_id);
  std::vector<TaskTry> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({{st.Text(0), st.Text(1), st.Text(2)}, static_cast<int>(st.Int(3)), st.Text(4), st.Text(5),
                   st.OptText(6), st.Int(7), st.Text(8)});
  }
  return out;
}

// ---------------------------------------------------------------- connections, variables, users

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

Result<std::vector<std::pair<std::string, std::string>>> MetadataStore::ListVariables() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT key, val FROM variables ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AF_ASSIGN_OR_RETURN(const SecretBox* box, Box());
    AF_ASSIGN_OR_RETURN(std::string value, box->Decrypt(st.Blob(1)));
    out.emplace_back(st.Text(0), value);
  }
  return out;
}

Status MetadataStore::DeleteVariable(const std::string& key) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM variables WHERE key = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, key).Run());
  if (db_.Changes() == 0) return Status::NotFound("variable '" + key + "' not found");
  return Status::OK();
}

Status MetadataStore::UpsertUser(const UserRow& user) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role"));
  return st.Bind(1, user.username).Bind(2, user.password_hash).Bind(3, user.role).Bind(4, FormatIso(NowEpoch())).Run();
}

Result<std::optional<UserRow>> MetadataStore::GetUser(const std::string& username) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT username, password_hash, role FROM users WHERE username = ?"));
  st.Bind(1, username);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<UserRow>();
  return std::optional<UserRow>(UserRow{st.Text(0), st.Text(1), st.Text(2)});
}

}  // namespace arxivflow::orchestrator
