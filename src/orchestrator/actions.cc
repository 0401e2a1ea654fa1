#include "orchestrator/actions.h"

#include <sys/stat.h>

#include <fstream>

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

}  // namespace arxivflow::orchestrator
