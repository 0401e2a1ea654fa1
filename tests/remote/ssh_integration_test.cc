// SshSession end to end against a real OpenSSH sshd on loopback.
// Run under tests/support/sshd_harness.py, which sets ARXIVFLOW_SSH_*;
// without it these tests skip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "remote/ssh_session.h"

namespace arxivflow::remote {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class SshIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("ARXIVFLOW_SSH_PORT").empty()) GTEST_SKIP() << "run under tests/support/sshd_harness.py";
    options_.host = Env("ARXIVFLOW_SSH_HOST");
    options_.port = std::stoi(Env("ARXIVFLOW_SSH_PORT"));
    options_.user = Env("ARXIVFLOW_SSH_USER");
    options_.private_key_file = Env("ARXIVFLOW_SSH_KEY");
    options_.known_hosts_file = Env("ARXIVFLOW_SSH_KNOWN_HOSTS");
    work_ = Env("ARXIVFLOW_SSH_WORKDIR");
  }

  std::unique_ptr<SshSession> Connect() {
    auto s = SshSession::Connect(options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  SshOptions options_;
  std::string work_;
};

struct Captured {
  std::vector<std::string> out, err;
  LineCallback Callback() {
    return [this](OutputStream s, std::string_view line) {
      (s == OutputStream::kStdout ? out : err).emplace_back(line);
    };
  }
};

TEST_F(SshIntegration, RunsCommandAndStreamsLines) {
  auto ssh = Connect();
  ASSERT_TRUE(ssh);
  Captured c;
  auto r = ssh->Run("echo one; echo two >&2; printf 'three\\nfour'", c.Callback());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_status, 0);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(c.out, (std::vector<std::string>{"one", "three", "four"}));
  EXPECT_EQ(c.err, (std::vector<std::string>{"two"}));
}

TEST_F(SshIntegration, NonZeroExitStatusPropagates) {
  auto ssh = Connect();
  ASSERT_TRUE(ssh);
  auto r = ssh->Run("echo failing >&2; exit 7", nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_status, 7);
  // The session stays usable for the next command.
  auto again = ssh->Run("true", nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exit_status, 0);
}

TEST_F(SshIntegration, TimeoutKillsTheRemoteCommand) {
  auto ssh = Connect();
  ASSERT_TRUE(ssh);
  const std::string marker = work_ + "/still-running";
  Captured c;
  auto r = ssh->Run("echo started; sleep 31.7; touch " + marker, c.Callback(), std::chrono::milliseconds(700));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->timed_out);
  EXPECT_NE(r->exit_status, 0);
  EXPECT_EQ(c.out, (std::vector<std::string>{"started"}));
  // The whole remote process group is gone: neither the shell nor its
  // `sleep` child survives (the bracket keeps pgrep from matching itself).
  auto ps = ssh->Run("pgrep -f 'slee[p] 31.7' || echo none", c.Callback());
  ASSERT_TRUE(ps.ok());
  EXPECT_EQ(c.out.back(), "none");
}

TEST_F(SshIntegration, SftpRoundTripWithNestedFolders) {
  auto ssh = Connect();
  ASSERT_TRUE(ssh);
  const ScopedTempDir dir("af_ssh_it_");
  const std::string local = dir.File("upload.bin").string();
  std::string payload;
  for (int i = 0; i < 200000; ++i) payload += static_cast<char>(i * 31 + 7);
  {
    std::ofstream f(local, std::ios::binary);
    f << payload;
  }
  const std::string remote = work_ + "/a/b/c/script.py";
  Status st = ssh->Upload(local, remote);
  ASSERT_TRUE(st.ok()) << st.ToString();
  Captured c;
  auto r = ssh->Run("wc -c < " + remote + "; ls " + work_ + "/a/b/c", c.Callback());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.out, (std::vector<std::string>{"200000", "script.py"}));  // no leftover .part file
  // Overwrite in place.
  {
    std::ofstream f(local, std::ios::binary);
    f << "v2";
  }
  ASSERT_TRUE(ssh->Upload(local, remote).ok());
  const std::string back = (dir.path() / "download/x/y/back.bin").string();
  st = ssh->Download(remote, back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::ifstream in(back, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "v2");
  EXPECT_EQ(ssh->Download(work_ + "/missing", back).code(), Status::Code::kNotFound);
  EXPECT_EQ(ssh->Upload("/nonexistent/local", remote).code(), Status::Code::kNotFound);
}

TEST_F(SshIntegration, UnknownHostKeyIsRejectedByDefault) {
  SshOptions o = options_;
  const ScopedTempDir dir("af_ssh_it_");
  o.known_hosts_file = dir.File("empty_known_hosts").string();
  std::ofstream(o.known_hosts_file).close();
  auto s = SshSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(s.status().message().find("unknown host key"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("SHA256:"), std::string::npos) << s.status().message();
  // The explicit opt-out connects.
  o.insecure_skip_host_key_check = true;
  auto ok = SshSession::Connect(o);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(SshIntegration, ChangedHostKeyIsRejected) {
  SshOptions o = options_;
  o.known_hosts_file = Env("ARXIVFLOW_SSH_WRONG_KNOWN_HOSTS");
  auto s = SshSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(s.status().message().find("HOST KEY MISMATCH"), std::string::npos) << s.status().message();
}

TEST_F(SshIntegration, UnauthorisedKeyIsRejected) {
  SshOptions o = options_;
  o.private_key_file = Env("ARXIVFLOW_SSH_OTHER_KEY");
  auto s = SshSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(s.status().message().find("authentication failed"), std::string::npos) << s.status().message();
  o.private_key_file = "/nonexistent/key";
  EXPECT_EQ(SshSession::Connect(o).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(SshIntegration, WrongPasswordIsRejected) {
  SshOptions o = options_;
  o.private_key_file.clear();
  o.password = "definitely-wrong";
  auto s = SshSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(s.status().message().find("definitely-wrong"), std::string::npos);
}

TEST(SshUnreachable, ClosedPortIsUnavailable) {
  SshOptions o;
  o.host = "127.0.0.1";
  o.port = 9;
  o.user = "nobody";
  o.password = "x";
  o.connect_timeout_seconds = 5;
  auto s = SshSession::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(s.status().message().find("127.0.0.1:9"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace arxivflow::remote
