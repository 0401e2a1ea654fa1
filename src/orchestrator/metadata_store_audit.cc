// MetadataStore: the audit log table and retention deletes.
#include <map>

#include "orchestrator/metadata_store.h"
#include "orchestrator/metadata_rows.h"

namespace arxivflow::orchestrator {

namespace {

using sqlite::Statement;
using sqlite::Transaction;

const char* const kAuditColumns =
    "id, dttm, event, owner, origin, dag_id, task_id, run_id, map_index, try_number, logical_date, extra, count";

AuditRecord ReadAudit(const Statement& s) {
  AuditRecord r;
  r.id = s.Int(0);
  r.when = s.Text(1);
  r.event = s.Text(2);
  r.owner = s.Text(3);
  r.origin = s.Text(4);
  r.dag_id = s.Text(5);
  r.task_id = s.Text(6);
  r.run_id = s.Text(7);
  if (!s.IsNull(8)) r.map_index = static_cast<int>(s.Int(8));
  if (!s.IsNull(9)) r.try_number = static_cast<int>(s.Int(9));
  r.logical_date = s.Text(10);
  r.extra = s.Text(11);
  r.count = s.Int(12);
  return r;
}

// The WHERE clause of `q` and its arguments (all text).
std::string AuditWhere(const AuditQuery& q, std::vector<std::string>& args) {
  std::string where = " WHERE 1=1";
  auto eq = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    where += std::string(" AND ") + column + " = ?";
    args.push_back(value);
  };
  eq("dag_id", q.dag_id);
  eq("task_id", q.task_id);
  eq("run_id", q.run_id);
  eq("event", q.event);
  eq("owner", q.owner);
  if (!q.before.empty()) {
    where += " AND dttm < ?";
    args.push_back(q.before);
  }
  if (!q.after.empty()) {
    where += " AND dttm > ?";
    args.push_back(q.after);
  }
  if (!q.included_events.empty()) {
    where += " AND event IN " + metadata::Placeholders(q.included_events.size());
    args.insert(args.end(), q.included_events.begin(), q.included_events.end());
  }
  if (!q.excluded_events.empty()) {
    where += " AND event NOT IN " + metadata::Placeholders(q.excluded_events.size());
    args.insert(args.end(), q.excluded_events.begin(), q.excluded_events.end());
  }
  return where;
}

void BindAll(Statement& st, const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
}

// The runs a retention clean takes: finished, nothing of theirs in flight.
const char* const kExpiredRuns =
    "SELECT dag_id, run_id FROM dag_runs r WHERE state IN ('success', 'failed') "
    "AND COALESCE(end_date, queued_at) < ? AND NOT EXISTS (SELECT 1 FROM task_instances t "
    "WHERE t.dag_id = r.dag_id AND t.run_id = r.run_id AND t.state IN ('queued', 'running', 'restarting'))";

}  // namespace

Result<int64_t> MetadataStore::AppendAudit(const AuditRecord& r, const std::string& fold_since,
                                           int64_t keep_of_event) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  if (!fold_since.empty()) {
    AF_ASSIGN_OR_RETURN(auto fold, db_.Prepare(
        "UPDATE audit_log SET count = count + 1, dttm = ? WHERE id = (SELECT id FROM audit_log "
        "WHERE event = ? AND owner = ? AND origin = ? AND dttm >= ? ORDER BY id DESC LIMIT 1)"));
    AF_RETURN_IF_ERROR(fold.Bind(1, r.when).Bind(2, r.event).Bind(3, r.owner).Bind(4, r.origin).Bind(5, fold_since)
                           .Run());
    if (db_.Changes() > 0) {
      AF_RETURN_IF_ERROR(tx.Commit());
      return int64_t{0};
    }
  }
  AF_ASSIGN_OR_RETURN(auto ins, db_.Prepare(
      "INSERT INTO audit_log (dttm, event, owner, origin, dag_id, task_id, run_id, map_index, try_number, "
      "logical_date, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, r.when).Bind(2, r.event).Bind(3, r.owner).Bind(4, r.origin).Bind(5, r.dag_id).Bind(6, r.task_id)
      .Bind(7, r.run_id);
  if (r.map_index) ins.Bind(8, *r.map_index); else ins.BindNull(8);
  if (r.try_number) ins.Bind(9, *r.try_number); else ins.BindNull(9);
  AF_RETURN_IF_ERROR(ins.Bind(10, r.logical_date).Bind(11, r.extra).Run());
  int64_t id = static_cast<int64_t>(sqlite3_last_insert_rowid(db_.raw()));
  if (keep_of_event > 0) {
    AF_ASSIGN_OR_RETURN(auto cap, db_.Prepare(
        "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE event = ? "
        "ORDER BY id DESC LIMIT -1 OFFSET ?)"));
    AF_RETURN_IF_ERROR(cap.Bind(1, r.event).Bind(2, keep_of_event).Run());
  }
  AF_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Result<std::vector<AuditRecord>> MetadataStore::ListAudit(const AuditQuery& q) {
  static const std::map<std::string, std::string> kOrder = {
      {"event_log_id", "id"}, {"when", "dttm"},       {"event", "event"}, {"owner", "owner"},
      {"dag_id", "dag_id"},   {"task_id", "task_id"}, {"run_id", "run_id"}};
  auto order = kOrder.find(q.order_by);
  if (order == kOrder.end()) return Status::InvalidArgument("cannot order the event log by '" + q.order_by + "'");
  std::vector<std::string> args;
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log" + AuditWhere(q, args) +
                    " ORDER BY " + order->second + (q.order_desc ? " DESC" : "") + ", id" +
                    (q.order_desc ? " DESC" : "") + " LIMIT ? OFFSET ?";
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
  BindAll(st, args);
  st.Bind(static_cast<int>(args.size() + 1), q.limit).Bind(static_cast<int>(args.size() + 2), q.offset);
  std::vector<AuditRecord> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadAudit(st));
  }
  return out;
}

