#include "orchestrator/dag_catalog.h"

#include "orchestrator/metadata_store.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

DagCatalog::DagCatalog(std::string folder, double min_refresh_interval)
    : folder_(folder), min_refresh_interval_(min_refresh_interval), bag_(std::move(folder)) {}

Status DagCatalog::Refresh(MetadataStore& store, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  double now = NowEpoch();
  if (!force && now - last_refresh_ < min_refresh_interval_) return Status::OK();
  last_refresh_ = now;
  bool changed = bag_.Refresh(&store);
  if (!changed && !force && synced_) return Status::OK();
  AF_RETURN_IF_ERROR(bag_.SyncToStore(store, now));
  synced_ = true;
  return Status::OK();
}

Result<DagSpec> DagCatalog::Get(const std::string& dag_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (const DagSpec* dag = bag_.Find(dag_id)) return *dag;
  for (const auto& [file, err] : bag_.import_errors()) {
    (void)file;
    if (err.find("'" + dag_id + "'") != std::string::npos) {
      return Status::InvalidArgument("DAG '" + dag_id + "' does not import: " + err);
    }
  }
  return Status::NotFound("DAG '" + dag_id + "' not found in the DAG folder");
}

std::optional<DagSpec> DagCatalog::Find(const std::string& dag_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const DagSpec* dag = bag_.Find(dag_id);
  if (!dag) return std::nullopt;
  return *dag;
}

void DagCatalog::Read(const std::function<void(const DagBag& bag)>& read) const {
  std::lock_guard<std::mutex> lock(mu_);
  read(bag_);
}

std::map<std::string, std::string> DagCatalog::import_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bag_.import_errors();
}

}  // namespace arxivflow::orchestrator
