// The DAG folder: every *.yaml / *.yml file under it, parsed and cached.
//
// Contract: Refresh() re-parses only files that are new or whose mtime or
// size changed, and forgets removed files. A file that fails to parse becomes
// an import error (file -> message) and never affects other files; a dag_id
// defined by two files is an import error of the later file (by path order).
// SyncToStore writes DAGs and import errors to the metadata DB (DAGs no
// longer present become inactive). Not thread-safe; one owner.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace arxivflow::orchestrator {

class MetadataStore;

class DagBag {
 public:
  explicit DagBag(std::string folder) : folder_(std::move(folder)) {}

  // Returns true when any DAG or import error changed.
  bool Refresh();
  const DagSpec* Find(const std::string& dag_id) const;
  std::vector<const DagSpec*> dags() const;
  const std::map<std::string, std::string>& import_errors() const { return import_errors_; }
  Status SyncToStore(MetadataStore& store, double now) const;
  const std::string& folder() const { return folder_; }

 private:
  struct FileEntry {
    int64_t mtime_ns = 0;
    int64_t size = 0;
    std::vector<DagSpec> dags;
    std::string error;
  };
  void Rebuild();

  std::string folder_;
  std::map<std::string, FileEntry> files_;
  std::map<std::string, DagSpec> dags_;                // dag_id -> spec
  std::map<std::string, std::string> import_errors_;  // file -> message
};

}  // namespace arxivflow::orchestrator
