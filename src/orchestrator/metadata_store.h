// The metadata DB: DAGs, import errors, DAG runs, task instances, tries,
// connections, variables, users, web sessions and scheduler jobs, in SQLite at
// $ARXIVFLOW_HOME/arxivflow.db. This class is the only code that speaks SQL to
// these tables: everything else (scheduler, task runner, run control, CLI,
// web server) calls its methods.
//
// Contract: Open() applies the versioned migrations (table schema_version)
// when `create` is true; with create=false a missing DB is NotFound ("run
// `arxivflow db init`"). Many processes share the file (scheduler, one process
// per task, CLI, web server): WAL mode and a busy timeout make that safe, and
// every state change that two processes could race on is a conditional UPDATE
// whose row count says who won (e.g. ClaimTaskInstance). Atomically() runs
// several calls as one transaction (calls made inside it join it). One
// MetadataStore per thread. Connection passwords/extras and variable values
// are stored only encrypted (secrets.h); the key is loaded lazily, so stores
// that never touch secrets work without it. States are the enums of states.h;
// TiState::kNone is NULL in the DB.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/sqlite.h"
#include "common/status.h"
#include "orchestrator/connection.h"
#include "orchestrator/dag.h"
#include "orchestrator/home.h"
#include "orchestrator/secrets.h"
#include "orchestrator/states.h"

namespace arxivflow::orchestrator {

struct DagRow {
  std::string dag_id;
  std::string fileloc;
  bool is_paused = false;
  bool is_active = true;
  std::string description;
  std::string schedule;
  std::string last_parsed;
  int max_active_runs = 16;
};

struct ImportError {
  int64_t id = 0;
  std::string filename;
  std::string timestamp;
  std::string message;
};

struct DagRun {
  int64_t id = 0;
  std::string dag_id;
  std::string run_id;
  DagRunState state = DagRunState::kQueued;
  std::string run_type;  // manual, scheduled, test
  std::string logical_date;
  std::string queued_at;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::string conf = "{}";  // JSON object
};

// A DAG run to create.
struct NewDagRun {
  std::string run_id;
  std::string run_type = "manual";
  double logical_date = 0;
  std::string conf_json = "{}";
  // kAlreadyExists also when the DAG has a run with this logical date.
  bool unique_logical_date = false;
};

struct TiKey {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
};

struct TaskInstance {
  TiKey key;
  int map_index = -1;
  TiState state = TiState::kNone;
  int try_number = 0;
  int max_tries = 0;
  std::string operator_name;
  std::optional<std::string> queued_dttm;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::optional<double> duration;
  int64_t pid = 0;
  std::string hostname;
  std::optional<std::string> heartbeat;
  std::optional<std::string> next_retry_at;
  std::string external_executor_id;  // token of the executor that queued it
  std::string note;                  // why it last changed state abnormally
  std::optional<std::string> result;  // what the task reported (JSON text); not read by every query
};

struct TaskTry {
  TiKey key;
  int try_number = 0;
  TiState state = TiState::kRunning;  // running, success or failed
  std::string start_date;
  std::optional<std::string> end_date;
  int64_t pid = 0;
  std::string hostname;
};

struct Variable {
  std::string key;
  std::string value;
  std::string description;
};

struct UserRow {
  std::string username;
  std::string password_hash;
  std::string role;
  std::string created;
};

// A web session. The cookie's token itself is never stored, only its SHA-256.
struct SessionRow {
  std::string token_hash;
  std::string username;
  std::string role;
  std::string csrf_token;
  std::string created;
  std::string expires;
  std::string last_seen;
};

// A scheduler process, as Airflow's `job` table records it.
struct SchedulerJob {
  int64_t id = 0;
  std::string state;  // running, success (stopped cleanly)
  std::string hostname;
  int64_t pid = 0;
  std::string start_date;
  std::optional<std::string> end_date;
  std::string latest_heartbeat;
};

// One row of the audit log (Airflow's `log` table): who did what, when, from
// where. `extra` is JSON text (before/after, never a secret); `count` > 1
// when repeats of one event were folded into the row (failed logins).
struct AuditRecord {
  int64_t id = 0;
  std::string when;  // ISO 8601 UTC (FormatIso), so rows compare as text
  std::string event;
  std::string owner;   // the web user, or cli:<os user>
  std::string origin;  // "cli", "api 127.0.0.1", ...
  std::string dag_id, task_id, run_id;
  std::optional<int> map_index;
  std::optional<int> try_number;
  std::string logical_date;
  std::string extra;  // JSON text, "" = none
  int64_t count = 1;
};

// Which audit rows to read. Empty strings and lists match everything.
struct AuditQuery {
  std::string dag_id, task_id, run_id, event, owner;
  std::string before, after;  // ISO times: when < before, when > after
  std::vector<std::string> included_events, excluded_events;
  // "when", "event_log_id", "event", "owner", "dag_id", "task_id", "run_id";
  // descending when order_desc.
  std::string order_by = "event_log_id";
  bool order_desc = false;
  int64_t limit = 100;
  int64_t offset = 0;
};

// What a retention clean removes (or would remove) from the metadata DB.
struct RetentionRows {
  int64_t dag_runs = 0;
  int64_t task_instances = 0;
  int64_t task_tries = 0;
  int64_t audit_rows = 0;
  std::vector<std::pair<std::string, std::string>> runs;  // (dag_id, run_id) removed
};

// Failed logins of one user name or one client address (login throttling).
struct LoginFailures {
  int64_t failures = 0;
  double last_failure = 0;   // Unix seconds
  double blocked_until = 0;  // Unix seconds; no password is checked before
};

class MetadataStore {
 public:
  static Result<std::unique_ptr<MetadataStore>> Open(const HomePaths& home, bool create);

