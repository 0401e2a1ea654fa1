// S3Input against a small in-process S3 stand-in on 127.0.0.1 that answers
// HEAD and ranged GETs for one object and records the ranges asked for.
#include "transform/s3_input.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace arxivflow::transform {
namespace {

class RangeServer {
 public:
  explicit RangeServer(std::string object) : object_(std::move(object)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RangeServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::pair<uint64_t, uint64_t>> ranges() {
    std::lock_guard<std::mutex> lock(mu_);
    return ranges_;
  }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      std::string out;
      if (head.rfind("HEAD ", 0) == 0) {
        out = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(object_.size()) +
              "\r\nETag: \"abc123\"\r\nConnection: close\r\n\r\n";
      } else {
        uint64_t first = 0, last = object_.size() - 1;
        const size_t r = head.find("Range: bytes=");
        const size_t r2 = r == std::string::npos ? head.find("range: bytes=") : r;
        if (r2 != std::string::npos) {
          std::sscanf(head.c_str() + r2 + 13, "%lu-%lu", &first, &last);
          last = std::min<uint64_t>(last, object_.size() - 1);
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          ranges_.emplace_back(first, last + 1 - first);
        }
        const std::string body = object_.substr(first, last + 1 - first);
        out = "HTTP/1.1 206 Partial Content\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\nConnection: close\r\n\r\n" + body;
      }
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ::shutdown(c, SHUT_RDWR);
      ::close(c);
    }
  }

  std::string object_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;
};

std::shared_ptr<const remote::S3Client> Client(const std::string& endpoint) {
  remote::S3ClientOptions o;
  o.endpoint = endpoint;
  o.credentials.access_key_id = "AKIDEXAMPLE";
  o.credentials.secret_access_key = "secret";
  o.max_attempts = 1;
  return std::make_shared<const remote::S3Client>(o);
}

std::string Sha256Hex(const std::string& s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  std::string hex;
  for (unsigned char b : d) {
    static const char* k = "0123456789abcdef";
    hex.push_back(k[b >> 4]);
    hex.push_back(k[b & 15]);
  }
  return hex;
}

std::string Object(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "{\"id\":\"" + std::to_string(i) + "\"}\n";
  s.resize(n);
  return s;
}

std::string ReadAll(ByteSource* in, size_t step) {
  std::string out, buf(step, '\0');
  for (;;) {
    auto k = in->Read(buf.data(), buf.size());
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    if (!k.ok() || *k == 0) break;
    out.append(buf.data(), *k);
  }
  return out;
}

TEST(S3InputTest, StreamsInChunksWithChecksum) {
  const std::string object = Object(300 * 1024 + 17);
  RangeServer server(object);
  auto in = S3Input::Open(Client(server.endpoint()), "s3://bucket/in/snap.jsonl", 64 * 1024);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_TRUE((*in)->digest().EnableSha256().ok());
  EXPECT_EQ((*in)->size(), object.size());
  EXPECT_EQ((*in)->etag(), "abc123");
  auto peek = (*in)->Peek(4);
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ(*peek, object.substr(0, 4));
  EXPECT_EQ(ReadAll(in->get(), 10000), object);
  EXPECT_EQ((*in)->bytes_read(), object.size());
  EXPECT_EQ((*in)->digest().FinishSha256(), Sha256Hex(object));
  char crc[9];
  std::snprintf(crc, sizeof(crc), "%08lx", ::crc32(0, reinterpret_cast<const Bytef*>(object.data()),
                                                   static_cast<uInt>(object.size())));
  EXPECT_EQ((*in)->digest().Crc32Hex(), crc);
  // Every GET but the peek is a chunk of at most 64 KiB.
  for (const auto& [offset, length] : server.ranges()) EXPECT_LE(length, 64u * 1024) << offset;
}

TEST(S3InputTest, ReadEndLimitsWhatIsFetched) {
  const std::string object = Object(1 << 20);
  RangeServer server(object);
  auto in = S3Input::Open(Client(server.endpoint()), "s3://bucket/snap.jsonl", 256 * 1024);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_TRUE((*in)->Seek(100000).ok());
  (*in)->SetReadEnd(300000);
  std::string got(250000, '\0');
  size_t have = 0;
  while (have < got.size()) {
    auto k = (*in)->Read(got.data() + have, got.size() - have);
    ASSERT_TRUE(k.ok());
    ASSERT_GT(*k, 0u);
    have += *k;
  }
  EXPECT_EQ(got, object.substr(100000, 250000));
  uint64_t fetched_end = 0;
  for (const auto& [offset, length] : server.ranges()) fetched_end = std::max(fetched_end, offset + length);
  // The range up to 300000, then small overrun reads (64 + 128 KiB at most).
  EXPECT_LE(fetched_end, 300000u + (64u + 128u) * 1024);
  EXPECT_GE(server.ranges().front().first, 100000u);
}

TEST(S3InputTest, EmptyObjectAndBadUri) {
  RangeServer server(std::string(1, 'x'));
  EXPECT_FALSE(S3Input::Open(Client(server.endpoint()), "s3://bucket/", 1 << 20).ok());
  EXPECT_FALSE(S3Input::Open(Client(server.endpoint()), "s3://B!/key", 1 << 20).ok());
}

}  // namespace
}  // namespace arxivflow::transform