Result<int64_t> MetadataStore::CountAudit(const AuditQuery& q) {
  std::vector<std::string> args;
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT COUNT(*) FROM audit_log" + AuditWhere(q, args)));
  BindAll(st, args);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<std::optional<AuditRecord>> MetadataStore::GetAudit(int64_t id) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE id = ?"));
  st.Bind(1, id);
  AF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AuditRecord>();
  return std::optional<AuditRecord>(ReadAudit(st));
}

Result<RetentionRows> MetadataStore::DeleteOlderThan(const std::string& cut, bool dry_run) {
  Transaction tx(db_);
  AF_RETURN_IF_ERROR(tx.Begin());
  RetentionRows out;
  {
    AF_ASSIGN_OR_RETURN(auto runs, db_.Prepare(kExpiredRuns));
    runs.Bind(1, cut);
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, runs.Step());
      if (!row) break;
      out.runs.emplace_back(runs.Text(0), runs.Text(1));
    }
  }
  out.dag_runs = static_cast<int64_t>(out.runs.size());
  AF_ASSIGN_OR_RETURN(auto count_tis, db_.Prepare("SELECT COUNT(*) FROM task_instances WHERE dag_id = ? AND run_id = ?"));
  AF_ASSIGN_OR_RETURN(auto count_tries, db_.Prepare("SELECT COUNT(*) FROM task_tries WHERE dag_id = ? AND run_id = ?"));
  AF_ASSIGN_OR_RETURN(auto del_tis, db_.Prepare("DELETE FROM task_instances WHERE dag_id = ? AND run_id = ?"));
  AF_ASSIGN_OR_RETURN(auto del_tries, db_.Prepare("DELETE FROM task_tries WHERE dag_id = ? AND run_id = ?"));
  AF_ASSIGN_OR_RETURN(auto del_run, db_.Prepare("DELETE FROM dag_runs WHERE dag_id = ? AND run_id = ?"));
  for (const auto& [dag_id, run_id] : out.runs) {
    count_tis.Bind(1, dag_id).Bind(2, run_id);
    AF_ASSIGN_OR_RETURN(bool a, count_tis.Step());
    if (a) out.task_instances += count_tis.Int(0);
    count_tis.Reset();
    count_tries.Bind(1, dag_id).Bind(2, run_id);
    AF_ASSIGN_OR_RETURN(bool b, count_tries.Step());
    if (b) out.task_tries += count_tries.Int(0);
    count_tries.Reset();
    if (dry_run) continue;
    AF_RETURN_IF_ERROR(del_tis.Bind(1, dag_id).Bind(2, run_id).Run());
    del_tis.Reset();
    AF_RETURN_IF_ERROR(del_tries.Bind(1, dag_id).Bind(2, run_id).Run());
    del_tries.Reset();
    AF_RETURN_IF_ERROR(del_run.Bind(1, dag_id).Bind(2, run_id).Run());
    del_run.Reset();
  }
  AF_ASSIGN_OR_RETURN(auto count_audit, db_.Prepare("SELECT COUNT(*) FROM audit_log WHERE dttm < ?"));
  count_audit.Bind(1, cut);
  AF_ASSIGN_OR_RETURN(bool c, count_audit.Step());
  if (c) out.audit_rows = count_audit.Int(0);
  if (!dry_run) {
    AF_ASSIGN_OR_RETURN(auto del_audit, db_.Prepare("DELETE FROM audit_log WHERE dttm < ?"));
    AF_RETURN_IF_ERROR(del_audit.Bind(1, cut).Run());
  }
  AF_RETURN_IF_ERROR(tx.Commit());
  return out;
}

}  // namespace arxivflow::orchestrator
