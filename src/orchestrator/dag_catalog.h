// DagCatalog: the parsed DAG folder behind a lock, for the front-ends (web
// server, CLI) and run control. The scheduler keeps its own DagBag.
//
// Contract: Refresh() re-scans the folder at most once per
// `min_refresh_interval` seconds (always with force) and writes what changed
// to the metadata DB, as the scheduler does, so front-ends are right without a
// running scheduler. Get() returns a copy of a DAG's spec: kNotFound when no
// file defines it, kInvalidArgument when the file that should define it fails
// to import; the messages name no path. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/dag_bag.h"

namespace arxivflow::orchestrator {

class MetadataStore;

class DagCatalog {
 public:
  explicit DagCatalog(std::string folder, double min_refresh_interval = 0);

  // Errors writing to the store are returned; the scan itself never fails.
  Status Refresh(MetadataStore& store, bool force = false);
  Result<DagSpec> Get(const std::string& dag_id) const;
  std::optional<DagSpec> Find(const std::string& dag_id) const;
  // Calls `read` with the bag, under the lock, for callers that read many DAGs.
  void Read(const std::function<void(const DagBag& bag)>& read) const;
  std::map<std::string, std::string> import_errors() const;
  const std::string& folder() const { return folder_; }

 private:
  const std::string folder_;
  const double min_refresh_interval_;
  mutable std::mutex mu_;
  DagBag bag_;
  double last_refresh_ = -1e18;
  bool synced_ = false;
};

}  // namespace arxivflow::orchestrator
