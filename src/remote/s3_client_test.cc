// S3Client retry and resume logic against a scripted HTTP server on
// 127.0.0.1 that fails on purpose (503s, bodies cut off mid-stream).
#include "remote/s3_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>
#include <vector>

namespace arxivflow::remote {
namespace {

// Serves one scripted reply per connection; records each request's head.
class ScriptedServer {
 public:
  using Reply = std::function<std::string(const std::string& request_head)>;

  explicit ScriptedServer(std::vector<Reply> replies) : replies_(std::move(replies)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::vector<std::string>& heads() const { return heads_; }

 private:
  void Serve() {
    for (const Reply& reply : replies_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      heads_.push_back(head);
      std::string out = reply(head);
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ::shutdown(c, SHUT_RDWR);
      ::close(c);
    }
  }

  std::vector<Reply> replies_;
  std::vector<std::string> heads_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

S3ClientOptions Options(const std::string& endpoint) {
  S3ClientOptions o;
  o.endpoint = endpoint;
  o.credentials = {"AKIDTEST", "SECRETTEST", "", "test"};
  o.initial_backoff_ms = 1;
  o.max_attempts = 3;
  return o;
}

std::string Response(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra + "\r\n" + body;
}

TEST(S3ClientRetries, ServerErrorsAreRetriedThenSucceed) {
  ScriptedServer server({[](const std::string&) { return Response(503, "<Error><Code>SlowDown</Code></Error>"); },
                         [](const std::string&) { return Response(500, ""); },
                         [](const std::string&) { return Response(200, ""); }});
  S3Client client(Options(server.endpoint()));
  Status st = client.PutObject("bucket", "dir/key", "payload");
  EXPECT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(server.heads().size(), 3u);
  EXPECT_EQ(server.heads()[0].rfind("PUT /bucket/dir/key HTTP/1.1", 0), 0u) << server.heads()[0];
  EXPECT_NE(server.heads()[0].find("x-amz-content-sha256: "), std::string::npos);
  EXPECT_EQ(server.heads()[0].find("SECRETTEST"), std::string::npos);
}

TEST(S3ClientRetries, PersistentServerErrorsGiveUpWithTheLastCause) {
  auto slow = [](const std::string&) {
    return Response(503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
  };
  ScriptedServer server({slow, slow, slow});
  S3Client client(Options(server.endpoint()));
  Status st = client.DeleteObject("bucket", "k");
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_NE(st.message().find("after 3 attempts"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("SlowDown: Please reduce your request rate."), std::string::npos) << st.message();
}

TEST(S3ClientRetries, ClientErrorsAreNotRetried) {
  ScriptedServer server({[](const std::string&) {
    return Response(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>RID</RequestId></Error>");
  }});
  S3Client client(Options(server.endpoint()));
  Status st = client.PutObject("bucket", "k", "v");
  EXPECT_EQ(st.code(), Status::Code::kPermissionDenied);
  EXPECT_NE(st.message().find("AccessDenied: Access Denied"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("request id RID"), std::string::npos) << st.message();
  EXPECT_EQ(server.heads().size(), 1u);
}

TEST(S3ClientRetries, BrokenBodyResumesFromTheFirstMissingByte) {
  const std::string object = "0123456789abcdefghijklmnopqrstuvwxyz";
  ScriptedServer server({
      // Promises the whole range, sends 10 bytes, hangs up.
      [&](const std::string&) {
        return "HTTP/1.1 206 Partial\r\nContent-Length: 30\r\nConnection: close\r\n\r\n" + object.substr(2, 10);
      },
      [&](const std::string&) { return Response(206, object.substr(12, 20)); },
  });
  S3Client client(Options(server.endpoint()));
  auto got = client.GetObjectToString("bucket", "k", ByteRange{2, 30});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, object.substr(2, 30));
  ASSERT_EQ(server.heads().size(), 2u);
  EXPECT_NE(server.heads()[0].find("range: bytes=2-31"), std::string::npos) << server.heads()[0];
  EXPECT_NE(server.heads()[1].find("range: bytes=12-31"), std::string::npos) << server.heads()[1];
}

TEST(S3ClientRetries, CallbackErrorsStopTheDownload) {
  ScriptedServer server({[](const std::string&) { return Response(200, std::string(1000, 'x')); }});
  S3Client client(Options(server.endpoint()));
  Status st = client.GetObject("bucket", "k", std::nullopt,
                               [](std::string_view) { return Status::Aborted("disk full"); });
  EXPECT_EQ(st.code(), Status::Code::kAborted);
  EXPECT_EQ(server.heads().size(), 1u);
}

TEST(S3Client, AddressingStyles) {
  S3ClientOptions aws;
  aws.region = "eu-west-1";
  EXPECT_EQ(S3Client(aws).ObjectUrl("my-bucket", "a b/c"), "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c");
  EXPECT_EQ(S3Client(aws).ObjectUrl("my.bucket", "k"), "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
  S3ClientOptions custom;
  custom.endpoint = "http://127.0.0.1:4568/";
  EXPECT_EQ(S3Client(custom).ObjectUrl("b", "k"), "http://127.0.0.1:4568/b/k");
  custom.endpoint = "not a url";
  custom.credentials = {"a", "b", "", ""};
  EXPECT_EQ(S3Client(custom).PutObject("bucket", "k", "v").code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace arxivflow::remote
