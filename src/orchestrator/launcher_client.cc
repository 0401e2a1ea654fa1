#include "orchestrator/launcher_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/logging.h"
#include "orchestrator/spawn_attributes.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

LauncherClient::~LauncherClient() {
  if (pid_ <= 0) return;
  Stop(false);
  // It exits as soon as it sees the socket close; reap it if it did.
  for (int i = 0; i < 100 && pid_ > 0; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status LauncherClient::Start() {
  Stop(true);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Status::IOError(std::string("task launcher: socketpair: ") + std::strerror(errno));
  }
  int child_end = sv[1];
  if (child_end == 3) {  // dup2(3, 3) would leave close-on-exec set
    child_end = fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
    close(sv[1]);
  }
  std::vector<std::string> args = {self_exe_, "tasks", "launcher", "--fd", "3"};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Bind all symbols at its start, once, instead of lazily in every forked
  // task process (the launcher drops the variable again).
  std::string bind_now = "LD_BIND_NOW=1";
  for (auto& e : env_) envp.push_back(e.data());
  envp.push_back(bind_now.data());
  envp.push_back(nullptr);
  SpawnAttributes attr(/*new_process_group=*/false);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, child_end, 3);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self_exe_.c_str(), &fa, attr.get(), argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(child_end);
  if (rc != 0) {
    close(sv[0]);
    return Status::IOError("task launcher: posix_spawn " + self_exe_ + ": " + std::strerror(rc));
  }
  fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  fd_ = sv[0];
  pid_ = pid;
  broken_ = false;
  started_at_ = NowEpoch();
  replies_ = 0;
  reader_ = FrameReader(fd_);
  spdlog::debug("task launcher started as pid {}", pid_);
  return Status::OK();
}

void LauncherClient::Stop(bool kill_it) {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (kill_it && pid_ > 0) kill(pid_, SIGKILL);
  broken_ = false;
}

void LauncherClient::OnReaped(int status) {
  spdlog::debug("task launcher pid {} ended (status {})", pid_, status);
  pid_ = 0;
  if (fd_ >= 0) broken_ = true;
}

void LauncherClient::Dispatch(const nlohmann::json& message) {
  if (message.value("ev", "") == "exit") {
    exits_.emplace_back(static_cast<pid_t>(message.value("pid", 0)), message.value("status", 0));
  }
}

Result<pid_t> LauncherClient::Launch(nlohmann::json request, double timeout_seconds, bool* maybe_started) {
  *maybe_started = false;
  if (!running()) return Status::Unavailable("task launcher is not running");
  int64_t id = ++next_id_;
  request["op"] = "run";
  request["id"] = id;
  Status sent = WriteFrame(fd_, request);
  if (!sent.ok()) {
    broken_ = true;
    *maybe_started = true;  // part of the frame may have reached it
    return sent;
  }
  double deadline = NowEpoch() + timeout_seconds;
  while (true) {
    auto next = reader_.Next();
    if (!next.ok()) {
      broken_ = true;
      *maybe_started = true;
      return next.status();
    }
    if (*next) {
      const auto& m = **next;
      std::string ev = m.value("ev", "");
      if ((ev == "started" || ev == "error") && m.value("id", int64_t{0}) == id) {
        ++replies_;
        if (ev == "error") return Status::IOError("task launcher: " + m.value("message", std::string("error")));
        return static_cast<pid_t>(m.value("pid", 0));
      }
      Dispatch(m);
      continue;
    }
    if (reader_.eof()) {
      broken_ = true;
      *maybe_started = true;
      return Status::Unavailable("task launcher ended while starting a task");
    }
    double left = deadline - NowEpoch();
    if (left <= 0) {
      broken_ = true;
      *maybe_started = true;
      return Status::Unavailable("task launcher did not answer within " +
                                 std::to_string(static_cast<int>(timeout_seconds)) + " s");
    }
    struct pollfd p = {fd_, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (rc < 0 && errno != EINTR) {
      broken_ = true;
      *maybe_started = true;
      return Status::IOError(std::string("task launcher: poll: ") + std::strerror(errno));
    }
    if (rc > 0) {
      Status s = reader_.Fill();
      if (!s.ok()) {
        broken_ = true;
        *maybe_started = true;
        return s;
      }
    }
  }
}

std::vector<std::pair<pid_t, int>> LauncherClient::TakeExits() {
  if (fd_ >= 0) {  // also when broken: frames it sent before it went are still useful
    Status s = reader_.eof() ? Status::OK() : reader_.Fill();
    if (!s.ok()) {
      spdlog::error("{}", s.message());
      broken_ = true;
    }
    while (true) {
      auto next = reader_.Next();
      if (!next.ok()) {
        spdlog::error("{}", next.status().message());
        broken_ = true;
        break;
      }
      if (!*next) break;
      Dispatch(**next);
    }
    if (reader_.eof()) broken_ = true;
  }
  std::vector<std::pair<pid_t, int>> out;
  out.swap(exits_);
  return out;
}

}  // namespace arxivflow::orchestrator