  int SchemaVersion();
  // A trivial query: OK when the DB answers.
  Status Ping();
  // Changes whenever another connection commits (PRAGMA data_version).
  int64_t DataVersion();
  // Runs `body` in one transaction: its calls on this store commit together or not at all.
  Status Atomically(const std::function<Status()>& body);

  // --- DAGs and import errors (written by the DAG folder scan) ---
  // In one transaction: upserts `dags`, marks the others inactive, and makes
  // `import_errors` (file -> message) the complete set of import errors.
  Status SyncDagFolder(const std::vector<const DagSpec*>& dags, const std::map<std::string, std::string>& import_errors,
                       double now);
  Result<std::vector<DagRow>> ListDags(bool include_inactive);
  Result<std::optional<DagRow>> GetDag(const std::string& dag_id);
  Status SetPaused(const std::string& dag_id, bool paused);
  Result<std::vector<ImportError>> ListImportErrors();

  // --- DAG runs ---
  // AlreadyExists if (dag_id, run_id) exists.
  Result<DagRun> CreateDagRun(const std::string& dag_id, const std::string& run_id,
                              const std::string& run_type, double logical_date,
                              const std::string& conf_json, double now);
  // In one transaction: the run (queued) and a task instance (state none) per
  // task of `dag`. AlreadyExists when the run id, or with
  // unique_logical_date the logical date, is taken.
  Result<DagRun> CreateDagRunWithTasks(const DagSpec& dag, const NewDagRun& run, double now);
  Result<std::optional<DagRun>> GetDagRun(const std::string& dag_id, const std::string& run_id);
  // Empty dag_id/states = all. Newest logical date first.
  Result<std::vector<DagRun>> ListDagRuns(const std::string& dag_id, const std::vector<DagRunState>& states);
  // One page of a DAG's runs, newest first (index dag_runs_dag_date), and
  // how many there are in all.
  Result<std::vector<DagRun>> ListDagRunsPage(const std::string& dag_id, std::optional<DagRunState> state,
                                              int64_t limit, int64_t offset);
  Result<int64_t> CountDagRuns(const std::string& dag_id, std::optional<DagRunState> state);
  Status SetDagRunState(const std::string& dag_id, const std::string& run_id, DagRunState state, double now);
  Result<std::optional<double>> LastLogicalDate(const std::string& dag_id, const std::string& run_type);

