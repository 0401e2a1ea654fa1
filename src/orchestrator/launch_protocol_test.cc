#include "orchestrator/launch_protocol.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

namespace arxivflow::orchestrator {
namespace {

class LaunchProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds_), 0);
    fcntl(fds_[1], F_SETFL, fcntl(fds_[1], F_GETFL) | O_NONBLOCK);
  }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }
  void WriteRaw(const std::string& bytes) { ASSERT_EQ(write(fds_[0], bytes.data(), bytes.size()), (ssize_t)bytes.size()); }
  int fds_[2];
};

TEST_F(LaunchProtocolTest, RoundTripsFramesInOrder) {
  ASSERT_TRUE(WriteFrame(fds_[0], {{"ev", "started"}, {"id", 1}, {"pid", 42}}).ok());
  ASSERT_TRUE(WriteFrame(fds_[0], {{"ev", "exit"}, {"pid", 42}, {"status", 256}}).ok());
  FrameReader reader(fds_[1]);
  ASSERT_TRUE(reader.Fill().ok());
  auto a = reader.Next();
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((**a)["pid"], 42);
  auto b = reader.Next();
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_EQ((**b)["status"], 256);
  auto c = reader.Next();
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*c);
  EXPECT_FALSE(reader.eof());
}

TEST_F(LaunchProtocolTest, PartialFrameWaitsForTheRest) {
  std::string body = R"({"ev":"exit","pid":7,"status":0})";
  std::string frame(4, '\0');
  frame[0] = static_cast<char>(body.size());
  WriteRaw(frame + body.substr(0, 5));
  FrameReader reader(fds_[1]);
  ASSERT_TRUE(reader.Fill().ok());
  auto none = reader.Next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  WriteRaw(body.substr(5));
  ASSERT_TRUE(reader.Fill().ok());
  auto one = reader.Next();
  ASSERT_TRUE(one.ok() && *one);
  EXPECT_EQ((**one)["pid"], 7);
}

TEST_F(LaunchProtocolTest, MalformedFramesAreCorruption) {
  FrameReader reader(fds_[1]);
  WriteRaw(std::string("\x05\0\0\0", 4) + "nope!");
  ASSERT_TRUE(reader.Fill().ok());
  EXPECT_FALSE(reader.Next().ok());  // not JSON
  WriteRaw(std::string("\x02\0\0\0", 4) + "[]");
  ASSERT_TRUE(reader.Fill().ok());
  EXPECT_FALSE(reader.Next().ok());  // not an object
  WriteRaw(std::string("\xff\xff\xff\x7f", 4));
  ASSERT_TRUE(reader.Fill().ok());
  EXPECT_FALSE(reader.Next().ok());  // larger than kMaxFrame
}

TEST_F(LaunchProtocolTest, PeerCloseIsEof) {
  close(fds_[0]);
  fds_[0] = open("/dev/null", O_RDONLY);
  FrameReader reader(fds_[1]);
  ASSERT_TRUE(reader.Fill().ok());
  EXPECT_TRUE(reader.eof());
}

}  // namespace
}  // namespace arxivflow::orchestrator
