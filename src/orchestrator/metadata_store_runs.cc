// MetadataStore: DAG runs, task instances and their tries.
#include "orchestrator/metadata_rows.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

using metadata::Placeholders;
using metadata::ReadDagRun;
using metadata::ReadTaskInstance;
using metadata::StateToDb;
using metadata::TaskInstanceColumns;
using sqlite::Transaction;

namespace {

Result<std::vector<DagRun>> ReadDagRuns(sqlite::Statement& st) {
  std::vector<DagRun> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AF_ASSIGN_OR_RETURN(auto run, ReadDagRun(st));
    out.push_back(std::move(run));
  }
  return out;
}

double DurationSince(const std::optional<std::string>& start, double now) {
  if (!start) return 0;
  auto t = ParseIso(*start);
  return t ? now - *t : 0;
}

}  // namespace

// ---------------------------------------------------------------- runs

Result<DagRun> MetadataStore::CreateDagRun(const std::string& dag_id, const std::string& run_id,
                                           const std::string& run_type, double logical_date,
                                           const std::string& conf_json, double now) {
  AF_ASSIGN_OR_RETURN(auto existing, GetDagRun(dag_id, run_id));
  if (existing) return Status::AlreadyExists("DAG run '" + run_id + "' of DAG '" + dag_id + "' already exists");
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT INTO dag_runs (dag_id, run_id, state, run_type, logical_date, queued_at, conf) "
      "VALUES (?, ?, 'queued', ?, ?, ?, ?)"));
  AF_RETURN_IF_ERROR(st.Bind(1, dag_id).Bind(2, run_id).Bind(3, run_type).Bind(4, FormatIso(logical_date))
                         .Bind(5, FormatIso(now)).Bind(6, conf_json).Run());
  AF_ASSIGN_OR_RETURN(auto run, GetDagRun(dag_id, run_id));
  if (!run) return Status::Internal("DAG run vanished after insert");
  return *run;
}

Result<std::optional<DagRun>> MetadataStore::FindRunByLogicalDate(const std::string& dag_id,
                                                                  const std::string& logical_date) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + metadata::kRunColumns +
                                           " FROM dag_runs WHERE dag_id = ? AND logical_date = ? LIMIT 1"));
  st.Bind(1, dag_id).Bind(2, logical_date);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<DagRun>();
  AF_ASSIGN_OR_RETURN(auto run, ReadDagRun(st));
  return std::optional<DagRun>(std::move(run));
}

Result<DagRun> MetadataStore::CreateDagRunWithTasks(const DagSpec& dag, const NewDagRun& req, double now) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  if (req.unique_logical_date) {
    std::string logical = FormatIso(req.logical_date);
    AF_ASSIGN_OR_RETURN(auto clash, FindRunByLogicalDate(dag.dag_id, logical));
    if (clash) {
      return Status::AlreadyExists("DAG '" + dag.dag_id + "' already has a run with logical date " + logical + " ('" +
                                   clash->run_id + "')");
    }
  }
  AF_ASSIGN_OR_RETURN(auto run, CreateDagRun(dag.dag_id, req.run_id, req.run_type, req.logical_date, req.conf_json, now));
  AF_RETURN_IF_ERROR(CreateTaskInstances(dag, run.run_id));
  AF_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<std::optional<DagRun>> MetadataStore::GetDagRun(const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + metadata::kRunColumns +
                                           " FROM dag_runs WHERE dag_id = ? AND run_id = ?"));
  st.Bind(1, dag_id).Bind(2, run_id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<DagRun>();
  AF_ASSIGN_OR_RETURN(auto run, ReadDagRun(st));
  return std::optional<DagRun>(std::move(run));
}

Result<std::vector<DagRun>> MetadataStore::ListDagRuns(const std::string& dag_id,
                                                       const std::vector<DagRunState>& states) {
  std::string sql = std::string("SELECT ") + metadata::kRunColumns + " FROM dag_runs WHERE 1=1";
  if (!dag_id.empty()) sql += " AND dag_id = ?";
  if (!states.empty()) sql += " AND state IN " + Placeholders(states.size());
  sql += " ORDER BY logical_date DESC, id DESC";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  int i = 1;
  if (!dag_id.empty()) st.Bind(i++, dag_id);
  for (DagRunState s : states) st.Bind(i++, StateName(s));
  return ReadDagRuns(st);
}

Result<std::vector<DagRun>> MetadataStore::ListDagRunsPage(const std::string& dag_id, std::optional<DagRunState> state,
                                                           int64_t limit, int64_t offset) {
  std::string sql = std::string("SELECT ") + metadata::kRunColumns + " FROM dag_runs WHERE dag_id = ?";
  if (state) sql += " AND state = ?";
  sql += " ORDER BY logical_date DESC, id DESC LIMIT ? OFFSET ?";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  int i = 1;
  st.Bind(i++, dag_id);
  if (state) st.Bind(i++, StateName(*state));
  st.Bind(i, limit).Bind(i + 1, offset);
  return ReadDagRuns(st);
}

