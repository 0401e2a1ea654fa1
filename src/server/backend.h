// Backend: the narrow interface the web server needs from the rest of the
// system (the orchestrator's metadata store, task logs, the warehouse).
//
// Contract:
// - Every method is safe to call from several server threads at once; an
//   implementation serialises or pools what it must.
// - Errors come back as Status: kNotFound for an unknown DAG, run, task,
//   connection, variable or user; kAlreadyExists for a duplicate id;
//   kInvalidArgument for a bad value (a state that cannot be set, a bad run
//   id); anything else (kInternal, kIOError, ...) is an internal failure whose
//   message the server logs but never sends to a client.
// - Nothing here ever returns a connection password: ConnectionInfo only says
//   whether one is set. Passwords go in (ConnectionInput) but never come out.
// - Times are ISO 8601 UTC strings ("2026-11-23T21:00:00.123456+00:00"), empty
//   when unknown. States are the orchestrator's enums (orchestrator/states.h).
// - Every state-changing call names its Caller (who, from where), for the
//   orchestrator's run control to record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "orchestrator/run_control.h"
#include "orchestrator/states.h"

namespace arxivflow::server {

using orchestrator::DagRunState;
using orchestrator::TiState;

// Who makes a state-changing call, and from where.
struct Caller {
  std::string username;
  std::string address;  // the client's IP address
  std::string origin;   // "" = "api <address>"; "cli" for the command line
};

struct TaskInfo {
  std::string task_id;
  std::string operator_name;
  std::vector<std::string> upstream;
  std::vector<std::string> downstream;
  std::string trigger_rule;
  int retries = 0;
};

struct DagInfo {
  std::string dag_id;
  std::string description;
  std::string fileloc;
  std::string schedule;  // "none", "@daily", "0 3 * * *"
  bool is_paused = false;
  bool is_active = true;  // false when its file vanished or failed to parse
  std::vector<std::string> tags;
  int max_active_runs = 16;
  std::vector<TaskInfo> tasks;  // topological order (upstreams first)
};

struct DagRunInfo {
  std::string dag_id;
  std::string run_id;
  DagRunState state = DagRunState::kQueued;
  std::string run_type;  // manual, scheduled
  std::string logical_date;
  std::string queued_at;
  std::string start_date;
  std::string end_date;
  nlohmann::json conf = nlohmann::json::object();
  bool external_trigger = true;
};

struct TaskInstanceInfo {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  TiState state = TiState::kNone;
  int try_number = 0;
  int max_tries = 0;
  std::string operator_name;
  std::string queued_dttm;  // when it was last queued
  std::string start_date;
  std::string end_date;
  std::optional<double> duration;  // seconds
  std::string hostname;
  std::optional<int64_t> pid;
  // What the task reported (rows loaded, check results, ...); null when none.
  nlohmann::json result;
  // A running task's latest progress (orchestrator/task_progress.h); null
  // when it is not running or reports none.
  nlohmann::json progress;
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // total matching, regardless of limit/offset
  bool total_exact = true;  // false: at least `total` (search counts up to a cap)
};

struct ListRunsQuery {
  int64_t limit = 100;
  int64_t offset = 0;
  std::optional<DagRunState> state;  // nullopt = any
};

// The grid: the newest `runs` (newest first) and every task instance of them.
struct GridData {
  std::vector<DagRunInfo> runs;
  std::vector<TaskInstanceInfo> task_instances;
};

// One try of a task instance (its history).
struct TaskTryInfo {
  int try_number = 0;
  TiState state = TiState::kRunning;
  std::string start_date;
  std::string end_date;
  std::string hostname;
  std::optional<int64_t> pid;
  std::optional<double> duration;  // seconds
};

struct LogChunk {
  std::string content;
  int64_t offset = 0;       // where `content` starts in the file
  int64_t next_offset = 0;  // where to continue reading
  bool exists = false;      // false: no log file for this try (yet)
};

// Which task instances to clear, as run control takes it (run_control.h).
using ClearRequest = orchestrator::ClearRequest;

struct ConnectionInfo {
  std::string conn_id;
  std::string conn_type;
  std::string description;
  std::string host;
  std::string schema;
  std::string login;
  std::optional<int> port;
  std::string extra;  // JSON text; secret values inside it are masked
  bool has_password = false;
};

// For create and update. Fields left empty keep their value on update;
// password: nullopt = unchanged, "" = remove.
struct ConnectionInput {
  std::string conn_id;
  std::optional<std::string> conn_type;
  std::optional<std::string> description;
  std::optional<std::string> host;
  std::optional<std::string> schema;
  std::optional<std::string> login;
  std::optional<int> port;
  bool clear_port = false;
  std::optional<std::string> extra;
  std::optional<std::string> password;
};

struct VariableInfo {
  std::string key;
  std::string value;
  std::string description;
};

struct ImportErrorInfo {
  int64_t import_error_id = 0;
  std::string filename;
  std::string stack_trace;
  std::string timestamp;
};

struct UserRecord {
  std::string username;
  std::string role;  // "admin" or "viewer"
  std::string password_hash;  // crypto_pwhash_str output; never sent out
  std::string created_at;
};

// A web session as stored in the metadata DB. The cookie's token itself is
// never stored: only its SHA-256 (hex). Times are ISO 8601 UTC strings of one
// fixed format (orchestrator::FormatIso), so they compare as text.
struct SessionRecord {
  std::string token_hash;
  std::string username;
  std::string role;
  std::string csrf_token;
  std::string created;
  std::string expires;  // the session is invalid from this instant on
  std::string last_seen;
};

// Failed logins of one user name or one client address (login throttling).
struct LoginFailureRecord {
  int64_t failures = 0;
  double last_failure = 0;   // Unix seconds
  double blocked_until = 0;  // Unix seconds
};

struct TableCount {
  std::string table;
  bool exists = false;
  int64_t rows = 0;
};

struct WarehouseInfo {
  std::string target;  // printable, password-free description
  std::vector<TableCount> tables;
};

struct PaperHit {
  std::string id;
  std::string title;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string abstract;
  std::string updatedate;
};

struct HealthInfo {
  bool metadatabase_ok = false;
  std::string scheduler_status;  // "healthy", "unhealthy" or "" (unknown)
  std::string latest_scheduler_heartbeat;
  std::optional<double> scheduler_heartbeat_age;  // seconds since that heartbeat
  // Files and bytes under the home's logs/ (orchestrator/log_disk_usage.h).
  std::optional<int64_t> log_files;
  std::optional<int64_t> log_bytes;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual HealthInfo Health() = 0;

