#include "orchestrator/dag_bag.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "common/logging.h"
#include "orchestrator/dag_parser.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

namespace {

bool IsDagFileName(const std::string& name) {
  auto ends = [&](const char* suffix) {
    std::string s(suffix);
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return name[0] != '.' && (ends(".yaml") || ends(".yml"));
}

void ListFiles(const std::string& dir, std::vector<std::string>& out, int depth) {
  if (depth > 8) return;
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name[0] == '.') continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) ListFiles(path, out, depth + 1);
    else if (S_ISREG(st.st_mode) && IsDagFileName(name)) out.push_back(path);
  }
  closedir(d);
}

}  // namespace

bool DagBag::Refresh() {
  std::vector<std::string> paths;
  ListFiles(folder_, paths, 0);
  std::sort(paths.begin(), paths.end());
  bool changed = false;
  std::set<std::string> present(paths.begin(), paths.end());
  for (auto it = files_.begin(); it != files_.end();) {
    if (!present.count(it->first)) {
      it = files_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (const auto& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    auto it = files_.find(path);
    if (it != files_.end() && it->second.mtime_ns == mtime && it->second.size == st.st_size) continue;
    FileEntry entry;
    entry.mtime_ns = mtime;
    entry.size = st.st_size;
    auto parsed = ParseDagFile(path);
    if (parsed.ok()) {
      entry.dags = std::move(*parsed);
    } else {
      entry.error = parsed.status().message();
      spdlog::warn("DAG import error: {}", entry.error);
    }
    files_[path] = std::move(entry);
    changed = true;
  }
  if (changed) Rebuild();
  return changed;
}

void DagBag::Rebuild() {
  dags_.clear();
  import_errors_.clear();
  for (const auto& [path, entry] : files_) {
    if (!entry.error.empty()) {
      import_errors_[path] = entry.error;
      continue;
    }
    for (const auto& dag : entry.dags) {
      auto existing = dags_.find(dag.dag_id);
      if (existing != dags_.end()) {
        import_errors_[path] = path + ": dag_id '" + dag.dag_id + "' is already defined in " + existing->second.fileloc;
        continue;
      }
      dags_[dag.dag_id] = dag;
    }
  }
}

const DagSpec* DagBag::Find(const std::string& dag_id) const {
  auto it = dags_.find(dag_id);
  return it == dags_.end() ? nullptr : &it->second;
}

std::vector<const DagSpec*> DagBag::dags() const {
  std::vector<const DagSpec*> out;
  for (const auto& [id, dag] : dags_) out.push_back(&dag);
  return out;
}

Status DagBag::SyncToStore(MetadataStore& store, double now) const {
  return store.SyncDagFolder(dags(), import_errors_, now);
}

}  // namespace arxivflow::orchestrator
