#include "notify/senders.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

#include "common/random.h"

extern char** environ;

namespace arxivflow::notify {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t DiscardBody(char*, size_t size, size_t n, void* userdata) {
  auto* total = static_cast<size_t*>(userdata);
  *total += size * n;
  return *total > (64u << 10) ? 0 : size * n;  // stop reading a huge answer
}

long TimeoutMs(double seconds) { return static_cast<long>(seconds * 1000) > 0 ? static_cast<long>(seconds * 1000) : 1; }

Status CurlFailure(const char* what, CURLcode code, const char* errbuf) {
  std::string detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(code);
  return Status::Unavailable(std::string(what) + ": " + detail);
}

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  int line = 0;
  while (i < in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
    i += 3;
    if (++line == 19) {  // 76 characters per line
      out += "\r\n";
      line = 0;
    }
  }
  if (line) out += "\r\n";
  return out;
}

bool IsAscii(const std::string& s) {
  for (char c : s) if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') return false;
  return true;
}

std::string HeaderText(const std::string& s) {
  if (IsAscii(s)) return s;
  std::string b = Base64(s);
  b.erase(std::remove(b.begin(), b.end(), '\r'), b.end());
  b.erase(std::remove(b.begin(), b.end(), '\n'), b.end());
  return "=?UTF-8?B?" + b + "?=";
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t n, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  size_t len = std::min(size * n, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, len);
  up->pos += len;
  return len;
}

}  // namespace

Status PostWebhook(const WebhookTarget& target, const std::string& json_body, double timeout) {
  if (target.url.rfind("http://", 0) != 0 && target.url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("a webhook URL must start with http:// or https://");
  }
  GlobalInit();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  std::string auth;
  if (!target.bearer_token.empty()) {
    auth = "Authorization: Bearer " + target.bearer_token;
    headers.reset(curl_slist_append(headers.release(), auth.c_str()));
  }
  size_t received = 0;
  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TimeoutMs(timeout));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, TimeoutMs(timeout));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "arxivflow-notifier");
  if (!target.basic_login.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, target.basic_login.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, target.basic_password.c_str());
  }
  if (!target.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, target.ca_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && received > (64u << 10))) {
    return CurlFailure("webhook POST failed", rc, errbuf);
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299) return Status::Unavailable("webhook answered HTTP " + std::to_string(code));
  return Status::OK();
}

std::string BuildMimeMessage(const std::string& from, const std::vector<std::string>& to, const std::string& subject,
                             const std::string& plain, const std::string& html, const std::string& boundary) {
  char date[64];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string to_line;
  for (const auto& r : to) to_line += (to_line.empty() ? "" : ", ") + r;
  std::string host = from.substr(from.find('@') == std::string::npos ? from.size() : from.find('@') + 1);
  std::string m;
  m += "Date: " + std::string(date) + "\r\n";
  m += "From: " + from + "\r\n";
  m += "To: " + to_line + "\r\n";
  m += "Subject: " + HeaderText(subject) + "\r\n";
  m += "Message-ID: <" + boundary + "@" + (host.empty() ? "arxivflow" : host) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64(plain);
  m += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64(html);
  m += "--" + boundary + "--\r\n";
  return m;
}

Status SendEmail(const SmtpTarget& target, const std::vector<std::string>& to, const std::string& subject,
                 const std::string& plain, const std::string& html, double timeout) {
  if (target.host.empty()) return Status::InvalidArgument("the SMTP connection has no host");
  if (to.empty()) return Status::InvalidArgument("no recipient");
  GlobalInit();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string from = target.from.empty() ? "arxivflow@localhost" : target.from;
  std::string url = std::string(target.ssl ? "smtps://" : "smtp://") + target.host + ":" +
                    std::to_string(target.port ? target.port : (target.ssl ? 465 : 25));
  std::unique_ptr<curl_slist, SlistDeleter> rcpt;
  for (const auto& r : to) rcpt.reset(curl_slist_append(rcpt.release(), ("<" + r + ">").c_str()));
  std::string message = BuildMimeMessage(from, to, subject, plain, html, "arxivflow-" + RandomHex(12));
  Upload up{&message};
  std::string mail_from = "<" + from + ">";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TimeoutMs(timeout));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, TimeoutMs(timeout));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  if (target.starttls && !target.ssl) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!target.login.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, target.login.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, target.password.c_str());
  }
  if (!target.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, target.ca_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return CurlFailure("SMTP delivery failed", rc, errbuf);
  return Status::OK();
}