  // A cheap token that changes whenever the metadata DB may have changed
  // (any commit by any process); "" = unknown, do not cache reads.
  virtual std::string ChangeToken() { return ""; }

  // The back end's metrics in the Prometheus text format (server/metrics_page.h);
  // "" when it has none.
  virtual Result<std::string> MetricsText() { return std::string(); }

  // --- DAGs
  virtual Result<std::vector<DagInfo>> ListDags() = 0;
  virtual Result<DagInfo> GetDag(const std::string& dag_id) = 0;
  virtual Status SetPaused(const std::string& dag_id, bool paused, const Caller& caller) = 0;
  // The DAG's latest runs, newest first, at most `limit`.
  virtual Result<std::vector<DagRunInfo>> RecentRuns(const std::string& dag_id, int limit) = 0;

  // --- runs
  // run_id empty = generated ("manual__<logical date>"); logical_date empty = now.
  // kAlreadyExists when the DAG has a run with this run id or logical date.
  virtual Result<DagRunInfo> TriggerDag(const std::string& dag_id, const std::string& run_id,
                                        const nlohmann::json& conf, const std::string& logical_date,
                                        const Caller& caller) = 0;
  virtual Result<Page<DagRunInfo>> ListDagRuns(const std::string& dag_id, const ListRunsQuery& query) = 0;
  virtual Result<DagRunInfo> GetDagRun(const std::string& dag_id, const std::string& run_id) = 0;
  // state: success, failed or queued (queued = rerun from scratch).
  virtual Status SetDagRunState(const std::string& dag_id, const std::string& run_id, DagRunState state,
                                const Caller& caller) = 0;
  virtual Result<GridData> Grid(const std::string& dag_id, int runs) = 0;
  // Deletes a run with its task instances (run control's rule).
  virtual Status DeleteDagRun(const std::string& dag_id, const std::string& run_id, const Caller& caller) = 0;

  // --- task instances
  virtual Result<std::vector<TaskInstanceInfo>> ListTaskInstances(const std::string& dag_id,
                                                                  const std::string& run_id) = 0;
  virtual Result<TaskInstanceInfo> GetTaskInstance(const std::string& dag_id, const std::string& run_id,
                                                   const std::string& task_id) = 0;
  // new_state: success or failed. With dry_run nothing changes (the task
  // instance must still exist).
  virtual Status SetTaskInstanceState(const std::string& dag_id, const std::string& run_id,
                                      const std::string& task_id, TiState new_state, bool dry_run,
                                      const Caller& caller) = 0;
  // Returns the task instances cleared (or that would be, when dry_run).
  virtual Result<std::vector<TaskInstanceInfo>> ClearTaskInstances(const std::string& dag_id,
                                                                   const ClearRequest& request,
                                                                   const Caller& caller) = 0;
  // The tries of a task instance, oldest first (kNotFound for an unknown
  // task instance).
  virtual Result<std::vector<TaskTryInfo>> ListTries(const std::string& dag_id, const std::string& run_id,
                                                     const std::string& task_id) = 0;
  // Reads at most max_bytes of try `try_number`'s log from `offset`.
  virtual Result<LogChunk> ReadLog(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                                   int try_number, int64_t offset, int64_t max_bytes) = 0;

