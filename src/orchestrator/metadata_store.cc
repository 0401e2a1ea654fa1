#include "orchestrator/metadata_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "orchestrator/metadata_rows.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

using sqlite::Statement;
using sqlite::Transaction;

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
    // 3: scheduler jobs (Airflow's `job` table): each scheduling loop
    // records its heartbeat, so /health can tell a hung scheduler from a live one.
    R"sql(
CREATE TABLE job (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_type TEXT NOT NULL,
  state TEXT NOT NULL,
  hostname TEXT NOT NULL DEFAULT '',
  pid INTEGER,
  start_date TEXT NOT NULL,
  end_date TEXT,
  latest_heartbeat TEXT NOT NULL
);
)sql",
    // 4: web users can be deleted and changed: a counter every such change
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
    // 5: the audit log (Airflow's `log` table): every state-changing action,
    // who made it, when and from where; `count` folds repeated failed logins.
    R"sql(
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dttm TEXT NOT NULL,
  event TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL DEFAULT '',
  dag_id TEXT NOT NULL DEFAULT '',
  task_id TEXT NOT NULL DEFAULT '',
  run_id TEXT NOT NULL DEFAULT '',
  map_index INTEGER,
  try_number INTEGER,
  logical_date TEXT NOT NULL DEFAULT '',
  extra TEXT NOT NULL DEFAULT '',
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_log_dttm ON audit_log (dttm);
CREATE INDEX audit_log_dag ON audit_log (dag_id, dttm);
CREATE INDEX audit_log_event ON audit_log (event, owner, origin, dttm);
)sql",
};

}  // namespace

// ---------------------------------------------------------------- rows

namespace metadata {

std::optional<std::string> StateToDb(TiState state) {
  if (state == TiState::kNone) return std::nullopt;
  return std::string(StateName(state));
}

Result<TiState> TiStateFromDb(const Statement& s, int col) {
  if (s.IsNull(col)) return TiState::kNone;
  std::string text = s.Text(col);
  auto state = ParseTiState(text);
  if (!state || *state == TiState::kNone) return Status::Corruption("metadata DB: unknown task instance state '" + text + "'");
  return *state;
}

Result<DagRunState> RunStateFromDb(const Statement& s, int col) {
  std::string text = s.Text(col);
  auto state = ParseDagRunState(text);
  if (!state) return Status::Corruption("metadata DB: unknown DAG run state '" + text + "'");
  return *state;
}

std::string Placeholders(size_t n) {
  std::string sql = "(";
  for (size_t i = 0; i < n; ++i) sql += (i ? ",?" : "?");
  return sql + ")";
}

std::string TaskInstanceColumns(bool with_result) {
  return std::string(
             "dag_id, run_id, task_id, map_index, state, try_number, max_tries, operator, queued_dttm, start_date, "
             "end_date, duration, COALESCE(pid,0), hostname, heartbeat, next_retry_at, external_executor_id, note") +
         (with_result ? ", result" : "");
}

Result<TaskInstance> ReadTaskInstance(const Statement& s, bool with_result) {
  TaskInstance ti;
  ti.key = {s.Text(0), s.Text(1), s.Text(2)};
  ti.map_index = static_cast<int>(s.Int(3));
  AF_ASSIGN_OR_RETURN(ti.state, TiStateFromDb(s, 4));
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
  if (with_result) ti.result = s.OptText(18);
  return ti;
}

const char* const kRunColumns =
    "id, dag_id, run_id, state, run_type, logical_date, queued_at, start_date, end_date, conf";

Result<DagRun> ReadDagRun(const Statement& s) {
  DagRun r;
  r.id = s.Int(0);
  r.dag_id = s.Text(1);
  r.run_id = s.Text(2);
  AF_ASSIGN_OR_RETURN(r.state, RunStateFromDb(s, 3));
  r.run_type = s.Text(4);
  r.logical_date = s.Text(5);
  r.queued_at = s.Text(6);
  r.start_date = s.OptText(7);
  r.end_date = s.OptText(8);
  r.conf = s.Text(9);
  return r;
}

}  // namespace metadata

// ---------------------------------------------------------------- the store

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
  sqlite::OpenOptions options;
  options.foreign_keys = true;
  AF_RETURN_IF_ERROR(store->db_.Open(home.db(), options, "metadata DB"));
  if (create || store->SchemaVersion() < static_cast<int>(std::size(kMigrations))) {
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

Status MetadataStore::Ping() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT 1"));
  return st.Run();
}

int64_t MetadataStore::DataVersion() { return db_.DataVersion(); }

Status MetadataStore::Atomically(const std::function<Status()>& body) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_RETURN_IF_ERROR(body());
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

