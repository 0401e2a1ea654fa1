#include "orchestrator/ssh_operator.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/connection.h"

namespace arxivflow::orchestrator {
namespace {

using nlohmann::json;

// Runs `script` under /bin/sh in a new session (the script's watcher signals
// its whole process group) with stdin a pipe held open by the caller until
// `close_stdin_after_output` text appears (or never, when empty).
struct ShellRun {
  std::string out;
  int status = 0;
};

ShellRun RunScript(const std::string& script, const std::string& close_stdin_after_output = "") {
  int in_pipe[2], out_pipe[2];
  EXPECT_EQ(pipe(in_pipe), 0);
  EXPECT_EQ(pipe(out_pipe), 0);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    close(in_pipe[0]);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  ShellRun r;
  char buf[4096];
  ssize_t n;
  bool stdin_open = true;
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) {
    r.out.append(buf, static_cast<size_t>(n));
    if (stdin_open && !close_stdin_after_output.empty() && r.out.find(close_stdin_after_output) != std::string::npos) {
      close(in_pipe[1]);  // what sshd does when the client goes away
      stdin_open = false;
    }
  }
  close(out_pipe[0]);
  waitpid(pid, &r.status, 0);
  if (stdin_open) close(in_pipe[1]);
  return r;
}

TEST(SshOperator, QuotingRoundTripsHostileValues) {
  std::vector<std::string> argv = {"printf", "%s\\n", "it's", "$(touch /nonexistent/x)", "a;b|c&d", "`id`", "", "\"q\"",
                                   "line\nbreak", "*"};
  ShellRun r = RunScript(JoinArgvForPosixShell(argv));
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 0);
  EXPECT_EQ(r.out, "it's\n$(touch /nonexistent/x)\na;b|c&d\n`id`\n\n\"q\"\nline\nbreak\n*\n");
  EXPECT_EQ(QuoteForPosixShell("a'b"), "'a'\\''b'");
}

TEST(SshOperator, RemoteScriptPropagatesStatusAndEnvironment) {
  ShellRun r = RunScript(BuildRemoteScript("echo \"$GREETING\"; exit 3", {{"GREETING", "hello 'world' $HOME"}}));
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 3);
  EXPECT_EQ(r.out, "hello 'world' $HOME\n");

  r = RunScript(BuildRemoteScript("true", {}));
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 0);
}

TEST(SshOperator, RemoteScriptReraisesTheCommandsSignal) {
  ShellRun r = RunScript(BuildRemoteScript("kill -TERM $$", {}));
  ASSERT_TRUE(WIFSIGNALED(r.status));
  EXPECT_EQ(WTERMSIG(r.status), SIGTERM);
}

TEST(SshOperator, RemoteScriptStopsTheCommandWhenStdinCloses) {
  // The command would run for 1000 s; closing stdin (the connection going
  // away) must end the whole group, the sleep included.
  ShellRun r = RunScript(BuildRemoteScript("echo started; sleep 1000; echo finished", {}), "started");
  EXPECT_EQ(r.out, "started\n");
  EXPECT_TRUE(WIFSIGNALED(r.status));
}

TEST(SshOperator, ValidatesArgs) {
  EXPECT_TRUE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}}).ok());
  EXPECT_TRUE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"argv", {"ls", "-l"}}, {"environment", {{"A_1", "x"}}},
                                       {"get_pty", false}, {"cmd_timeout", 5}})
                  .ok());
  auto missing = ValidateSshOperator(json{{"command", "ls"}});
  EXPECT_NE(missing.message().find("ssh_conn_id"), std::string::npos) << missing.message();
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}, {"argv", {"ls"}}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"argv", json::array()}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}, {"environment", {{"A-B", "x"}}}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}, {"get_pty", true}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}, {"cmd_timeout", -1}}).ok());
  EXPECT_FALSE(ValidateSshOperator(json{{"ssh_conn_id", "c"}, {"command", "ls"}, {"colour", "red"}}).ok());

  json sftp = {{"ssh_conn_id", "c"}, {"local_filepath", "/a"}, {"remote_filepath", "/b"}};
  EXPECT_TRUE(ValidateSftpOperator(sftp).ok());
  sftp["operation"] = "get";
  sftp["create_intermediate_dirs"] = false;
  EXPECT_TRUE(ValidateSftpOperator(sftp).ok());
  sftp["operation"] = "move";
  auto bad = ValidateSftpOperator(sftp);
  EXPECT_NE(bad.message().find("put or get"), std::string::npos) << bad.message();
  sftp["operation"] = "put";
  sftp["create_intermediate_dirs"] = "yes";
  EXPECT_FALSE(ValidateSftpOperator(sftp).ok());
  EXPECT_FALSE(ValidateSftpOperator(json{{"ssh_conn_id", "c"}, {"local_filepath", "/a"}}).ok());
}

