#include "orchestrator/ssh_operator.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "orchestrator/connection.h"
#include "orchestrator/operator_args.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

bool IsEnvName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Connection extras arrive as JSON values or, from a URI, as strings.
Result<bool> ExtraBool(const Connection& c, const char* key, bool fallback) {
  if (!c.extra.contains(key)) return fallback;
  const json& v = c.extra[key];
  if (v.is_boolean()) return v.get<bool>();
  std::string s = ScalarText(v);
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off" || s.empty()) return false;
  return Status::InvalidArgument("connection '" + c.conn_id + "': extra." + key + " must be true or false, not '" +
                                 s + "'");
}

std::string ExtraString(const Connection& c, const char* key) {
  if (!c.extra.contains(key) || c.extra[key].is_null()) return "";
  return ScalarText(c.extra[key]);
}

std::string ExpandUser(const std::string& path) {
  if (path.rfind("~/", 0) != 0) return path;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + path.substr(1);
}

std::string LocalUserName() {
  if (struct passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user ? user : "";
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A private key given as text lives in a 0600 file for the handshake only.
class PrivateKeyFile {
 public:
  ~PrivateKeyFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Status Write(const std::string& pem) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/arxivflow-key-XXXXXX";
    int fd = ::mkstemp(pattern.data());  // mode 0600
    if (fd < 0) return Status::IOError("cannot create a temporary key file in " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
    std::string text = pem;
    if (!text.empty() && text.back() != '\n') text.push_back('\n');  // libssh wants the final newline
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(fd);
        return Status::IOError("cannot write the temporary key file " + path_ + ": " + std::strerror(e));
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    return Status::OK();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// While a remote step runs there is no local child to stop: the task's own
// process stands in for it, so a stop request from the heartbeat (the task
// instance was marked or cleared) ends this process, which closes the
// connection, and the remote watcher stops the remote command.
class StopTargetGuard {
 public:
  explicit StopTargetGuard(TaskContext& ctx) : slot_(ctx.child_pid) {
    if (slot_) slot_->store(::getpid());
  }
  ~StopTargetGuard() {
    if (slot_) slot_->store(0);
  }
  StopTargetGuard(const StopTargetGuard&) = delete;
  StopTargetGuard& operator=(const StopTargetGuard&) = delete;

 private:
  std::atomic<pid_t>* slot_;
};

struct OpenedSession {
  std::unique_ptr<remote::SshSession> session;
  std::string conn_id;
};

// Resolves the connection named by args.ssh_conn_id and connects.
Result<OpenedSession> Connect(TaskContext& ctx) {
  AF_ASSIGN_OR_RETURN(auto conn_id, ctx.render(ScalarText(ctx.task->args["ssh_conn_id"]), false));
  AF_ASSIGN_OR_RETURN(auto conn, ctx.get_connection(conn_id));
  AF_ASSIGN_OR_RETURN(auto target, SshTargetFromConnection(conn, ctx.home));
  PrivateKeyFile key_file;
  if (!target.private_key_pem.empty()) {
    AF_RETURN_IF_ERROR(key_file.Write(target.private_key_pem));
    target.options.private_key_file = key_file.path();
  }
  const auto& o = target.options;
  std::string auth = !target.private_key_pem.empty() ? "private key from the connection"
                     : !o.private_key_file.empty()   ? "key file " + o.private_key_file
                                                     : "password";
  if (!o.password.empty() && !o.private_key_file.empty()) auth += ", then password";
  ctx.log("connecting to " + o.user + "@" + o.host + ":" + std::to_string(o.port) + " (connection '" + conn_id +
          "', " + auth + ", host key " +
          (o.insecure_skip_host_key_check ? std::string("NOT checked (no_host_key_check)")
                                          : "checked against " + o.known_hosts_file) +
          ")");
  auto session = remote::SshSession::Connect(o);
  if (!session.ok()) return session.status().WithContext("connection '" + conn_id + "'");
  return OpenedSession{std::move(*session), conn_id};
}

}  // namespace

// ------------------------------------------------------------ helpers

std::string QuoteForPosixShell(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string JoinArgvForPosixShell(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out.push_back(' ');
    out += QuoteForPosixShell(a);
  }
  return out;
}

std::string BuildRemoteScript(const std::string& command,
                              const std::vector<std::pair<std::string, std::string>>& environment) {
  // Without a pty, sshd does not signal the command when the connection
  // closes. The watcher reads the channel's stdin (which the client keeps
  // open until the command ends): end of file means the client is gone, so
  // it stops the whole process group. It ignores TERM to survive its own
  // first signal and deliver the KILL.
  std::string s =
      "exec 3<&0 </dev/null\n"
      "(trap '' TERM HUP INT; while read -r _ <&3; do :; done; kill -TERM 0; sleep 2; kill -KILL 0) "
      ">/dev/null 2>&1 &\n"
      "__af_watcher=$!\n"
      "exec 3<&-\n";
  for (const auto& [name, value] : environment) s += "export " + name + "=" + QuoteForPosixShell(value) + "\n";
  s += "/bin/sh -c " + QuoteForPosixShell(command) + "\n";
  s +=
      "__af_status=$?\n"
      "kill -KILL $__af_watcher 2>/dev/null\n"
      // A command killed by signal N reports 128+N: die of the same signal so
      // the exit-signal reaches the client.
      "if [ $__af_status -gt 128 ] && [ $__af_status -lt 160 ]; then kill -$((__af_status - 128)) $$; fi\n"
      "exit $__af_status\n";
  return s;
}

Result<SshTarget> SshTargetFromConnection(const Connection& c, const std::string& home) {
  const std::string where = "connection '" + c.conn_id + "'";
  if (!c.conn_type.empty() && c.conn_type != "ssh" && c.conn_type != "sftp") {
    return Status::InvalidArgument(where + " has type '" + c.conn_type + "'; the ssh and sftp operators need type ssh");
  }
  if (c.host.empty()) return Status::InvalidArgument(where + " has no host");
  SshTarget t;
  auto& o = t.options;
  o.host = c.host;
  o.port = c.port ? c.port : 22;
  o.user = c.login.empty() ? LocalUserName() : c.login;
  o.password = c.password;
  o.private_key_file = ExpandUser(ExtraString(c, "key_file"));
  o.private_key_passphrase = ExtraString(c, "private_key_passphrase");
  t.private_key_pem = ExtraString(c, "private_key");
  if (!t.private_key_pem.empty() && !o.private_key_file.empty()) {
    return Status::InvalidArgument(where + ": give extra.key_file or extra.private_key, not both");
  }
  if (!t.private_key_pem.empty() && t.private_key_pem.find("PRIVATE KEY-----") == std::string::npos) {
    return Status::InvalidArgument(where + ": extra.private_key is not a PEM/OpenSSH private key "
                                   "(expected '-----BEGIN ... PRIVATE KEY-----')");
  }
  if (t.private_key_pem.empty() && o.private_key_file.empty() && o.password.empty()) {
    return Status::InvalidArgument(where + " has neither a password nor extra.key_file / extra.private_key");
  }
  AF_ASSIGN_OR_RETURN(o.insecure_skip_host_key_check, ExtraBool(c, "no_host_key_check", false));
  std::string known_hosts = ExpandUser(ExtraString(c, "known_hosts"));
  if (!known_hosts.empty()) {
    t.known_hosts_origin = "connection extra";
  } else if (!home.empty() && FileExists(home + "/known_hosts")) {
    known_hosts = home + "/known_hosts";
    t.known_hosts_origin = "ARXIVFLOW_HOME";
  } else {
    known_hosts = ExpandUser("~/.ssh/known_hosts");
    t.known_hosts_origin = "~/.ssh";
  }
  o.known_hosts_file = known_hosts;
  std::string timeout = ExtraString(c, "conn_timeout");
  if (!timeout.empty()) {
    char* end = nullptr;
    double v = std::strtod(timeout.c_str(), &end);
    if (end == timeout.c_str() || *end != '\0' || v <= 0 || v > 86400) {
      return Status::InvalidArgument(where + ": extra.conn_timeout must be a number of seconds, not '" + timeout + "'");
    }
    o.connect_timeout_seconds = static_cast<long>(v < 1 ? 1 : v);
  }
  return t;
}

// ------------------------------------------------------------ ssh

Status ValidateSshOperator(const json& args) {
  AF_RETURN_IF_ERROR(CheckOnlyKeys(args, {"ssh_conn_id", "command", "argv", "environment", "get_pty", "cmd_timeout"}));
  AF_RETURN_IF_ERROR(RequireString(args, "ssh_conn_id", "the id of a connection of type ssh"));
  bool has_command = args.contains("command"), has_argv = args.contains("argv");
  if (has_command == has_argv) {
    return Status::InvalidArgument("give exactly one of 'command' (a string for the remote shell) and 'argv' "
                                   "(a list, quoted for the remote shell)");
  }
  if (has_command && (!args["command"].is_string() || args["command"].get<std::string>().empty())) {
    return Status::InvalidArgument("'command' must be a non-empty string");
  }
  if (has_argv) {
    if (!args["argv"].is_array() || args["argv"].empty()) {
      return Status::InvalidArgument("'argv' must be a non-empty list (the program and its arguments)");
    }
    for (const auto& a : args["argv"]) {
      if (!IsScalar(a)) return Status::InvalidArgument("'argv' elements must be strings");
    }
  }
  if (args.contains("environment")) {
    if (!args["environment"].is_object()) return Status::InvalidArgument("'environment' must be a map of NAME: value");
    for (const auto& [k, v] : args["environment"].items()) {
      if (!IsEnvName(k)) return Status::InvalidArgument("'environment' name '" + k + "' is not a shell variable name");
      if (!IsScalar(v)) return Status::InvalidArgument("'environment." + k + "' must be a string");
    }
  }
  if (args.contains("get_pty")) {
    if (!args["get_pty"].is_boolean()) return Status::InvalidArgument("'get_pty' must be true or false");
    if (args["get_pty"].get<bool>()) {
      return Status::Unsupported("'get_pty: true' is not supported: the command runs without a terminal and is "
                                 "stopped with the task all the same");
    }
  }
  if (args.contains("cmd_timeout")) {
    const auto& t = args["cmd_timeout"];
    if (!t.is_number() || t.get<double>() <= 0) {
      return Status::InvalidArgument("'cmd_timeout' must be a positive number of seconds");
    }
  }
  return Status::OK();
}

Status ExecuteSshOperator(TaskContext& ctx) {
  const json& args = ctx.task->args;
  std::string command;
  if (args.contains("command")) {
    AF_ASSIGN_OR_RETURN(command, ctx.render(ScalarText(args["command"]), false));
  } else {
    std::vector<std::string> argv;
    for (const auto& a : args["argv"]) {
      AF_ASSIGN_OR_RETURN(auto s, ctx.render(ScalarText(a), false));
      argv.push_back(std::move(s));
    }
    command = JoinArgvForPosixShell(argv);
  }
  std::vector<std::pair<std::string, std::string>> environment;
  std::string env_names;
  if (args.contains("environment")) {
    for (const auto& [k, v] : args["environment"].items()) {
      AF_ASSIGN_OR_RETURN(auto value, ctx.render(ScalarText(v), /*allow_secrets=*/true));
      environment.emplace_back(k, std::move(value));
      env_names += (env_names.empty() ? "" : " ") + k;
    }
  }
  std::chrono::milliseconds timeout(0);
  if (args.contains("cmd_timeout")) timeout = std::chrono::milliseconds(static_cast<long>(args["cmd_timeout"].get<double>() * 1000));

  AF_ASSIGN_OR_RETURN(auto opened, Connect(ctx));
  auto& session = *opened.session;
  const std::string target = session.target();
  StopTargetGuard stop_target(ctx);
  ctx.log("running on " + target + ": " + command + (env_names.empty() ? "" : " (environment: " + env_names + ")"));
  auto result = session.Run(
      BuildRemoteScript(command, environment),
      [&](remote::OutputStream stream, std::string_view line) {
        ctx.log(stream == remote::OutputStream::kStderr ? "[stderr] " + std::string(line) : std::string(line));
      },
      timeout);
  if (!result.ok()) return result.status().WithContext("connection '" + opened.conn_id + "'");
  const auto& r = *result;
  if (r.timed_out) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(timeout.count()) / 1000.0);
    return Status::Aborted("remote command on " + target + " timed out after " + seconds +
                           " s (cmd_timeout); its process group was stopped");
  }
  if (!r.exit_signal.empty()) {
    return Status::Aborted("remote command on " + target + " was killed by signal " + r.exit_signal);
  }
  if (r.exit_status < 0) {
    return Status::IOError("remote command on " + target + " ended without an exit status (connection lost?)");
  }
  ctx.log("remote command exited with status " + std::to_string(r.exit_status));
  if (r.exit_status != 0) {
    return Status::Aborted("remote command on " + target + " exited with status " + std::to_string(r.exit_status));
  }
  return Status::OK();
}

// ------------------------------------------------------------ sftp

Status ValidateSftpOperator(const json& args) {
  AF_RETURN_IF_ERROR(CheckOnlyKeys(
      args, {"ssh_conn_id", "local_filepath", "remote_filepath", "operation", "create_intermediate_dirs"}));
  AF_RETURN_IF_ERROR(RequireString(args, "ssh_conn_id", "the id of a connection of type ssh"));
  AF_RETURN_IF_ERROR(RequireString(args, "local_filepath", "a path on this machine"));
  AF_RETURN_IF_ERROR(RequireString(args, "remote_filepath", "a path on the remote host"));
  if (args.contains("operation")) {
    const auto& op = args["operation"];
    if (!op.is_string() || (op.get<std::string>() != "put" && op.get<std::string>() != "get")) {
      return Status::InvalidArgument("'operation' must be put or get, not " + op.dump());
    }
  }
  if (args.contains("create_intermediate_dirs") && !args["create_intermediate_dirs"].is_boolean()) {
    return Status::InvalidArgument("'create_intermediate_dirs' must be true or false");
  }
  return Status::OK();
}

Status ExecuteSftpOperator(TaskContext& ctx) {
  const json& args = ctx.task->args;
  AF_ASSIGN_OR_RETURN(auto rendered_local, ctx.render(ScalarText(args["local_filepath"]), false));
  AF_ASSIGN_OR_RETURN(auto remote_path, ctx.render(ScalarText(args["remote_filepath"]), false));
  if (rendered_local.empty()) return Status::InvalidArgument("'local_filepath' rendered to an empty path");
  const std::string local = DagRelativePath(ctx.dag->fileloc, rendered_local);
  if (remote_path.empty()) return Status::InvalidArgument("'remote_filepath' rendered to an empty path");
  const bool put = !args.contains("operation") || args["operation"].get<std::string>() == "put";
  const bool make_dirs = !args.contains("create_intermediate_dirs") || args["create_intermediate_dirs"].get<bool>();

  struct stat st;
  if (put) {
    if (::stat(local.c_str(), &st) != 0) {
      return Status::NotFound("sftp put: local file " + local + " cannot be read: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("sftp put: " + local + " is not a regular file");
    if (::access(local.c_str(), R_OK) != 0) {
      return Status::PermissionDenied("sftp put: local file " + local + " cannot be read: " + std::strerror(errno));
    }
  } else if (!make_dirs) {
    std::string parent = ParentOf(local);
    struct stat pst;
    if (!parent.empty() && (::stat(parent.c_str(), &pst) != 0 || !S_ISDIR(pst.st_mode))) {
      return Status::NotFound("sftp get: local folder " + parent +
                              " does not exist (create_intermediate_dirs is false)");
    }
  }

  AF_ASSIGN_OR_RETURN(auto opened, Connect(ctx));
  auto& session = *opened.session;
  const std::string target = session.target();
  StopTargetGuard stop_target(ctx);
  if (put) {
    std::string parent = ParentOf(remote_path);
    if (!make_dirs && !parent.empty()) {
      // SshSession has no remote stat; the remote shell answers instead.
      auto probe = session.Run("test -d " + QuoteForPosixShell(parent), nullptr);
      if (!probe.ok()) return probe.status().WithContext("connection '" + opened.conn_id + "'");
      if (probe->exit_status != 0) {
        return Status::NotFound("sftp put: remote folder " + parent + " does not exist on " + target +
                                " (create_intermediate_dirs is false)");
      }
    }
    ctx.log("sftp put " + local + " -> " + target + ":" + remote_path + " (" + std::to_string(st.st_size) + " bytes)");
    Status s = session.Upload(local, remote_path, static_cast<int>(st.st_mode & 0777));
    if (!s.ok()) return s.WithContext("connection '" + opened.conn_id + "'");
  } else {
    ctx.log("sftp get " + target + ":" + remote_path + " -> " + local);
    Status s = session.Download(remote_path, local);
    if (!s.ok()) return s.WithContext("connection '" + opened.conn_id + "'");
    if (::stat(local.c_str(), &st) == 0) ctx.log("received " + std::to_string(st.st_size) + " bytes");
  }
  ctx.log("sftp " + std::string(put ? "put" : "get") + " done");
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
