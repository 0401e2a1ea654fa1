// The DAG folder: every *.yaml / *.yml file under it, parsed and cached.
//
// Contract: Refresh() re-parses only files that are new or whose mtime or
// size changed, and forgets removed files. A file that fails to parse becomes
// an import error (file -> message) and never affects other files.
//
// Scanning is bounded and stays inside the folder: symbolic links are
// followed only when their target is inside the DAG folder; a link that
// leaves it is an import error that names the link, never reads the target
// (so no line of a file outside the folder can reach a viewer); a directory
// reached twice (a link loop such as `ln -s . a`) is scanned once; at most
// kMaxDepth levels and kMaxFiles files are scanned.
//
// A dag_id defined by two files belongs to the file that defined it first:
// the one this bag already had, else the one the metadata DB records for
// that DAG (when Refresh is given the store), else the first by path order.
// The other file becomes an import error naming both files, and keeps its
// error until the owner stops defining that dag_id. SyncToStore writes DAGs
// and import errors to the metadata DB (DAGs no longer present become
// inactive). Not thread-safe; one owner.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace arxivflow::orchestrator {

class MetadataStore;

class DagBag {
 public:
  static constexpr int kMaxDepth = 8;
  static constexpr size_t kMaxFiles = 10000;

  explicit DagBag(std::string folder) : folder_(std::move(folder)) {}

  // Returns true when any DAG or import error changed. `store` (optional)
  // says which file owned a contested dag_id before this bag saw it.
  bool Refresh(MetadataStore* store = nullptr);
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
  void Rebuild(MetadataStore* store);

  std::string folder_;
  std::map<std::string, FileEntry> files_;
  std::map<std::string, std::string> link_errors_;    // links leaving the folder -> message
  std::map<std::string, std::string> owners_;         // dag_id -> file that owns it
  std::map<std::string, DagSpec> dags_;                // dag_id -> spec
  std::map<std::string, std::string> import_errors_;  // file -> message
};

}  // namespace arxivflow::orchestrator
