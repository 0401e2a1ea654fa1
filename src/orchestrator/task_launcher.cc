#include "orchestrator/task_launcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>

#include "common/logging.h"
#include "orchestrator/dag_parser.h"
#include "orchestrator/home.h"
#include "orchestrator/launch_protocol.h"
#include "orchestrator/task_runner.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

// Signals whose disposition a task process must start with at default, as a
// freshly exec'd `tasks run` would (the launcher ignores or blocks them).
constexpr int kResetSignals[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE};

constexpr int kDefaultMaxFast = 64 * sizeof(size_t) / 4;  // glibc's DEFAULT_MXFAST

// Parsed DAG files, re-parsed when their mtime or size change. A forked child
// inherits the parsed DagSpec and so skips the YAML parse.
class DagFileCache {
 public:
  // The DAG `dag_id` of `path`, or nullptr (unreadable, broken, not there):
  // then the child loads it itself and reports the error in the try's log.
  const DagSpec* Find(const std::string& path, const std::string& dag_id) {
    if (path.empty()) return nullptr;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return nullptr;
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    Entry& e = files_[path];
    if (!e.parsed || e.mtime_ns != mtime || e.size != st.st_size) {
      e.mtime_ns = mtime;
      e.size = st.st_size;
      e.parsed = true;
      auto dags = ParseDagFile(path);
      e.dags = dags.ok() ? std::move(*dags) : std::vector<DagSpec>();
    }
    for (const auto& d : e.dags) {
      if (d.dag_id == dag_id) return &d;
    }
    return nullptr;
  }

 private:
  struct Entry {
    bool parsed = false;
    int64_t mtime_ns = 0;
    int64_t size = 0;
    std::vector<DagSpec> dags;
  };
  std::map<std::string, Entry> files_;
};

struct LaunchRequest {
  int64_t id = 0;
  std::string home, dag_id, task_id, run_id, token, dag_file, log;
};

void CloseInheritedFds(int keep) {
  // Only 0-2 and the socket are meant to be open; anything else leaked in
  // from the scheduler's process must not reach task processes.
  std::vector<int> fds;
  if (auto* dir = opendir("/proc/self/fd")) {
    while (auto* e = readdir(dir)) {
      int fd = std::atoi(e->d_name);
      if (fd > 2 && fd != keep && fd != dirfd(dir)) fds.push_back(fd);
    }
    closedir(dir);
  }
  for (int fd : fds) close(fd);
}

int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 1;
}

void FreshLogging() {
  // The inherited logger's sink was set up for the launcher's stderr; the
  // task's stderr is now its log file. A new sink also carries no state.
  auto level = spdlog::default_logger()->level();
  auto logger = std::make_shared<spdlog::logger>("arxivflow", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(level);
  spdlog::set_default_logger(logger);
}

[[noreturn]] void ChildMain(const LaunchRequest& r, const DagSpec* dag, std::initializer_list<int> close_fds) {
  for (int fd : close_fds) close(fd);
  mallopt(M_MXFAST, kDefaultMaxFast);  // the task's own allocations may use them again
  setpgid(0, 0);  // its own process group: a timeout or kill reaches its whole tree
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig : kResetSignals) sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0 && devnull != 0) {
    dup2(devnull, 0);
    close(devnull);
  }
  int log = open(r.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, kPrivateFileMode);
  if (log < 0) {
    std::fprintf(stderr, "task launcher: cannot open %s: %s\n", r.log.c_str(), std::strerror(errno));
    _exit(127);
  }
  dup2(log, 1);
  dup2(log, 2);
  close(log);
  FreshLogging();
  SetHomeOverride(r.home);
  setenv("ARXIVFLOW_HOME", r.home.c_str(), 1);  // for the operators' child processes
  TaskRunRequest req;
  req.dag_id = r.dag_id;
  req.task_id = r.task_id;
  req.run_id = r.run_id;
  req.job_token = r.token;
  req.dag_file = r.dag_file;
  req.dag = dag;
  int code = 1;
  try {
    code = RunTaskInstance(req);
  } catch (const std::exception& e) {
    std::fprintf(stdout, "task process failed: %s\n", e.what());
  }
  std::fflush(stdout);
  std::fflush(stderr);
  spdlog::default_logger()->flush();
  _exit(code);
}

