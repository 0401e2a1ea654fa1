#include "orchestrator/dag_bag.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

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

std::string RealPath(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (!resolved) return "";
  std::string out(resolved);
  std::free(resolved);
  return out;
}

bool IsInside(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root == "/" || path[root.size()] == '/'));
}

// One scan of the folder: DAG files in walk order, links that leave it.
struct FolderScan {
  std::string root;  // real path of the DAG folder
  std::set<std::pair<dev_t, ino_t>> dirs_seen;
  std::vector<std::string> files;
  std::map<std::string, std::string> outside_links;
  bool truncated = false;

  void Walk(const std::string& dir, int depth) {
    if (depth > DagBag::kMaxDepth) return;
    DIR* d = opendir(dir.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      names.push_back(std::move(name));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (files.size() >= DagBag::kMaxFiles) {
        truncated = true;
        return;
      }
      std::string path = dir + "/" + name;
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;
      if (S_ISLNK(st.st_mode)) {
        std::string target = RealPath(path);
        if (target.empty()) continue;  // dangling
        if (!IsInside(target, root)) {
          outside_links[path] = path + ": symbolic link to a path outside the DAG folder " + root +
                                "; not followed (put DAG files inside the folder)";
          continue;
        }
        if (stat(path.c_str(), &st) != 0) continue;
      }
      if (S_ISDIR(st.st_mode)) {
        if (!dirs_seen.insert({st.st_dev, st.st_ino}).second) continue;  // a loop, or seen through a link
        Walk(path, depth + 1);
      } else if (S_ISREG(st.st_mode) && IsDagFileName(name)) {
        files.push_back(path);
      }
    }
  }
};

}  // namespace

bool DagBag::Refresh(MetadataStore* store) {
  FolderScan scan;
  scan.root = RealPath(folder_);
  struct stat root_st;
  if (!scan.root.empty() && stat(scan.root.c_str(), &root_st) == 0) {
    scan.dirs_seen.insert({root_st.st_dev, root_st.st_ino});
    scan.Walk(folder_, 0);
  }
  if (scan.truncated) {
    spdlog::warn("DAG folder {} holds more than {} DAG files; the rest are not read", folder_, kMaxFiles);
  }
  std::vector<std::string>& paths = scan.files;
  std::sort(paths.begin(), paths.end());
  bool changed = scan.outside_links != link_errors_;
  link_errors_ = std::move(scan.outside_links);
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
  if (changed) Rebuild(store);
  return changed;
}

void DagBag::Rebuild(MetadataStore* store) {
  dags_.clear();
  import_errors_ = link_errors_;
  // Which files define each dag_id, in path order.
  std::map<std::string, std::vector<std::string>> definers;
  for (const auto& [path, entry] : files_) {
    if (!entry.error.empty()) {
      import_errors_[path] = entry.error;
      continue;
    }
    for (const auto& dag : entry.dags) definers[dag.dag_id].push_back(path);
  }
  // A file keeps a dag_id while it defines it, or while it fails to parse
  // (a file being edited must not hand its DAG to another one).
  auto may_own = [&](const std::vector<std::string>& files, const std::string& file) {
    if (std::find(files.begin(), files.end(), file) != files.end()) return true;
    auto it = files_.find(file);
    return it != files_.end() && !it->second.error.empty();
  };
  bool any_broken = std::any_of(files_.begin(), files_.end(), [](const auto& f) { return !f.second.error.empty(); });
  std::map<std::string, std::string> owners;
  for (const auto& [dag_id, files] : definers) {
    std::string owner;
    auto known = owners_.find(dag_id);
    if (known != owners_.end() && may_own(files, known->second)) owner = known->second;
    if (owner.empty() && store && (files.size() > 1 || any_broken)) {
      // A new bag (a restart, a CLI command): the DB knows who had it first.
      auto row = store->GetDag(dag_id);
      if (row.ok() && *row && may_own(files, (*row)->fileloc)) owner = (*row)->fileloc;
    }
    if (owner.empty()) owner = files.front();
    owners[dag_id] = owner;
  }
  owners_ = std::move(owners);
  for (const auto& [path, entry] : files_) {
    if (!entry.error.empty()) continue;
    for (const auto& dag : entry.dags) {
      const std::string& owner = owners_[dag.dag_id];
      if (owner != path) {
        std::string msg = path + ": dag_id '" + dag.dag_id + "' is already defined in " + owner;
        auto& err = import_errors_[path];
        err = err.empty() ? msg : err + "; " + msg;
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