namespace {

struct SpawnPlan {
  std::string path;
  std::vector<char*> argv;
  std::vector<char*> envp;
  int devnull = -1;
  int status_fd = -1;  // the write end: the command's wait status goes here
};

// Runs in the forked relay process: only async-signal-safe calls. The relay
// leads its own process group, starts the command in it, waits for it and
// writes its wait status to the pipe. The relay, not the command, is the
// caller's child: whoever reaps it (the executor reaps with waitpid(-1)), the
// command's status still arrives through the pipe.
[[noreturn]] void RelayMain(const SpawnPlan& plan) {
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Keep only /dev/null on 0-2 and the status pipe on 3: the relay must not
  // hold the scheduler's files (its lock, the DB) for as long as the command runs.
  int status_fd = fcntl(plan.status_fd, F_DUPFD, 3);
  dup2(plan.devnull, 0);
  dup2(plan.devnull, 1);
  dup2(plan.devnull, 2);
  if (status_fd != 3) dup2(status_fd, 3);
  fcntl(3, F_SETFD, FD_CLOEXEC);  // not for the command
  close_range(4, ~0U, 0);
  pid_t child = fork();
  if (child == 0) {
    execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
    _exit(127);
  }
  int status = 127 << 8;
  if (child > 0) {
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ssize_t written = write(3, &status, sizeof status);
  _exit(written == sizeof status ? 0 : 1);
}

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

}  // namespace

Status RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, double timeout) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("empty argv");
  SpawnPlan plan;
  plan.path = FindInPath(argv[0]);
  if (plan.path.empty()) return Status::InvalidArgument("command '" + argv[0] + "' not found in PATH");
  std::vector<std::string> args = argv;
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "ARXIVFLOW_CONN_", 15) == 0) continue;
    bool overridden = false;
    for (const auto& x : extra_env) {
      size_t eq = x.find('=');
      if (std::strncmp(*e, x.c_str(), eq + 1) == 0) overridden = true;
    }
    if (!overridden) env.emplace_back(*e);
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  for (auto& a : args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  plan.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (plan.devnull < 0) return Status::IOError(std::string("/dev/null: ") + std::strerror(errno));
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    close(plan.devnull);
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  }
  plan.status_fd = fds[1];
  pid_t relay = fork();
  if (relay == 0) RelayMain(plan);
  int fork_errno = errno;
  close(plan.devnull);
  close(fds[1]);
  if (relay < 0) {
    close(fds[0]);
    return Status::IOError(std::string("cannot start the command: ") + std::strerror(fork_errno));
  }
  auto reap_relay = [&] {
    int ignored;
    (void)waitpid(relay, &ignored, WNOHANG);  // may already be reaped by someone else
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(TimeoutMs(timeout));
  int status = 0;
  size_t got = 0;
  bool timed_out = false;
  while (got < sizeof status) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    ssize_t n = read(fds[0], reinterpret_cast<char*>(&status) + got, sizeof status - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the relay died without a word
    got += static_cast<size_t>(n);
  }
  close(fds[0]);
  if (timed_out) {
    kill(-relay, SIGKILL);  // the relay's group: the relay and the command
    reap_relay();
    return Status::Unavailable("command '" + argv[0] + "' timed out and was killed");
  }
  reap_relay();
  if (got < sizeof status) return Status::Unavailable("command '" + argv[0] + "' ended without a status");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::OK();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return Status::Unavailable("command '" + argv[0] + "' could not be executed (exit 127)");
  }
  if (WIFEXITED(status)) {
    return Status::Unavailable("command '" + argv[0] + "' exited with status " + std::to_string(WEXITSTATUS(status)));
  }
  return Status::Unavailable("command '" + argv[0] + "' was killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace arxivflow::notify