  // --- task instances ---
  // Creates missing task instances (state none) for every task of `dag`.
  Status CreateTaskInstances(const DagSpec& dag, const std::string& run_id);
  // With their results.
  Result<std::vector<TaskInstance>> ListTaskInstances(const std::string& dag_id, const std::string& run_id);
  // The task instances of several runs of one DAG, without results (the grid).
  Result<std::vector<TaskInstance>> ListTaskInstancesOfRuns(const std::string& dag_id,
                                                            const std::vector<std::string>& run_ids);
  Result<std::vector<TaskInstance>> ListTaskInstancesInStates(const std::vector<TiState>& states);
  // With its result.
  Result<std::optional<TaskInstance>> GetTaskInstance(const TiKey& key);
  Result<int> CountTaskInstancesInStates(const std::vector<TiState>& states);
  // Conditional state change: true if the row was in `from` and now is `to`.
  Result<bool> TransitionTaskInstance(const TiKey& key, TiState from, TiState to, double now,
                                      const std::string& note = "");
  // scheduled -> queued, try_number+1, stamped with the executor's token.
  Result<bool> QueueTaskInstance(const TiKey& key, const std::string& token, double now);
  // queued (with this token) -> running; records the try. Returns the try
  // number, or 0 when someone else owns the instance (then do not run it).
  Result<int> ClaimTaskInstance(const TiKey& key, const std::string& token, int64_t pid,
                                const std::string& hostname, double now);
  // False when the instance is no longer running under this token.
  Result<bool> HeartbeatTaskInstance(const TiKey& key, const std::string& token, double now);
  // Ends the try owned by `token` (state running or queued): success, or a
  // failure that becomes up_for_retry (next_retry_at from `policy`) while
  // tries remain, else failed. Returns the new state, or nullopt if not owned.
  // task_instances.result becomes `result` (JSON text; NULL when none).
  Result<std::optional<TiState>> FinishTaskInstance(const TiKey& key, const std::string& token, bool success,
                                                    const RetryPolicy& policy, double now, const std::string& note,
                                                    const std::optional<std::string>& result = std::nullopt);
  // queued (with this token) -> scheduled, try_number-1, token cleared: its
  // process, if one was started and has not claimed it yet, never will.
  // False when the instance is not queued under `token` (e.g. it is running).
  Result<bool> RequeueTaskInstance(const TiKey& key, const std::string& token);
  // Queued instances whose token does not start with `token_prefix` go back
  // to scheduled (their executor is gone). Returns how many.
  Result<int> ResetQueuedNotOwnedBy(const std::string& token_prefix);
  // Airflow's clear: state none, tries left again; with reset_run a finished
  // run goes back to queued (so the scheduler takes it up again).
  Status ClearTaskInstances(const DagSpec& dag, const std::string& run_id, const std::vector<std::string>& task_ids,
                            bool reset_run = true);
  // Manual mark; a running process notices and stops.
  Status SetTaskInstanceState(const TiKey& key, TiState state, double now);
  Result<std::vector<TaskTry>> ListTries(const std::string& dag_id, const std::string& run_id);
  // Deletes a run with its task instances and tries, in one transaction;
  // kNotFound when there is no such run.
  Status DeleteDagRun(const std::string& dag_id, const std::string& run_id);

  // --- connections, variables (encrypted) ---
  Status UpsertConnection(const Connection& conn);
  Result<Connection> GetConnection(const std::string& conn_id);  // the DB only, no env
  Result<std::vector<Connection>> ListConnections();
  Status DeleteConnection(const std::string& conn_id);
  Status SetVariable(const std::string& key, const std::string& value, const std::string& description = "");
  Result<std::optional<std::string>> GetVariable(const std::string& key);  // the DB only, no env
  Result<std::optional<Variable>> GetVariableRecord(const std::string& key);
  Result<std::vector<Variable>> ListVariables();
  Status DeleteVariable(const std::string& key);