TEST(SshOperator, TargetFromConnection) {
  Connection c;
  c.conn_id = "ssh_emr";
  c.conn_type = "ssh";
  c.host = "emr.example";
  c.login = "hadoop";
  c.password = "pa55word-secret";
  auto t = SshTargetFromConnection(c, "/nonexistent-home");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->options.port, 22);
  EXPECT_EQ(t->options.user, "hadoop");
  EXPECT_FALSE(t->options.insecure_skip_host_key_check);
  EXPECT_EQ(t->known_hosts_origin, "~/.ssh");

  // A known_hosts file in the home wins over ~/.ssh; the extra wins over both.
  const ScopedTempDir dir("af-ssh-op-test-");
  std::string home = dir.path().string();
  std::ofstream(home + "/known_hosts") << "\n";
  t = SshTargetFromConnection(c, home);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->options.known_hosts_file, home + "/known_hosts");
  c.extra = {{"known_hosts", "/etc/kh"}, {"no_host_key_check", "true"}, {"conn_timeout", "7"}, {"key_file", "/k"}};
  c.port = 2222;
  t = SshTargetFromConnection(c, home);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->options.known_hosts_file, "/etc/kh");
  EXPECT_TRUE(t->options.insecure_skip_host_key_check);
  EXPECT_EQ(t->options.connect_timeout_seconds, 7);
  EXPECT_EQ(t->options.private_key_file, "/k");
  EXPECT_EQ(t->options.port, 2222);

  // Errors name the connection, never the secret.
  c.extra["private_key"] = "not a key pa55word-secret";
  auto both = SshTargetFromConnection(c, "");
  ASSERT_FALSE(both.ok());
  c.extra.erase("key_file");
  auto bad_key = SshTargetFromConnection(c, "");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.status().message().find("pa55word"), std::string::npos);
  EXPECT_NE(bad_key.status().message().find("ssh_emr"), std::string::npos);
  c.extra = {{"no_host_key_check", "maybe"}};
  EXPECT_FALSE(SshTargetFromConnection(c, "").ok());
  c.extra = {{"conn_timeout", "soon"}};
  EXPECT_FALSE(SshTargetFromConnection(c, "").ok());
  c.extra = json::object();
  c.conn_type = "postgres";
  EXPECT_FALSE(SshTargetFromConnection(c, "").ok());
  c.conn_type = "ssh";
  c.password.clear();
  EXPECT_FALSE(SshTargetFromConnection(c, "").ok());  // no way to authenticate
  c.host.clear();
  EXPECT_FALSE(SshTargetFromConnection(c, "").ok());
}

TEST(SshOperator, MaskedUriHidesTheKeyText) {
  Connection c;
  c.conn_id = "ssh_emr";
  c.conn_type = "ssh";
  c.host = "h";
  c.extra = {{"private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nQUJDREVGU0VDUkVU\n"},
             {"private_key_passphrase", "open-sesame"},
             {"key_file", "/k"}};
  std::string masked = c.ToMaskedUri();
  EXPECT_EQ(masked.find("QUJDREVGU0VDUkVU"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("open-sesame"), std::string::npos) << masked;
  EXPECT_NE(masked.find("key_file=***"), std::string::npos) << masked;  // "key": a secret name
  EXPECT_NE(c.ToUri().find("QUJDREVGU0VDUkVU"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::orchestrator
