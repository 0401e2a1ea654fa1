#include "remote/ssh_session.h"

#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/random.h"

namespace arxivflow::remote {
namespace {

constexpr size_t kCopyChunk = 64 * 1024;

std::string RandomSuffix() { return RandomHex(8); }

// 'text' for a POSIX shell.
std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Splits a byte stream into lines for one output stream.
class LineSplitter {
 public:
  LineSplitter(OutputStream stream, const LineCallback& cb) : stream_(stream), cb_(cb) {}
  void Feed(std::string_view data) {
    pending_.append(data);
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending_.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (cb_) cb_(stream_, line);
    }
    pending_.erase(0, start);
    // A line without '\n' that grows without bound is delivered in pieces.
    if (pending_.size() > (1u << 20)) Flush();
  }
  void Flush() {
    if (!pending_.empty() && cb_) cb_(stream_, pending_);
    pending_.clear();
  }

 private:
  OutputStream stream_;
  const LineCallback& cb_;
  std::string pending_;
};

}  // namespace

struct SshSession::Impl {
  ssh_session session = nullptr;
  sftp_session sftp = nullptr;
  ~Impl() {
    if (sftp) sftp_free(sftp);
    if (session) {
      if (ssh_is_connected(session)) ssh_disconnect(session);
      ssh_free(session);
    }
  }
  std::string Error() const { return session ? ssh_get_error(session) : "no session"; }
  std::string SftpError() const {
    if (!sftp) return Error();
    switch (sftp_get_error(sftp)) {
      case SSH_FX_NO_SUCH_FILE: return "no such file";
      case SSH_FX_PERMISSION_DENIED: return "permission denied";
      case SSH_FX_FILE_ALREADY_EXISTS: return "file already exists";
      case SSH_FX_FAILURE: return std::string("failure (") + Error() + ")";
      default: return "SFTP error " + std::to_string(sftp_get_error(sftp)) + " (" + Error() + ")";
    }
  }
};

SshSession::SshSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SshSession::~SshSession() = default;

