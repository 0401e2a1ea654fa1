// Operations on a home shared by the CLI and the web server: initialising it,
// and refreshing the DAG folder into the metadata DB. (The verbs on runs and
// task instances are run_control.h.)
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

}  // namespace arxivflow::orchestrator