  // --- web users and sessions ---
  Status UpsertUser(const UserRow& user);
  Result<std::optional<UserRow>> GetUser(const std::string& username);
  Result<std::vector<UserRow>> ListUsers();  // without password hashes
  // Creates or replaces the session with this token_hash.
  Status PutSession(const SessionRow& session);
  Result<std::optional<SessionRow>> GetSession(const std::string& token_hash);
  Status TouchSession(const std::string& token_hash, const std::string& last_seen, const std::string& expires);
  Status DeleteSession(const std::string& token_hash);
  // Deletes the sessions whose `expires` <= now, then, while more than
  // `max_live` remain, the least recently seen ones.
  Status PruneSessions(const std::string& now, int64_t max_live);

  // --- scheduler jobs (the scheduler's heartbeat) ---
  Result<int64_t> StartSchedulerJob(const std::string& hostname, int64_t pid, double now);
  Status HeartbeatSchedulerJob(int64_t job_id, double now);
  Status EndSchedulerJob(int64_t job_id, double now);
  // The most recently started scheduler, if any ever ran.
  Result<std::optional<SchedulerJob>> LatestSchedulerJob();

  // --- aggregates for /metrics (metadata_store_metrics.cc)
  struct StateCount {
    std::string dag_id;
    std::string state;  // StateName(); "none" for TiState::kNone
    int64_t count = 0;
  };
  Result<std::vector<StateCount>> CountTaskInstancesByDagAndState();
  Result<std::vector<StateCount>> CountDagRunsByDagAndState();
  // Calls `fn(dag_id, task_id, result JSON text)` for each successful task
  // instance that reported a result, one row at a time.
  Status ForEachTaskResult(const std::function<void(const std::string&, const std::string&, const std::string&)>& fn);

  // --- web users' changes, sessions and login throttling (metadata_store_auth.cc)
  // Each change below deletes every session of the user and bumps the auth
  // generation, in one transaction. kNotFound for an unknown user;
  // kInvalidArgument when it would leave no admin.
  Status DeleteUser(const std::string& username);
  Status UpdateUser(const std::string& username, const std::optional<std::string>& password_hash,
                    const std::optional<std::string>& role);
  // Changes whenever a user is deleted or changed, by any process.
  Result<int64_t> AuthGeneration();
  // scope is "user" or "address".
  Result<std::optional<LoginFailures>> GetLoginFailures(const std::string& scope, const std::string& subject);
  // Also forgets rows idle for a day, and keeps at most 100 000 rows.
  Status PutLoginFailures(const std::string& scope, const std::string& subject, const LoginFailures& failures);
  Status ClearLoginFailures(const std::string& scope, const std::string& subject);

  // --- audit log (metadata_store_audit.cc); written only through audit_log.h
  // Appends `record` (its id and count are assigned). With `fold_since`
  // non-empty, a row of the same event, owner and origin written at or after
  // that time absorbs it instead (count + 1, when = record.when); with
  // `keep_of_event` > 0, only the newest that many rows of the event are kept.
  Result<int64_t> AppendAudit(const AuditRecord& record, const std::string& fold_since = "",
                              int64_t keep_of_event = 0);
  Result<std::vector<AuditRecord>> ListAudit(const AuditQuery& query);
  Result<int64_t> CountAudit(const AuditQuery& query);
  Result<std::optional<AuditRecord>> GetAudit(int64_t id);

  // --- retention (metadata_store_audit.cc)
  // In one transaction: the finished DAG runs (state success or failed, no
  // task instance queued or running) that ended before `cut` (ISO time; runs
  // without an end date by their queued time), with their task instances and
  // tries, and the audit rows written before `cut`. With dry_run, counts
  // only. Never a queued or running run.
  Result<RetentionRows> DeleteOlderThan(const std::string& cut, bool dry_run);

 private:
  Status Migrate();
  Result<const SecretBox*> Box();
  Result<std::optional<DagRun>> FindRunByLogicalDate(const std::string& dag_id, const std::string& logical_date);
  Result<std::vector<TaskInstance>> QueryTaskInstances(const std::string& where, const std::vector<std::string>& args,
                                                       bool with_result);

  HomePaths home_;
  sqlite::Database db_;
  std::optional<SecretBox> box_;
};

}  // namespace arxivflow::orchestrator