Result<int64_t> MetadataStore::CountDagRuns(const std::string& dag_id, std::optional<DagRunState> state) {
  std::string sql = "SELECT COUNT(*) FROM dag_runs WHERE dag_id = ?";
  if (state) sql += " AND state = ?";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  st.Bind(1, dag_id);
  if (state) st.Bind(2, StateName(*state));
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status MetadataStore::SetDagRunState(const std::string& dag_id, const std::string& run_id, DagRunState state,
                                     double now) {
  std::string sql = "UPDATE dag_runs SET state = ?";
  if (state == DagRunState::kRunning) sql += ", start_date = COALESCE(start_date, ?3), end_date = NULL";
  else if (IsFinished(state)) sql += ", end_date = ?3";
  else sql += ", end_date = NULL, queued_at = ?3";
  sql += " WHERE dag_id = ?4 AND run_id = ?5";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  return st.Bind(1, StateName(state)).Bind(3, FormatIso(now)).Bind(4, dag_id).Bind(5, run_id).Run();
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
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "INSERT OR IGNORE INTO task_instances (dag_id, run_id, task_id, state, max_tries, operator) "
      "VALUES (?, ?, ?, NULL, ?, ?)"));
  for (const auto& t : dag.tasks) {
    AF_RETURN_IF_ERROR(st.Bind(1, dag.dag_id).Bind(2, run_id).Bind(3, t.task_id).Bind(4, t.policy.retries)
                           .Bind(5, t.operator_name).Run());
    st.Reset();
  }
  return tx.Commit();
}

Result<std::vector<TaskInstance>> MetadataStore::QueryTaskInstances(const std::string& where,
                                                                    const std::vector<std::string>& args,
                                                                    bool with_result) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT " + TaskInstanceColumns(with_result) + " FROM task_instances " +
                                           where));
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  std::vector<TaskInstance> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AF_ASSIGN_OR_RETURN(auto ti, ReadTaskInstance(st, with_result));
    out.push_back(std::move(ti));
  }
  return out;
}

Result<std::vector<TaskInstance>> MetadataStore::ListTaskInstances(const std::string& dag_id,
                                                                   const std::string& run_id) {
  return QueryTaskInstances("WHERE dag_id = ? AND run_id = ? ORDER BY rowid", {dag_id, run_id}, true);
}

Result<std::vector<TaskInstance>> MetadataStore::ListTaskInstancesOfRuns(const std::string& dag_id,
                                                                         const std::vector<std::string>& run_ids) {
  if (run_ids.empty()) return std::vector<TaskInstance>();
  std::vector<std::string> args = {dag_id};
  args.insert(args.end(), run_ids.begin(), run_ids.end());
  // The primary key (dag_id, run_id, ...) serves this without a sort.
  return QueryTaskInstances("WHERE dag_id = ? AND run_id IN " + Placeholders(run_ids.size()), args, false);
}

Result<std::vector<TaskInstance>> MetadataStore::ListTaskInstancesInStates(const std::vector<TiState>& states) {
  std::vector<std::string> args;
  for (TiState s : states) args.push_back(StateName(s));
  return QueryTaskInstances("WHERE state IN " + Placeholders(states.size()) + " ORDER BY queued_dttm, rowid", args,
                            false);
}

Result<int> MetadataStore::CountTaskInstancesInStates(const std::vector<TiState>& states) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT COUNT(*) FROM task_instances WHERE state IN " +
                                           Placeholders(states.size())));
  for (size_t i = 0; i < states.size(); ++i) st.Bind(static_cast<int>(i + 1), StateName(states[i]));
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<std::optional<TaskInstance>> MetadataStore::GetTaskInstance(const TiKey& key) {
  AF_ASSIGN_OR_RETURN(auto tis, QueryTaskInstances("WHERE dag_id = ? AND run_id = ? AND task_id = ?",
                                                   {key.dag_id, key.run_id, key.task_id}, true));
  if (tis.empty()) return std::optional<TaskInstance>();
  return std::optional<TaskInstance>(std::move(tis[0]));
}