Status MetadataStore::SyncDagFolder(const std::vector<const DagSpec*>& dags,
                                    const std::map<std::string, std::string>& import_errors, double now) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  std::set<std::string> active;
  AF_ASSIGN_OR_RETURN(auto upsert, db_.Prepare(
      "INSERT INTO dags (dag_id, fileloc, is_paused, is_active, description, schedule, max_active_runs, last_parsed) "
      "VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (dag_id) DO UPDATE SET fileloc = excluded.fileloc, "
      "is_active = 1, description = excluded.description, schedule = excluded.schedule, "
      "max_active_runs = excluded.max_active_runs, last_parsed = excluded.last_parsed"));
  for (const DagSpec* dag : dags) {
    AF_RETURN_IF_ERROR(upsert.Bind(1, dag->dag_id).Bind(2, dag->fileloc).Bind(3, dag->is_paused_upon_creation ? 1 : 0)
                           .Bind(4, dag->description).Bind(5, dag->schedule.text()).Bind(6, dag->max_active_runs)
                           .Bind(7, FormatIso(now)).Run());
    upsert.Reset();
    active.insert(dag->dag_id);
  }
  AF_ASSIGN_OR_RETURN(auto list, db_.Prepare("SELECT dag_id FROM dags WHERE is_active = 1"));
  std::vector<std::string> gone;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    if (!active.count(list.Text(0))) gone.push_back(list.Text(0));
  }
  AF_ASSIGN_OR_RETURN(auto deactivate, db_.Prepare("UPDATE dags SET is_active = 0 WHERE dag_id = ?"));
  for (const auto& id : gone) {
    AF_RETURN_IF_ERROR(deactivate.Bind(1, id).Run());
    deactivate.Reset();
  }
  AF_ASSIGN_OR_RETURN(auto set_error, db_.Prepare(
      "INSERT INTO import_errors (filename, timestamp, message) VALUES (?, ?, ?) "
      "ON CONFLICT (filename) DO UPDATE SET timestamp = excluded.timestamp, message = excluded.message "
      "WHERE message <> excluded.message"));
  for (const auto& [file, message] : import_errors) {
    AF_RETURN_IF_ERROR(set_error.Bind(1, file).Bind(2, FormatIso(now)).Bind(3, message).Run());
    set_error.Reset();
  }
  AF_ASSIGN_OR_RETURN(auto errors, ListImportErrors());
  AF_ASSIGN_OR_RETURN(auto drop_error, db_.Prepare("DELETE FROM import_errors WHERE filename = ?"));
  for (const auto& e : errors) {
    if (import_errors.count(e.filename)) continue;
    AF_RETURN_IF_ERROR(drop_error.Bind(1, e.filename).Run());
    drop_error.Reset();
  }
  return tx.Commit();
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
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT dag_id, fileloc, is_paused, is_active, description, schedule, COALESCE(last_parsed,''), "
      "max_active_runs FROM dags WHERE dag_id = ?"));
  st.Bind(1, dag_id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<DagRow>();
  return std::optional<DagRow>(DagRow{st.Text(0), st.Text(1), st.Int(2) != 0, st.Int(3) != 0, st.Text(4), st.Text(5),
                                      st.Text(6), static_cast<int>(st.Int(7))});
}

Status MetadataStore::SetPaused(const std::string& dag_id, bool paused) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE dags SET is_paused = ? WHERE dag_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, paused ? 1 : 0).Bind(2, dag_id).Run());
  if (db_.Changes() == 0) return Status::NotFound("DAG '" + dag_id + "' not found");
  return Status::OK();
}

Result<std::vector<ImportError>> MetadataStore::ListImportErrors() {
  AF_ASSIGN_OR_RETURN(auto st,
                      db_.Prepare("SELECT rowid, filename, timestamp, message FROM import_errors ORDER BY filename"));
  std::vector<ImportError> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3)});
  }
  return out;
}

// ---------------------------------------------------------------- scheduler jobs

Result<int64_t> MetadataStore::StartSchedulerJob(const std::string& hostname, int64_t pid, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO job (job_type, state, hostname, pid, start_date, latest_heartbeat) "
      "VALUES ('SchedulerJob', 'running', ?, ?, ?, ?)"));
  std::string ts = FormatIso(now);
  AF_RETURN_IF_ERROR(st.Bind(1, hostname).Bind(2, pid).Bind(3, ts).Bind(4, ts).Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.raw()));
}

Status MetadataStore::HeartbeatSchedulerJob(int64_t job_id, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE job SET latest_heartbeat = ? WHERE id = ?"));
  return st.Bind(1, FormatIso(now)).Bind(2, job_id).Run();
}

Status MetadataStore::EndSchedulerJob(int64_t job_id, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE job SET state = 'success', end_date = ? WHERE id = ?"));
  return st.Bind(1, FormatIso(now)).Bind(2, job_id).Run();
}

Result<std::optional<SchedulerJob>> MetadataStore::LatestSchedulerJob() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT id, state, hostname, COALESCE(pid, 0), start_date, end_date, latest_heartbeat FROM job "
      "WHERE job_type = 'SchedulerJob' ORDER BY id DESC LIMIT 1"));
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<SchedulerJob>();
  return std::optional<SchedulerJob>(
      SchedulerJob{st.Int(0), st.Text(1), st.Text(2), st.Int(3), st.Text(4), st.OptText(5), st.Text(6)});
}

}  // namespace arxivflow::orchestrator