Result<std::unique_ptr<SshSession>> SshSession::Connect(const SshOptions& o) {
  if (o.host.empty()) return Status::InvalidArgument("ssh: no host given");
  if (o.user.empty()) return Status::InvalidArgument("ssh: no user given for " + o.host);
  const std::string where = o.user + "@" + o.host + ":" + std::to_string(o.port);
  auto impl = std::make_unique<Impl>();
  impl->session = ssh_new();
  if (!impl->session) return Status::Internal("ssh_new failed");
  ssh_session s = impl->session;
  bool no = false;
  long timeout = o.connect_timeout_seconds;
  int verbosity = SSH_LOG_NOLOG;
  unsigned int port = static_cast<unsigned int>(o.port);
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_HOST, o.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, o.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  std::string known_hosts = o.known_hosts_file;
  if (known_hosts.empty()) {
    const char* home = std::getenv("HOME");
    known_hosts = std::string(home ? home : "") + "/.ssh/known_hosts";
  }
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");  // only the named file decides

  if (ssh_connect(s) != SSH_OK) {
    return Status::Unavailable("ssh " + o.host + ":" + std::to_string(o.port) + ": cannot connect: " + impl->Error());
  }

  // Host key.
  ssh_key server_key = nullptr;
  std::string fingerprint = "?";
  if (ssh_get_server_publickey(s, &server_key) == SSH_OK) {
    unsigned char* hash = nullptr;
    size_t hlen = 0;
    if (ssh_get_publickey_hash(server_key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0) {
      char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
      if (fp) {
        fingerprint = std::string(ssh_key_type_to_char(ssh_key_type(server_key))) + " " + fp;
        ssh_string_free_char(fp);
      }
      ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(server_key);
  }
  if (!o.insecure_skip_host_key_check) {
    const std::string host_port = "[" + o.host + "]:" + std::to_string(o.port);
    switch (ssh_session_is_known_server(s)) {
      case SSH_KNOWN_HOSTS_OK:
        break;
      case SSH_KNOWN_HOSTS_CHANGED:
        return Status::PermissionDenied("ssh " + host_port + ": HOST KEY MISMATCH: the server presented " +
                                        fingerprint + ", which differs from the key recorded in " + known_hosts +
                                        " (someone may be intercepting the connection); refusing to connect");
      case SSH_KNOWN_HOSTS_OTHER:
        return Status::PermissionDenied("ssh " + host_port + ": the server presented a " + fingerprint +
                                        " key but " + known_hosts +
                                        " records a key of another type for this host; refusing to connect");
      case SSH_KNOWN_HOSTS_UNKNOWN:
      case SSH_KNOWN_HOSTS_NOT_FOUND:
        return Status::PermissionDenied("ssh " + host_port + ": unknown host key " + fingerprint + " (not in " +
                                        known_hosts + "); verify it and add it, e.g. `ssh-keyscan -p " +
                                        std::to_string(o.port) + " " + o.host + " >> " + known_hosts +
                                        "`, or disable host key checking explicitly");
      case SSH_KNOWN_HOSTS_ERROR:
      default:
        return Status::IOError("ssh " + host_port + ": cannot check the host key against " + known_hosts + ": " +
                               impl->Error());
    }
  }

  // Authentication: key first, then password.
  std::string tried;
  bool authenticated = false;
  if (!o.private_key_file.empty()) {
    ssh_key key = nullptr;
    int rc = ssh_pki_import_privkey_file(o.private_key_file.c_str(),
                                         o.private_key_passphrase.empty() ? nullptr : o.private_key_passphrase.c_str(),
                                         nullptr, nullptr, &key);
    if (rc != SSH_OK) {
      return Status::InvalidArgument("ssh " + where + ": cannot read private key " + o.private_key_file +
                                     " (missing, unreadable, or wrong passphrase)");
    }
    rc = ssh_userauth_publickey(s, nullptr, key);
    ssh_key_free(key);
    authenticated = rc == SSH_AUTH_SUCCESS;
    tried = "public key " + o.private_key_file;
  }
  if (!authenticated && !o.password.empty()) {
    authenticated = ssh_userauth_password(s, nullptr, o.password.c_str()) == SSH_AUTH_SUCCESS;
    tried += std::string(tried.empty() ? "" : " and ") + "password";
  }
  if (!authenticated) {
    if (tried.empty()) return Status::InvalidArgument("ssh " + where + ": no private key or password given");
    return Status::PermissionDenied("ssh " + where + ": authentication failed (tried " + tried + ")");
  }
  auto session = std::unique_ptr<SshSession>(new SshSession(std::move(impl)));
  session->target_ = where;
  return session;
}

Result<CommandResult> SshSession::Run(const std::string& command, const LineCallback& on_line,
                                      std::chrono::milliseconds timeout) {
  ssh_session s = impl_->session;
  // libssh 0.10 reports a terminating signal only through a callback. Both
  // are declared before the channel guard so they outlive the channel.
  std::string exit_signal;
  struct ssh_channel_callbacks_struct callbacks;
  ssh_channel ch = ssh_channel_new(s);
  if (!ch) return Status::IOError("ssh " + target_ + ": cannot create a channel: " + impl_->Error());
  struct ChannelGuard {
    ssh_channel ch;
    ~ChannelGuard() {
      if (ssh_channel_is_open(ch)) ssh_channel_close(ch);
      ssh_channel_free(ch);
    }
  } guard{ch};
  if (ssh_channel_open_session(ch) != SSH_OK) {
    return Status::IOError("ssh " + target_ + ": cannot open a session channel: " + impl_->Error());
  }
  // The wrapper reports the remote process group (sshd makes the login shell
  // a session leader, so its pid is the group id) on stderr under a nonce,
  // then execs the command in that group. On timeout the whole group is
  // killed through a second channel: signal requests alone are not enough
  // (sshd refuses them for root logins, and they reach only the shell).
  const std::string nonce = "__arxivflow_pgid_" + RandomSuffix();
  const std::string wrapped = "echo \"" + nonce + " $$\" >&2; exec /bin/sh -c " + ShellQuote(command);
  if (ssh_channel_request_exec(ch, wrapped.c_str()) != SSH_OK) {
    return Status::IOError("ssh " + target_ + ": cannot start the command: " + impl_->Error());
  }
  std::memset(&callbacks, 0, sizeof callbacks);
  callbacks.userdata = &exit_signal;
  callbacks.channel_exit_signal_function = [](ssh_session, ssh_channel, const char* signal, int, const char*,
                                              const char*, void* userdata) {
    *static_cast<std::string*>(userdata) = signal ? signal : "?";
  };
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(ch, &callbacks);
  std::string remote_pgid;
  LineCallback filtered = [&](OutputStream stream, std::string_view line) {
    if (stream == OutputStream::kStderr && remote_pgid.empty() && line.substr(0, nonce.size()) == nonce) {
      remote_pgid = std::string(line.substr(std::min(line.size(), nonce.size() + 1)));
      return;
    }
    if (on_line) on_line(stream, line);
  };
  LineSplitter out(OutputStream::kStdout, filtered), err(OutputStream::kStderr, filtered);
  CommandResult result;
  const auto start = std::chrono::steady_clock::now();
  char buf[16384];
  bool signalled = false;
  std::chrono::steady_clock::time_point kill_at{};
  for (;;) {
    int polled = ssh_channel_poll_timeout(ch, 100, 0);
    if (polled == SSH_ERROR) return Status::IOError("ssh " + target_ + ": connection lost: " + impl_->Error());
    bool got = false;
    for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
      int n;
      while ((n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, is_stderr)) > 0) {
        (is_stderr ? err : out).Feed(std::string_view(buf, static_cast<size_t>(n)));
        got = true;
      }
      if (n == SSH_ERROR) return Status::IOError("ssh " + target_ + ": read failed: " + impl_->Error());
    }
    if (!got && (ssh_channel_is_eof(ch) || !ssh_channel_is_open(ch))) break;
    auto now = std::chrono::steady_clock::now();
    if (timeout.count() > 0 && now - start >= timeout) {
      if (!signalled) {
        result.timed_out = true;
        signalled = true;
        ssh_channel_request_send_signal(ch, "TERM");
        KillRemoteGroup(remote_pgid, "TERM");
        kill_at = now + std::chrono::seconds(2);
      } else if (now >= kill_at) {
        ssh_channel_request_send_signal(ch, "KILL");
        KillRemoteGroup(remote_pgid, "KILL");
        break;  // closing the channel ends the session either way
      }
    }
  }
  out.Flush();
  err.Flush();
  if (!result.timed_out || ssh_channel_is_eof(ch)) {
    // Exit status and signal arrive after EOF; wait briefly for them.
    int status = ssh_channel_get_exit_status(ch);
    result.exit_status = status;
    if (!exit_signal.empty()) {
      result.exit_signal = exit_signal;
      result.exit_status = -1;
    }
  }
  ssh_channel_send_eof(ch);
  return result;
}

