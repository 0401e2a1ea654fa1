// The metadata DB: DAGs, import errors, DAG runs, task instances, tries,
// connections, variables and users, in SQLite at $ARXIVFLOW_HOME/arxivflow.db.
//
// Contract: Open() applies the versioned migrations (table schema_version)
// when `create` is true; with create=false a missing DB is NotFound ("run
// `arxivflow db init`"). Many processes share the file (scheduler, one process
// per task, CLI, web server): WAL mode and a busy timeout make that safe, and
// every state change that two processes could race on is a conditional UPDATE
// whose row count says who won (e.g. ClaimTaskInstance). One MetadataStore per
// thread. Connection passwords/extras and variable values are stored only
// encrypted (secrets.h); the key is loaded lazily, so stores that never touch
// secrets work without it. A task instance's state "none" is NULL in the DB.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "orchestrator/connection.h"
#include "orchestrator/dag.h"
#include "orchestrator/home.h"
#include "orchestrator/secrets.h"
#include "orchestrator/sqlite_db.h"

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
  std::string filename;
  std::string timestamp;
  std::string message;
};

struct DagRun {
  int64_t id = 0;
  std::string dag_id;
  std::string run_id;
  std::string state;     // queued, running, success, failed
  std::string run_type;  // manual, scheduled, test
  std::string logical_date;
  std::string queued_at;
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  std::string conf = "{}";  // JSON object
};

struct TiKey {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
};

struct TaskInstance {
  TiKey key;
  int map_index = -1;
  std::string state = "none";
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
};

struct TaskTry {
  TiKey key;
  int try_number = 0;
  std::string state;
  std::string start_date;
  std::optional<std::string> end_date;
  int64_t pid = 0;
  std::string hostname;
};

struct UserRow {
  std::string username;
  std::string password_hash;
  std::string role;
};

// Failed logins of one user name or one client address (login throttling).
struct LoginFailures {
  int64_t failures = 0;
  double last_failure = 0;   // Unix seconds
  double blocked_until = 0;  // Unix seconds; no password is checked before
};

bool IsTerminalTiState(const std::string& state);  // success, failed, skipped, upstream_failed

class MetadataStore {
 public:
  static Result<std::unique_ptr<MetadataStore>> Open(const HomePaths& home, bool create);

  SqliteDb& db() { return db_; }
  int SchemaVersion();

  // --- DAGs and import errors (written by the DAG folder scan) ---
  Status SyncDag(const DagSpec& dag, double now);
  Status MarkDagsInactiveExcept(const std::set<std::string>& active_dag_ids);
  Result<std::vector<DagRow>> ListDags(bool include_inactive);
  Result<std::optional<DagRow>> GetDag(const std::string& dag_id);
  Status SetPaused(const std::string& dag_id, bool paused);
  Status SetImportError(const std::string& filename, const std::string& message, double now);
  Status ClearImportErrorsExcept(const std::set<std::string>& failing_files);
  Result<std::vector<ImportError>> ListImportErrors();

  // --- DAG runs ---
  // AlreadyExists if (dag_id, run_id) exists.
  Result<DagRun> CreateDagRun(const std::string& dag_id, const std::string& run_id,
                              const std::string& run_type, double logical_date,
                              const std::string& conf_json, double now);
  Result<std::optional<DagRun>> GetDagRun(const std::string& dag_id, const std::string& run_id);
  // Empty dag_id/states = all. Newest logical date first.
  Result<std::vector<DagRun>> ListDagRuns(const std::string& dag_id, const std::vector<std::string>& states);
  Status SetDagRunState(const std::string& dag_id, const std::string& run_id, const std::string& state, double now);
  Result<std::optional<double>> LastLogicalDate(const std::string& dag_id, const std::string& run_type);

  // --- task instances ---
  // Creates missing task instances (state none) for every task of `dag`.
  Status CreateTaskInstances(const DagSpec& dag, const std::string& run_id);
  Result<std::vector<TaskInstance>> ListTaskInstances(const std::string& dag_id, const std::string& run_id);
  Result<std::vector<TaskInstance>> ListTaskInstancesInStates(const std::vector<std::string>& states);
  Result<std::optional<TaskInstance>> GetTaskInstance(const TiKey& key);
  Result<int> CountTaskInstancesInStates(const std::vector<std::string>& states);
  // Conditional state change: true if the row was in `from` and now is `to`.
  Result<bool> TransitionTaskInstance(const TiKey& key, const std::string& from, const std::string& to,
                                      double now, const std::string& note = "");
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
  // tries remain, else failed. Returns the new state, or "" if not owned.
  // task_instances.result becomes `result` (JSON text; NULL when none).
  Result<std::string> FinishTaskInstance(const TiKey& key, const std::string& token, bool success,
                                         const RetryPolicy& policy, double now, const std::string& note,
                                         const std::optional<std::string>& result = std::nullopt);
  // queued (with this token) -> scheduled, try_number-1, token cleared: its
  // process, if one was started and has not claimed it yet, never will.
  // False when the instance is not queued under `token` (e.g. it is running).
  Result<bool> RequeueTaskInstance(const TiKey& key, const std::string& token);
  // Queued instances whose token does not start with `token_prefix` go back
  // to scheduled (their executor is gone). Returns how many.
  Result<int> ResetQueuedNotOwnedBy(const std::string& token_prefix);
  // Airflow's clear: state none, tries left again; the run goes back to queued.
  Status ClearTaskInstances(const DagSpec& dag, const std::string& run_id,
                            const std::vector<std::string>& task_ids);
  // Manual mark (success/failed/skipped); a running process notices and stops.
  Status SetTaskInstanceState(const TiKey& key, const std::string& state, double now);
  Result<std::vector<TaskTry>> ListTries(const std::string& dag_id, const std::string& run_id);

  // --- connections, variables (encrypted), users ---
  Status UpsertConnection(const Connection& conn);
  Result<Connection> GetConnection(const std::string& conn_id);  // the DB only, no env
  Result<std::vector<Connection>> ListConnections();
  Status DeleteConnection(const std::string& conn_id);
  Status SetVariable(const std::string& key, const std::string& value, const std::string& description = "");
  Result<std::optional<std::string>> GetVariable(const std::string& key);  // the DB only, no env
  Result<std::vector<std::pair<std::string, std::string>>> ListVariables();
  Status DeleteVariable(const std::string& key);
  Status UpsertUser(const UserRow& user);
  Result<std::optional<UserRow>> GetUser(const std::string& username);

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

 private:
  Status Migrate();
  Result<const SecretBox*> Box();

  HomePaths home_;
  SqliteDb db_;
  std::optional<SecretBox> box_;
};

}  // namespace arxivflow::orchestrator
