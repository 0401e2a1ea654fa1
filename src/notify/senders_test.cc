#include "notify/senders.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::notify {
namespace {

TEST(RunCommand, SucceedsAndPassesTheContextButNoConnections) {
  setenv("ARXIVFLOW_CONN_SECRET_DB", "postgresql://u:p@h/db", 1);
  const ScopedTempDir dir("af_senders_test_");
  std::string out = dir.File("env").string();
  Status s = RunCommand({"sh", "-c", "env > \"$1\"", "sh", out}, {"ARXIVFLOW_DAG_ID=d1", "ARXIVFLOW_EVENT=failure"}, 10);
  unsetenv("ARXIVFLOW_CONN_SECRET_DB");
  ASSERT_TRUE(s.ok()) << s.message();
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("ARXIVFLOW_DAG_ID=d1\n"), std::string::npos);
  EXPECT_NE(text.str().find("ARXIVFLOW_EVENT=failure\n"), std::string::npos);
  EXPECT_EQ(text.str().find("ARXIVFLOW_CONN_"), std::string::npos);
}

TEST(RunCommand, ReportsExitStatusMissingCommandAndTimeout) {
  EXPECT_EQ(RunCommand({"sh", "-c", "exit 3"}, {}, 10).message(), "command 'sh' exited with status 3");
  EXPECT_EQ(RunCommand({"no-such-command-af"}, {}, 10).code(), Status::Code::kInvalidArgument);
  Status slow = RunCommand({"sleep", "30"}, {}, 0.2);
  EXPECT_EQ(slow.code(), Status::Code::kUnavailable);
  EXPECT_NE(slow.message().find("timed out"), std::string::npos);
}

TEST(RunCommand, ItsChildIsNotReapedByAWaitForAnyChild) {
  // The scheduler's executor reaps with waitpid(-1); the notifier's child
  // must stay out of its reach, or the notifier loses its exit status.
  std::thread reaper([] {
    for (int i = 0; i < 200; ++i) {
      int status;
      waitpid(-1, &status, WNOHANG);
      usleep(1000);
    }
  });
  Status s = RunCommand({"sleep", "0.1"}, {}, 10);
  reaper.join();
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RunCommand, InheritsNoOpenFileOfTheCaller) {
  int zero = open("/dev/zero", O_RDONLY);
  int leaked = dup2(zero, 100);  // no O_CLOEXEC on purpose
  close(zero);
  ASSERT_EQ(leaked, 100);
  const ScopedTempDir dir("af_senders_test_");
  std::string out = dir.File("fds").string();
  Status s = RunCommand({"sh", "-c", "ls /proc/self/fd > \"$1\"", "sh", out}, {}, 10);
  close(leaked);
  ASSERT_TRUE(s.ok()) << s.message();
  std::ifstream in(out);
  std::vector<std::string> fds;
  for (std::string line; std::getline(in, line);) fds.push_back(line);
  // 0-2 (/dev/null), the one `ls` opens for /proc/self/fd, and nothing of ours.
  EXPECT_EQ(std::count(fds.begin(), fds.end(), std::to_string(leaked)), 0) << leaked;
  EXPECT_LE(fds.size(), 5u);
}

TEST(Mime, MultipartAlternativeWithBase64Parts) {
  std::string m = BuildMimeMessage("a@example.com", {"b@example.com", "c@example.com"}, "Subj ü", "plain", "<p>x</p>",
                                   "BOUNDARY");
  EXPECT_NE(m.find("Content-Type: multipart/alternative; boundary=\"BOUNDARY\"\r\n"), std::string::npos);
  EXPECT_NE(m.find("To: b@example.com, c@example.com\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(m.find("cGxhaW4=\r\n"), std::string::npos);  // "plain"
  EXPECT_NE(m.find("--BOUNDARY--\r\n"), std::string::npos);
}

TEST(Webhook, RefusesOtherSchemesAndReportsAnUnreachableReceiver) {
  WebhookTarget bad;
  bad.url = "file:///etc/passwd";
  EXPECT_EQ(PostWebhook(bad, "{}", 1).code(), Status::Code::kInvalidArgument);
  // Port 9 (discard) on loopback: nothing listens in the test environment.
  WebhookTarget down;
  down.url = "http://127.0.0.1:9/x";
  Status s = PostWebhook(down, "{}", 2);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace arxivflow::notify