void SshSession::KillRemoteGroup(const std::string& pgid, const char* signal) {
  if (pgid.empty() || pgid.find_first_not_of("0123456789") != std::string::npos) return;
  ssh_channel ch = ssh_channel_new(impl_->session);
  if (!ch) return;
  if (ssh_channel_open_session(ch) == SSH_OK) {
    std::string cmd = std::string("kill -") + signal + " -- -" + pgid + " 2>/dev/null; true";
    if (ssh_channel_request_exec(ch, cmd.c_str()) == SSH_OK) {
      char buf[256];
      // Drain until the kill command finishes (bounded: it is one syscall).
      for (int i = 0; i < 50 && !ssh_channel_is_eof(ch); ++i) ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 100);
    }
    ssh_channel_close(ch);
  }
  ssh_channel_free(ch);
}

Status SshSession::EnsureSftp() {
  if (impl_->sftp) return Status::OK();
  impl_->sftp = sftp_new(impl_->session);
  if (!impl_->sftp) return Status::IOError("sftp " + target_ + ": cannot start SFTP: " + impl_->Error());
  if (sftp_init(impl_->sftp) != SSH_OK) {
    std::string why = impl_->SftpError();
    sftp_free(impl_->sftp);
    impl_->sftp = nullptr;
    return Status::IOError("sftp " + target_ + ": SFTP subsystem failed: " + why);
  }
  return Status::OK();
}

Status SshSession::MakeRemoteDirs(const std::string& remote_dir) {
  AF_RETURN_IF_ERROR(EnsureSftp());
  if (remote_dir.empty() || remote_dir == "/" || remote_dir == ".") return Status::OK();
  std::string prefix;
  size_t start = 0;
  if (remote_dir[0] == '/') {
    prefix = "/";
    start = 1;
  }
  while (start <= remote_dir.size()) {
    size_t slash = remote_dir.find('/', start);
    if (slash == std::string::npos) slash = remote_dir.size();
    std::string seg = remote_dir.substr(start, slash - start);
    start = slash + 1;
    if (seg.empty() || seg == ".") continue;
    prefix += (prefix.empty() || prefix.back() == '/' ? "" : "/") + seg;
    sftp_attributes attr = sftp_stat(impl_->sftp, prefix.c_str());
    if (attr) {
      bool is_dir = attr->type == SSH_FILEXFER_TYPE_DIRECTORY;
      sftp_attributes_free(attr);
      if (!is_dir) return Status::IOError("sftp " + target_ + ": " + prefix + " exists and is not a folder");
      continue;
    }
    if (sftp_mkdir(impl_->sftp, prefix.c_str(), 0755) != SSH_OK) {
      if (sftp_get_error(impl_->sftp) == SSH_FX_FILE_ALREADY_EXISTS) continue;  // a concurrent mkdir
      return Status::IOError("sftp " + target_ + ": cannot create folder " + prefix + ": " + impl_->SftpError());
    }
  }
  return Status::OK();
}

