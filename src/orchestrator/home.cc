#include "orchestrator/home.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "orchestrator/run_id.h"

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
  // Injective: distinct ids never share a file (run_id.h).
  return logs() + "/dag_id=" + PathComponent(dag_id) + "/run_id=" + PathComponent(run_id) +
         "/task_id=" + PathComponent(task_id) + "/attempt=" + std::to_string(attempt) + ".log";
}

bool MakeDirs(const std::string& path) {
  // Usually only the last component is new (one folder per task try).
  if (mkdir(path.c_str(), kPrivateDirMode) == 0 || errno == EEXIST) return true;
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (mkdir(cur.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::vector<std::string> CheckHomePermissions(const HomePaths& home) {
  std::vector<std::string> warnings;
  auto mode_text = [](mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return std::string(buf);
  };
  struct stat st;
  if (stat(home.root.c_str(), &st) == 0 && (st.st_mode & 077)) {
    warnings.push_back("warning: the home " + home.root + " is open to other users (mode " + mode_text(st.st_mode) +
                       "); run `chmod 700 " + home.root + "`");
  }
  if (stat(home.secret_key().c_str(), &st) == 0 && (st.st_mode & 077)) {
    warnings.push_back("warning: " + home.secret_key() + " is readable by other users (mode " +
                       mode_text(st.st_mode) + "); anyone who reads it can decrypt every stored secret: run `chmod 600 " +
                       home.secret_key() + "`");
  }
  for (const std::string& path : {home.db(), home.db() + "-wal", home.db() + "-shm"}) {
    if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) && st.st_uid == geteuid()) {
      chmod(path.c_str(), kPrivateFileMode);
    }
  }
  return warnings;
}

}  // namespace arxivflow::orchestrator