Result<bool> MetadataStore::TransitionTaskInstance(const TiKey& key, TiState from, TiState to, double now,
                                                   const std::string& note) {
  std::string sql = "UPDATE task_instances SET state = ?, note = CASE WHEN ? = '' THEN note ELSE ? END";
  if (IsFinished(to)) sql += ", end_date = COALESCE(end_date, ?4)";
  else sql += ", next_retry_at = CASE WHEN ?4 IS NULL THEN NULL ELSE NULL END";
  sql += " WHERE dag_id = ?5 AND run_id = ?6 AND task_id = ?7 AND ";
  sql += from == TiState::kNone ? "state IS NULL" : "state = ?8";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  st.Bind(1, StateToDb(to)).Bind(2, note).Bind(3, note).Bind(4, FormatIso(now)).Bind(5, key.dag_id)
      .Bind(6, key.run_id).Bind(7, key.task_id);
  if (from != TiState::kNone) st.Bind(8, StateName(from));
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

Result<std::optional<TiState>> MetadataStore::FinishTaskInstance(const TiKey& key, const std::string& token,
                                                                 bool success, const RetryPolicy& policy, double now,
                                                                 const std::string& note,
                                                                 const std::optional<std::string>& result) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto ti, GetTaskInstance(key));
  if (!ti || !IsExecuting(ti->state) || ti->external_executor_id != token) return std::optional<TiState>();
  TiState state = success ? TiState::kSuccess
                          : (ti->try_number <= ti->max_tries ? TiState::kUpForRetry : TiState::kFailed);
  std::optional<std::string> next_retry;
  if (state == TiState::kUpForRetry) next_retry = FormatIso(now + policy.DelayAfterTry(ti->try_number));
  double duration = DurationSince(ti->start_date, now);
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = ?1, end_date = ?2, duration = ?3, next_retry_at = ?4, note = ?5, "
      "result = ?6, start_date = COALESCE(start_date, ?2) "
      "WHERE dag_id = ?7 AND run_id = ?8 AND task_id = ?9"));
  AF_RETURN_IF_ERROR(st.Bind(1, StateName(state)).Bind(2, FormatIso(now)).Bind(3, duration).Bind(4, next_retry)
                         .Bind(5, note).Bind(6, result).Bind(7, key.dag_id).Bind(8, key.run_id)
                         .Bind(9, key.task_id).Run());
  AF_ASSIGN_OR_RETURN(auto tr, db_.Prepare(
      "UPDATE task_tries SET state = ?, end_date = ? WHERE dag_id = ? AND run_id = ? AND task_id = ? "
      "AND try_number = ?"));
  AF_RETURN_IF_ERROR(tr.Bind(1, StateName(success ? TiState::kSuccess : TiState::kFailed)).Bind(2, FormatIso(now))
                         .Bind(3, key.dag_id).Bind(4, key.run_id).Bind(5, key.task_id).Bind(6, ti->try_number).Run());
  AF_RETURN_IF_ERROR(tx.Commit());
  return std::optional<TiState>(state);
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
                                         const std::vector<std::string>& task_ids, bool reset_run) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = NULL, max_tries = try_number + ?, next_retry_at = NULL, "
      "end_date = NULL, duration = NULL, note = 'cleared' WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
  for (const auto& id : task_ids) {
    const TaskSpec* task = dag.FindTask(id);
    int retries = task ? task->policy.retries : 0;
    AF_RETURN_IF_ERROR(st.Bind(1, retries).Bind(2, dag.dag_id).Bind(3, run_id).Bind(4, id).Run());
    st.Reset();
  }
  if (reset_run) {
    AF_ASSIGN_OR_RETURN(auto run, db_.Prepare(
        "UPDATE dag_runs SET state = 'queued', end_date = NULL WHERE dag_id = ? AND run_id = ? "
        "AND state IN ('success', 'failed')"));
    AF_RETURN_IF_ERROR(run.Bind(1, dag.dag_id).Bind(2, run_id).Run());
  }
  return tx.Commit();
}

Status MetadataStore::SetTaskInstanceState(const TiKey& key, TiState state, double now) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "UPDATE task_instances SET state = ?, end_date = ?, next_retry_at = NULL, note = 'marked ' || ? "
      "WHERE dag_id = ? AND run_id = ? AND task_id = ?"));
  AF_RETURN_IF_ERROR(st.Bind(1, StateToDb(state)).Bind(2, FormatIso(now)).Bind(3, StateName(state))
                         .Bind(4, key.dag_id).Bind(5, key.run_id).Bind(6, key.task_id).Run());
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
    AF_ASSIGN_OR_RETURN(TiState state, metadata::TiStateFromDb(st, 4));
    out.push_back({{st.Text(0), st.Text(1), st.Text(2)}, static_cast<int>(st.Int(3)), state, st.Text(5),
                   st.OptText(6), st.Int(7), st.Text(8)});
  }
  return out;
}

Status MetadataStore::DeleteDagRun(const std::string& dag_id, const std::string& run_id) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  for (const char* sql : {"DELETE FROM task_tries WHERE dag_id = ? AND run_id = ?",
                          "DELETE FROM task_instances WHERE dag_id = ? AND run_id = ?",
                          "DELETE FROM dag_runs WHERE dag_id = ? AND run_id = ?"}) {
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
    AF_RETURN_IF_ERROR(st.Bind(1, dag_id).Bind(2, run_id).Run());
  }
  if (db_.Changes() == 0) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
  return tx.Commit();
}

}  // namespace arxivflow::orchestrator
