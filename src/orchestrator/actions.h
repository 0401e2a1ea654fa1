// Operations shared by the CLI and the web server: initialising a home,
// refreshing the DAG folder into the metadata DB, triggering a DAG run.
//
// Contract: each call opens what it needs from `home`, reports failures as
// Status with a message fit for an operator, and is safe to run while a
// scheduler works on the same home (all writes go through the metadata DB's
// conditional updates). Not thread-safe per call; no shared state.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

// Creates the home, the metadata DB (running migrations), secret.key (0600)
// when absent, dags/ and logs/, and copies each shipped DAG whose file name
// is absent from dags/. Appends human-readable lines to `report`.
Status InitHome(const HomePaths& home, std::vector<std::string>* report);

// Parses the DAG folder and writes DAGs and import errors to the DB.
Status RefreshDags(MetadataStore& store, DagBag& bag);

struct TriggerRequest {
  std::string dag_id;
  std::string run_id;        // empty: manual__<logical date>
  std::string conf_json;     // empty: {}
  std::string logical_date;  // empty: now
  std::string run_type = "manual";
};

// Creates a queued DAG run (the scheduler starts it). The DAG must exist in
// the folder and parse.
Result<DagRun> TriggerDagRun(MetadataStore& store, DagBag& bag, const TriggerRequest& request);

}  // namespace arxivflow::orchestrator