Status SshSession::Upload(const std::string& local_path, const std::string& remote_path, int mode) {
  AF_RETURN_IF_ERROR(EnsureSftp());
  int fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("sftp upload: cannot open " + local_path + ": " + std::strerror(errno));
  struct FdGuard { int fd; ~FdGuard() { ::close(fd); } } fd_guard{fd};
  AF_RETURN_IF_ERROR(MakeRemoteDirs(ParentOf(remote_path)));
  const std::string temp = remote_path + ".part-" + RandomSuffix();
  sftp_file file = sftp_open(impl_->sftp, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, static_cast<mode_t>(mode));
  if (!file) return Status::IOError("sftp " + target_ + ": cannot create " + temp + ": " + impl_->SftpError());
  std::string buf(kCopyChunk, '\0');
  Status st;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status::IOError("sftp upload: reading " + local_path + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    if (sftp_write(file, buf.data(), static_cast<size_t>(n)) != n) {
      st = Status::IOError("sftp " + target_ + ": writing " + temp + ": " + impl_->SftpError());
      break;
    }
  }
  if (sftp_close(file) != SSH_OK && st.ok()) {
    st = Status::IOError("sftp " + target_ + ": closing " + temp + ": " + impl_->SftpError());
  }
  if (st.ok() && sftp_rename(impl_->sftp, temp.c_str(), remote_path.c_str()) != SSH_OK) {
    // Servers without posix-rename refuse to replace: remove the old file and retry once.
    sftp_unlink(impl_->sftp, remote_path.c_str());
    if (sftp_rename(impl_->sftp, temp.c_str(), remote_path.c_str()) != SSH_OK) {
      st = Status::IOError("sftp " + target_ + ": renaming " + temp + " to " + remote_path + ": " + impl_->SftpError());
    }
  }
  if (!st.ok()) sftp_unlink(impl_->sftp, temp.c_str());
  return st;
}

Status SshSession::Download(const std::string& remote_path, const std::string& local_path) {
  AF_RETURN_IF_ERROR(EnsureSftp());
  sftp_file file = sftp_open(impl_->sftp, remote_path.c_str(), O_RDONLY, 0);
  if (!file) {
    std::string why = impl_->SftpError();
    if (sftp_get_error(impl_->sftp) == SSH_FX_NO_SUCH_FILE) {
      return Status::NotFound("sftp " + target_ + ": " + remote_path + ": no such file");
    }
    return Status::IOError("sftp " + target_ + ": cannot open " + remote_path + ": " + why);
  }
  struct FileGuard { sftp_file f; ~FileGuard() { sftp_close(f); } } file_guard{file};
  std::error_code ec;
  std::string parent = ParentOf(local_path);
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError("sftp download: cannot create folder " + parent + ": " + ec.message());
  const std::string temp = local_path + ".part-" + RandomSuffix();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("sftp download: cannot create " + temp + ": " + std::strerror(errno));
  std::string buf(kCopyChunk, '\0');
  Status st;
  for (;;) {
    ssize_t n = sftp_read(file, buf.data(), buf.size());
    if (n < 0) {
      st = Status::IOError("sftp " + target_ + ": reading " + remote_path + ": " + impl_->SftpError());
      break;
    }
    if (n == 0) break;
    const char* p = buf.data();
    ssize_t left = n;
    while (left > 0) {
      ssize_t w = ::write(fd, p, static_cast<size_t>(left));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        st = Status::IOError("sftp download: writing " + temp + ": " + std::strerror(errno));
        break;
      }
      p += w;
      left -= w;
    }
    if (!st.ok()) break;
  }
  if (st.ok() && ::fsync(fd) != 0) st = Status::IOError("sftp download: fsync " + temp + ": " + std::strerror(errno));
  ::close(fd);
  if (st.ok() && ::rename(temp.c_str(), local_path.c_str()) != 0) {
    st = Status::IOError("sftp download: rename " + temp + " -> " + local_path + ": " + std::strerror(errno));
  }
  if (!st.ok()) ::unlink(temp.c_str());
  return st;
}

}  // namespace arxivflow::remote
