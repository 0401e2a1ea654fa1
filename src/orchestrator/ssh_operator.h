// The `ssh` and `sftp` operators: run a command on a remote host and copy a
// file to or from it over a stored connection of type ssh (the original
// pipeline's EMR steps).
//
// Contract:
// - Validate* check a task's raw args at DAG parse time (required keys,
//   types, `operation` put|get); Execute* run in the task's process.
// - Connection fields (SshTargetFromConnection): host, port (22), login
//   (default: the local user name), password; extra.key_file,
//   extra.private_key (PEM text, written to a private 0600 temporary file
//   only for the handshake), extra.private_key_passphrase, extra.known_hosts,
//   extra.no_host_key_check (false unless set), extra.conn_timeout (seconds).
//   Host keys are checked against extra.known_hosts, else
//   $ARXIVFLOW_HOME/known_hosts when that file exists, else
//   ~/.ssh/known_hosts. Secrets never reach a message or the log.
// - `ssh` runs `command` (a string for the remote POSIX shell) or `argv` (a
//   list, each element single-quoted, so templated values cannot inject),
//   with `environment` exported first. Remote stdout and stderr are streamed
//   line by line through ctx.log. The remote side watches the channel: when
//   the connection goes away (task killed, timed out, or the host lost) the
//   whole remote process group gets TERM, then KILL two seconds later.
//   While a remote step runs, ctx.child_pid holds the task's own pid, so a
//   heartbeat stop request (state changed externally) ends this process and
//   thereby the remote command.
//   A non-zero exit status fails the task ("remote command exited with
//   status N"), and so does a terminating signal.
// - `sftp` puts or gets one file; the receiving side is written to a
//   temporary name and renamed, so it never holds a partial file.
// - Stateless and thread-compatible: every call builds its own session.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "orchestrator/operators.h"
#include "remote/ssh_session.h"

namespace arxivflow::orchestrator {

struct Connection;

Status ValidateSshOperator(const nlohmann::json& args);
Status ExecuteSshOperator(TaskContext& ctx);
Status ValidateSftpOperator(const nlohmann::json& args);
Status ExecuteSftpOperator(TaskContext& ctx);

// ------------------------------------------------------------ exposed for tests

// SSH options for a stored connection. `home` is $ARXIVFLOW_HOME (for the
// default known_hosts). extra.private_key is returned in `private_key_pem`:
// the caller writes it to a private file (PrivateKeyFile) before connecting.
struct SshTarget {
  remote::SshOptions options;
  std::string private_key_pem;
  std::string known_hosts_origin;  // "connection extra", "ARXIVFLOW_HOME", "~/.ssh"
};
Result<SshTarget> SshTargetFromConnection(const Connection& conn, const std::string& home);

// `text` single-quoted for a POSIX shell ('it'\''s').
std::string QuoteForPosixShell(const std::string& text);

// The argv list as one remote command line, every element quoted.
std::string JoinArgvForPosixShell(const std::vector<std::string>& argv);

// The script the remote /bin/sh runs: exports `environment` (names checked by
// the validator), starts a watcher of the channel's stdin that kills the
// process group when the connection closes, runs `command` with stdin from
// /dev/null, and exits with its status (re-raising a terminating signal).
std::string BuildRemoteScript(const std::string& command,
                              const std::vector<std::pair<std::string, std::string>>& environment);

}  // namespace arxivflow::orchestrator
