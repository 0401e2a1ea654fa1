#include "orchestrator/actions.h"

#include <sys/stat.h>

#include <fstream>

#include "common/json_limits.h"
#include "orchestrator/run_id.h"
#include "orchestrator/secrets.h"
#include "orchestrator/shipped_dags.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

Status InitHome(const HomePaths& home, std::vector<std::string>* report) {
  for (const auto& dir : {home.root, home.dags(), home.logs()}) {
    if (!MakeDirs(dir)) return Status::IOError(dir + ": cannot create folder");
  }
  struct stat st;
  if (stat(home.secret_key().c_str(), &st) != 0) {
    AF_RETURN_IF_ERROR(SecretBox::CreateKeyFile(home.secret_key()));
    report->push_back("created the secret key " + home.secret_key() + " (mode 0600; back it up: without it "
                      "stored passwords and variables cannot be read)");
  }
  AF_ASSIGN_OR_RETURN(auto store, MetadataStore::Open(home, true));
  report->push_back("metadata DB " + home.db() + " at schema version " + std::to_string(store->SchemaVersion()));
  for (auto& warning : CheckHomePermissions(home)) report->push_back(std::move(warning));
  for (const auto& dag : ShippedDags()) {
    std::string path = home.dags() + "/" + dag.file_name;
    if (stat(path.c_str(), &st) == 0) continue;
    if (!MakeDirs(path.substr(0, path.rfind('/')))) return Status::IOError(path + ": cannot create its folder");
    std::ofstream out(path, std::ios::binary);
    out << dag.content;
    if (!out) return Status::IOError(path + ": cannot write DAG file");
    report->push_back("installed " + path);
  }
  DagBag bag(home.dags());
  return RefreshDags(*store, bag);
}

Status RefreshDags(MetadataStore& store, DagBag& bag) {
  bag.Refresh(&store);
  return bag.SyncToStore(store, NowEpoch());
}

Result<DagRun> TriggerDagRun(MetadataStore& store, DagBag& bag, const TriggerRequest& req) {
  const DagSpec* dag = bag.Find(req.dag_id);
  if (!dag) {
    for (const auto& [file, err] : bag.import_errors()) {
      (void)file;
      if (err.find("'" + req.dag_id + "'") != std::string::npos) {
        return Status::InvalidArgument("DAG '" + req.dag_id + "' does not import: " + err);
      }
    }
    return Status::NotFound("DAG '" + req.dag_id + "' not found in " + bag.folder());
  }
  std::string conf = req.conf_json.empty() ? "{}" : req.conf_json;
  auto bounded = ParseJsonBounded(conf, "conf");
  if (!bounded.ok()) return bounded.status();
  nlohmann::json parsed = std::move(*bounded);
  if (!parsed.is_object()) {
    return Status::InvalidArgument("--conf must be a JSON object, like '{\"key\": \"value\"}'");
  }
  double now = NowEpoch();
  double logical = now;
  if (!req.logical_date.empty()) {
    auto t = ParseIso(req.logical_date);
    if (!t) return Status::InvalidArgument("logical date '" + req.logical_date + "' is not an ISO date");
    logical = *t;
  }
  std::string run_id = req.run_id;
  if (!run_id.empty()) AF_RETURN_IF_ERROR(ValidateRunId(run_id));
  if (run_id.empty()) {
    run_id = req.run_type + "__" + FormatIso(logical, false);
    AF_ASSIGN_OR_RETURN(auto clash, store.GetDagRun(req.dag_id, run_id));
    if (clash) run_id = req.run_type + "__" + FormatIso(logical, true);
  }
  return store.CreateDagRun(req.dag_id, run_id, req.run_type, logical, parsed.dump(), now);
}

}  // namespace arxivflow::orchestrator