  // --- connections (never with passwords)
  virtual Result<std::vector<ConnectionInfo>> ListConnections() = 0;
  virtual Result<ConnectionInfo> GetConnection(const std::string& conn_id) = 0;
  virtual Status CreateConnection(const ConnectionInput& input, const Caller& caller) = 0;
  virtual Status UpdateConnection(const ConnectionInput& input, const Caller& caller) = 0;
  virtual Status DeleteConnection(const std::string& conn_id, const Caller& caller) = 0;

  // --- variables
  virtual Result<std::vector<VariableInfo>> ListVariables() = 0;
  virtual Result<VariableInfo> GetVariable(const std::string& key) = 0;
  // Creates; Status::AlreadyExists when the key is taken (atomically).
  virtual Status CreateVariable(const VariableInfo& variable, const Caller& caller) = 0;
  // Changes the given fields of an existing variable (nullopt keeps one) and
  // returns it; Status::NotFound when it does not exist (atomically).
  virtual Result<VariableInfo> UpdateVariable(const std::string& key, const std::optional<std::string>& value,
                                              const std::optional<std::string>& description, const Caller& caller) = 0;
  // Creates or replaces.
  virtual Status SetVariable(const VariableInfo& variable, const Caller& caller) = 0;
  virtual Status DeleteVariable(const std::string& key, const Caller& caller) = 0;

  // --- import errors
  virtual Result<std::vector<ImportErrorInfo>> ListImportErrors() = 0;

  // --- users
  virtual Result<UserRecord> FindUser(const std::string& username) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // kAlreadyExists when the name is taken.
  virtual Status CreateUser(const std::string& username, const std::string& password_hash,
                            const std::string& role, const Caller& caller) = 0;
  // Both end every session of the user at once and bump AuthGeneration().
  // kNotFound for an unknown user; kInvalidArgument when no admin would be left.
  virtual Status DeleteUser(const std::string& username, const Caller& caller) = 0;
  // nullopt = unchanged.
  virtual Status UpdateUser(const std::string& username, const std::optional<std::string>& password_hash,
                            const std::optional<std::string>& role, const Caller& caller) = 0;
  // Changes whenever any process deletes or changes a user: credentials
  // cached before it must be checked again.
  virtual Result<int64_t> AuthGeneration() = 0;

  // --- login throttling; scope is "user" or "address"
  virtual Result<std::optional<LoginFailureRecord>> GetLoginFailures(const std::string& scope,
                                                                     const std::string& subject) = 0;
  virtual Status PutLoginFailures(const std::string& scope, const std::string& subject,
                                  const LoginFailureRecord& failures) = 0;
  virtual Status ClearLoginFailures(const std::string& scope, const std::string& subject) = 0;

  // --- web sessions (survive a server restart)
  // Creates or replaces the session with this token_hash.
  virtual Status PutSession(const SessionRecord& session) = 0;
  // nullopt when there is no such session (expired ones are returned as they
  // are; the caller checks `expires`).
  virtual Result<std::optional<SessionRecord>> GetSession(const std::string& token_hash) = 0;
  virtual Status TouchSession(const std::string& token_hash, const std::string& last_seen,
                              const std::string& expires) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Deletes the sessions whose `expires` <= now, then, while more than
  // `max_live` remain, the least recently seen ones.
  virtual Status PruneSessions(const std::string& now, int64_t max_live) = 0;

  // --- audit log (orchestrator/audit_log.h)
  // "login", "logout" or "failed_login"; `username` "" when the name typed
  // is no user's (only its length is kept).
  virtual Status RecordLoginEvent(const std::string& event, const std::string& username, size_t typed_name_bytes,
                                  const std::string& address) {
    (void)event, (void)username, (void)typed_name_bytes, (void)address;
    return Status::OK();
  }
  virtual Result<Page<orchestrator::AuditRecord>> ListEventLogs(const orchestrator::AuditQuery& query) {
    (void)query;
    return Page<orchestrator::AuditRecord>{};
  }
  virtual Result<orchestrator::AuditRecord> GetEventLog(int64_t id) {
    return Status::NotFound("event log " + std::to_string(id) + " not found");
  }

  // --- warehouse
  virtual Result<WarehouseInfo> WarehouseTables() = 0;
  // The last transform's _manifest.json, with "rejects_sample" (first lines
  // of _rejects.jsonl) added; kNotFound when no transform has run.
  virtual Result<nlohmann::json> LastManifest() = 0;
  // Full-text search over titles and abstracts (no query syntax: the text is
  // searched as plain words).
  virtual Result<Page<PaperHit>> SearchPapers(const std::string& text, int64_t limit, int64_t offset) = 0;
};

}  // namespace arxivflow::server
