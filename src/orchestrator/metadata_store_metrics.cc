// The metadata store's aggregates for /metrics (store_metrics.h).
#include "orchestrator/metadata_store.h"
#include "orchestrator/metadata_rows.h"

namespace arxivflow::orchestrator {

namespace {

Result<std::vector<MetadataStore::StateCount>> ReadCounts(sqlite::Statement& st) {
  std::vector<MetadataStore::StateCount> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.IsNull(1) ? "none" : st.Text(1), st.Int(2)});
  }
  return out;
}

}  // namespace

Result<std::vector<MetadataStore::StateCount>> MetadataStore::CountTaskInstancesByDagAndState() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT dag_id, state, COUNT(*) FROM task_instances GROUP BY dag_id, state ORDER BY dag_id, state"));
  return ReadCounts(st);
}

Result<std::vector<MetadataStore::StateCount>> MetadataStore::CountDagRunsByDagAndState() {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT dag_id, state, COUNT(*) FROM dag_runs GROUP BY dag_id, state ORDER BY dag_id, state"));
  return ReadCounts(st);
}

Status MetadataStore::ForEachTaskResult(
    const std::function<void(const std::string&, const std::string&, const std::string&)>& fn) {
  AF_ASSIGN_OR_RETURN(auto st, db_.Prepare(
      "SELECT dag_id, task_id, result FROM task_instances WHERE state = 'success' AND result IS NOT NULL"));
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    fn(st.Text(0), st.Text(1), st.Text(2));
  }
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