// Handles one request; false when the scheduler is gone.
bool HandleRequest(const json& msg, int fd, int sig_fd, DagFileCache& cache) {
  LaunchRequest r;
  r.id = msg.value("id", int64_t{0});
  auto text = [&](const char* key) {
    auto it = msg.find(key);
    return it != msg.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text("op") != "run") {
    return WriteFrame(fd, {{"ev", "error"}, {"id", r.id}, {"message", "unknown op '" + text("op") + "'"}}).ok();
  }
  r.home = text("home");
  r.dag_id = text("dag_id");
  r.task_id = text("task_id");
  r.run_id = text("run_id");
  r.token = text("token");
  r.dag_file = text("dag_file");
  r.log = text("log");
  if (r.home.empty() || r.dag_id.empty() || r.task_id.empty() || r.run_id.empty() || r.log.empty()) {
    return WriteFrame(fd, {{"ev", "error"}, {"id", r.id}, {"message", "incomplete run request"}}).ok();
  }
  const DagSpec* dag = cache.Find(r.dag_file, r.dag_id);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    return WriteFrame(fd, {{"ev", "error"}, {"id", r.id}, {"message", std::string("fork: ") + std::strerror(errno)}})
        .ok();
  }
  if (pid == 0) ChildMain(r, dag, {fd, sig_fd});
  setpgid(pid, pid);  // as the child does: whoever runs first, the group exists before the reply
  return WriteFrame(fd, {{"ev", "started"}, {"id", r.id}, {"pid", pid}}).ok();
}

// Reports every exited child; false when the scheduler is gone.
bool ReapAll(int fd) {
  bool ok = true;
  while (true) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    if (ok) ok = WriteFrame(fd, {{"ev", "exit"}, {"pid", pid}, {"status", status}}).ok();
  }
  return ok;
}

}  // namespace

int RunTaskLauncher(int fd) {
  CloseInheritedFds(fd);
  // The scheduler starts us with LD_BIND_NOW so that every symbol is bound
  // once here, not again in each child; the tasks' own children need not.
  unsetenv("LD_BIND_NOW");
  // No fastbins in this process: a child would otherwise consolidate the
  // launcher's freed chunks on its first large malloc, copying heap pages.
  mallopt(M_MXFAST, 0);
  if (int n = ThreadCount(); n != 1) {
    spdlog::warn("task launcher: {} threads; forking is only safe in a single-threaded process", n);
  }
  signal(SIGINT, SIG_IGN);  // a terminal's Ctrl-C is the scheduler's to handle; EOF ends us
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) {
    spdlog::error("task launcher: signalfd: {}", std::strerror(errno));
    return 1;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  FrameReader reader(fd);
  DagFileCache cache;
  bool running = true;
  while (running) {
    struct pollfd fds[2] = {{fd, POLLIN, 0}, {sig_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("task launcher: poll: {}", std::strerror(errno));
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      while (read(sig_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGTERM) running = false;
      }
      if (!ReapAll(fd)) running = false;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      Status s = reader.Fill();
      if (!s.ok()) {
        spdlog::error("task launcher: {}", s.message());
        break;
      }
      while (running) {
        auto msg = reader.Next();
        if (!msg.ok()) {
          spdlog::error("task launcher: {}", msg.status().message());
          running = false;
          break;
        }
        if (!*msg) break;
        if (!HandleRequest(**msg, fd, sig_fd, cache)) running = false;
      }
      if (reader.eof()) running = false;
    }
  }
  close(sig_fd);
  close(fd);
  return 0;  // task processes still running go on (their own groups) and are adopted
}

}  // namespace arxivflow::orchestrator
