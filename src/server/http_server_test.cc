// The socket layer on loopback: keep-alive and pipelining, bodies (length and
// chunked), 100-continue, deadlines, the per-address cap, slow readers of big
// responses, clients that vanish mid-request, and a clean stop.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace arxivflow::server {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.workers = 2;
    server_ = std::make_unique<HttpServer>(
        options,
        [](const HttpRequest& r) {
          HttpResponse out;
          out.content_type = "text/plain";
          if (r.path == "/big") {
            out.body.assign(8 << 20, 'x');
          } else if (r.path == "/slow") {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            out.body = "slow";
          } else {
            out.body = r.method + " " + r.path + " q=" + r.Query("q") + " body=" + r.body + " from=" + r.remote_addr;
          }
          return out;
        },
        [](int status, const std::string& message) {
          HttpResponse p;
          p.status = status;
          p.content_type = "text/plain";
          p.body = message;
          return p;
        });
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { ASSERT_TRUE(server_->Serve(stop_).ok()); });
  }

  void TearDown() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int Connect(const char* source = "127.0.0.1") {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  }

  static void Send(int fd, const std::string& bytes) {
    ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }

  // Reads until `count` complete responses (by Content-Length) or EOF/timeout.
  static std::string Read(int fd, int count = 1) {
    std::string data;
    char buf[65536];
    while (true) {
      int complete = 0;
      size_t pos = 0;
      while (true) {
        size_t end = data.find("\r\n\r\n", pos);
        if (end == std::string::npos) break;
        size_t cl = data.find("Content-Length: ", pos);
        size_t len = cl != std::string::npos && cl < end ? std::stoul(data.substr(cl + 16)) : 0;
        if (data.size() < end + 4 + len) break;
        ++complete;
        pos = end + 4 + len;
      }
      if (complete >= count) return data;
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return data;
      data.append(buf, static_cast<size_t>(n));
    }
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int port_ = 0;
};

TEST_F(HttpServerTest, KeepAlivePipeliningAndBodies) {
  Start(HttpServerOptions{});
  int fd = Connect();
  Send(fd, "GET /a?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = Read(fd);
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first;
  EXPECT_NE(first.find("GET /a q=1 body= from=127.0.0.1"), std::string::npos) << first;
  EXPECT_EQ(first.find("Connection: close"), std::string::npos);
  // Two pipelined requests, the second with a body in two pieces.
  Send(fd, "GET /b HTTP/1.1\r\nHost: x\r\n\r\nPOST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Send(fd, " world");
  std::string two = Read(fd, 2);
  EXPECT_NE(two.find("GET /b"), std::string::npos) << two;
  EXPECT_NE(two.find("POST /c q= body=hello world"), std::string::npos) << two;
  // Chunked, then Connection: close.
  Send(fd, "POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  std::string last = Read(fd);
  EXPECT_NE(last.find("body=abc"), std::string::npos) << last;
  EXPECT_NE(last.find("Connection: close"), std::string::npos) << last;
  close(fd);
}

TEST_F(HttpServerTest, ExpectContinue) {
  Start(HttpServerOptions{});
  int fd = Connect();
  Send(fd, "PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  char buf[64] = {0};
  ASSERT_GT(recv(fd, buf, sizeof buf - 1, 0), 0);
  EXPECT_STREQ(buf, "HTTP/1.1 100 Continue\r\n\r\n");
  Send(fd, "ok");
  EXPECT_NE(Read(fd).find("PUT /e q= body=ok"), std::string::npos);
  close(fd);
}

TEST_F(HttpServerTest, BadHeadsAreAnsweredAtOnceAndClosed) {
  Start(HttpServerOptions{});
  int fd = Connect();
  Send(fd, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n");
  std::string r = Read(fd);
  EXPECT_EQ(r.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
  char c;
  EXPECT_EQ(recv(fd, &c, 1, 0), 0);  // closed
  close(fd);
}

TEST_F(HttpServerTest, SlowHeadsGet408AndOthersAreServedMeanwhile) {
  HttpServerOptions o;
  o.head_timeout = std::chrono::milliseconds(300);
  Start(o);
  int slow = Connect();
  Send(slow, "GET / HTTP/1.1\r\n");
  for (int i = 0; i < 3; ++i) {
    int fd = Connect();
    Send(fd, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(Read(fd).find("GET /other"), std::string::npos);
    close(fd);
  }
  Send(slow, "X-Slow: 1\r\n");
  std::string r = Read(slow);  // arrives once the head deadline has passed
  EXPECT_EQ(r.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << r;
  close(slow);
}

TEST_F(HttpServerTest, ConnectionsPerAddressAreCapped) {
  HttpServerOptions o;
  o.max_connections_per_address = 2;
  Start(o);
  int a = Connect("127.0.0.2"), b = Connect("127.0.0.2");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both accepted
  int c = Connect("127.0.0.2");
  std::string r = Read(c);
  EXPECT_EQ(r.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u) << r;
  int other = Connect("127.0.0.3");
  Send(other, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Read(other).find("GET /fine"), std::string::npos);
  close(a);
  close(b);
  close(c);
  close(other);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int again = Connect("127.0.0.2");  // the count went down with the closes
  Send(again, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Read(again).find("GET /again"), std::string::npos);
  close(again);
}

TEST_F(HttpServerTest, SlowReadersOfBigResponsesAndVanishingClients) {
  Start(HttpServerOptions{});
  int fd = Connect();
  int small = 65536;  // well under the 8 MiB response: the server waits for EPOLLOUT
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  Send(fd, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the server's socket buffer fills
  std::string r = Read(fd);
  EXPECT_EQ(r.size() - (r.find("\r\n\r\n") + 4), static_cast<size_t>(8 << 20));
  // The loop finished what the worker could not write; the connection stays usable.
  Send(fd, "GET /after-big HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Read(fd).find("GET /after-big"), std::string::npos);
  close(fd);
  // A client that leaves while its request is handled, and one that leaves mid-head.
  int gone = Connect();
  Send(gone, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  close(gone);
  int half = Connect();
  Send(half, "GET /x HTTP/1.1\r\nHo");
  close(half);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  int next = Connect();
  Send(next, "GET /still HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Read(next).find("GET /still"), std::string::npos);
  close(next);
}

// Workers write their responses themselves: many connections at once, each
// with several keep-alive requests, get every answer in order, and a HEAD
// answer carries the length but no body.
TEST_F(HttpServerTest, WorkersWriteResponsesOnManyKeepAliveConnections) {
  Start(HttpServerOptions{});
  constexpr int kClients = 16, kRequests = 20;
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      int fd = Connect();
      for (int j = 0; j < kRequests; ++j) {
        std::string path = "/c" + std::to_string(i) + "r" + std::to_string(j);
        Send(fd, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        std::string r = Read(fd);
        if (r.find("GET " + path + " ") != std::string::npos) ++answered;
      }
      close(fd);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), kClients * kRequests);

  int fd = Connect();
  Send(fd, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    head.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: "), std::string::npos) << head;
  EXPECT_EQ(head.size(), head.find("\r\n\r\n") + 4) << "a HEAD answer has no body: " << head;
  Send(fd, "GET /after-head HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string next = Read(fd);
  EXPECT_EQ(next.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << next;
  EXPECT_NE(next.find("GET /after-head"), std::string::npos) << next;
  close(fd);
}

}  // namespace
}  // namespace arxivflow::server
