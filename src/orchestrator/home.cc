#include "orchestrator/home.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

namespace arxivflow::orchestrator {

namespace {
std::string& Override() {
  static std::string value;
  return value;
}
}  // namespace

void SetHomeOverride(const std::string& home) { Override() = home; }

std::string CurrentHome() {
  std::string home = Override();
  if (home.empty()) {
    const char* env = std::getenv("ARXIVFLOW_HOME");
    if (env && *env) home = env;
  }
  if (home.empty()) {
    const char* user_home = std::getenv("HOME");
    home = std::string(user_home && *user_home ? user_home : ".") + "/arxivflow";
  }
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  if (!home.empty() && home[0] != '/') {
    if (char* abs = realpath(".", nullptr)) {
      home = std::string(abs) + "/" + home;
      std::free(abs);
    }
  }
  return home;
}

std::string HomePaths::TaskLog(const std::string& dag_id, const std::string& run_id,
                               const std::string& task_id, int attempt) const {
  // run ids contain ':' and '+', which are fine in POSIX file names.
  std::string safe_run = run_id;
  for (char& c : safe_run) if (c == '/') c = '_';
  return logs() + "/dag_id=" + dag_id + "/run_id=" + safe_run + "/task_id=" + task_id +
         "/attempt=" + std::to_string(attempt) + ".log";
}

bool MakeDirs(const std::string& path) {
  // Usually only the last component is new (one folder per task try).
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return true;
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

}  // namespace arxivflow::orchestrator
