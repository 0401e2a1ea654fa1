// SSH and SFTP over libssh: run a command on a remote host and copy files,
// as the EMR steps of the original pipeline did.
//
// Contract:
// - Host keys are checked against a known_hosts file by default (the
//   SshOptions file, else ~/.ssh/known_hosts); an unknown host or a changed
//   key fails with Status::PermissionDenied saying which host, which key
//   fingerprint and which file. Skipping the check needs the explicit
//   `insecure_skip_host_key_check` opt-out. ~/.ssh/config is not read.
// - Authentication: a private key file (optionally with a passphrase) or a
//   password, tried in that order; failure is Status::PermissionDenied
//   naming the user and host, never the secret.
// - Run() streams the command's stdout and stderr line by line into a
//   callback as they arrive (a final unterminated line is delivered too) and
//   returns the exit status. The command runs under /bin/sh in the process
//   group sshd creates for the session (the remote login shell must be
//   POSIX). On timeout the whole remote process group is sent TERM, then
//   KILL two seconds later, and the channel is closed; CommandResult::timed_out
//   is set.
// - Upload()/Download() create missing parent folders (remote and local) and
//   publish atomically: they write "<target>.part-<random>" and rename it
//   over the target, so a failed copy leaves the old file (or none).
// - Unreachable hosts are Status::Unavailable naming host:port.
// - An SshSession is not thread-safe: use one per thread. Movable only via
//   the unique_ptr Connect() returns.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::remote {

struct SshOptions {
  std::string host;
  int port = 22;
  std::string user;
  std::string private_key_file;        // path to an OpenSSH/PEM private key
  std::string private_key_passphrase;  // for an encrypted key
  std::string password;                // used when no key is given or the key is refused
  std::string known_hosts_file;        // "" = ~/.ssh/known_hosts
  bool insecure_skip_host_key_check = false;  // explicit opt-out; never the default
  long connect_timeout_seconds = 15;
};

enum class OutputStream { kStdout, kStderr };

// Receives one line (without its '\n') of the command's output.
using LineCallback = std::function<void(OutputStream stream, std::string_view line)>;

struct CommandResult {
  int exit_status = -1;     // -1 when the command was killed or the status was not sent
  std::string exit_signal;  // "KILL", "TERM", ... when killed by a signal
  bool timed_out = false;
};

class SshSession {
 public:
  static Result<std::unique_ptr<SshSession>> Connect(const SshOptions& options);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  // Runs `command` through the remote user's shell. timeout 0 = none.
  Result<CommandResult> Run(const std::string& command, const LineCallback& on_line,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  Status Upload(const std::string& local_path, const std::string& remote_path, int mode = 0644);
  Status Download(const std::string& remote_path, const std::string& local_path);
  // mkdir -p on the remote side.
  Status MakeRemoteDirs(const std::string& remote_dir);

  const std::string& target() const { return target_; }  // "user@host:port", for messages

 private:
  struct Impl;
  explicit SshSession(std::unique_ptr<Impl> impl);
  Status EnsureSftp();
  void KillRemoteGroup(const std::string& pgid, const char* signal);

  std::unique_ptr<Impl> impl_;
  std::string target_;
};

}  // namespace arxivflow::remote
