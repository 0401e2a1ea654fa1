#include "server/http_request_parser.h"

#include <gtest/gtest.h>

namespace arxivflow::server {
namespace {

using State = ParseOutcome::State;

ParseOutcome Parse(const std::string& text, RequestHead* head = nullptr, HttpLimits limits = HttpLimits()) {
  RequestHead local;
  return ParseRequestHead(text, limits, head ? head : &local);
}

TEST(HttpRequestParserTest, ParsesAHead) {
  RequestHead h;
  std::string text = "POST /api/v1/dags/x/dagRuns?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                     "Content-Type: application/json\r\nContent-Length: 2\r\nX-Empty:\r\n\r\n{}";
  auto r = Parse(text, &h);
  ASSERT_EQ(r.state, State::kComplete) << r.message;
  EXPECT_EQ(r.consumed, text.size() - 2);
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.target, "/api/v1/dags/x/dagRuns?a=1");
  EXPECT_EQ(h.body, RequestHead::Body::kLength);
  EXPECT_EQ(h.content_length, 2u);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_EQ(h.headers.find("content-type")->second, "application/json");
  EXPECT_EQ(h.headers.find("X-Empty")->second, "");
}

TEST(HttpRequestParserTest, WaitsForTheWholeHead) {
  for (std::string partial : {"", "GET", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r"}) {
    EXPECT_EQ(Parse(partial).state, State::kIncomplete) << partial;
  }
  RequestHead h;
  auto r = Parse("\r\nGET / HTTP/1.0\n\n", &h);  // a leading empty line; bare LF line ends
  ASSERT_EQ(r.state, State::kComplete) << r.message;
  EXPECT_FALSE(h.keep_alive);
  EXPECT_EQ(r.consumed, 18u);
}

TEST(HttpRequestParserTest, BinaryBodyBytesAfterTheHeadAreNotTheHeads) {
  // Found by fuzzing: a NUL in the body (already in the buffer) failed the head.
  RequestHead h;
  std::string text("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n\x00\x01\x02", 50);
  auto r = Parse(text, &h);
  ASSERT_EQ(r.state, State::kComplete) << r.message;
  EXPECT_EQ(r.consumed, 47u);
}

TEST(HttpRequestParserTest, KeepAliveAndExpect) {
  RequestHead h;
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", &h).state, State::kComplete);
  EXPECT_FALSE(h.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &h).state, State::kComplete);
  EXPECT_TRUE(h.keep_alive);
  ASSERT_EQ(Parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", &h).state,
            State::kComplete);
  EXPECT_TRUE(h.expect_continue);
  ASSERT_EQ(Parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", &h).state, State::kComplete);
  EXPECT_EQ(h.body, RequestHead::Body::kChunked);
}

struct Bad {
  std::string text;
  int status;
  std::string message;  // a part of it
};

TEST(HttpRequestParserTest, RefusesMalformedAndOverLimitHeadsAtOnce) {
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  std::vector<Bad> cases = {
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "invalid Content-Length '-1'"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400, "invalid Content-Length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n", 400, "invalid Content-Length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3\r\n\r\n", 400, "invalid Content-Length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400, "invalid Content-Length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "conflicting"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", 400, "conflicting"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", 413, "larger than 1000 bytes"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "chunked"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 501, "chunked"},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0"},
      {"GET / HTTP/1.1\r\n\r\n", 400, "Host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host"},
      {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"},
      {"GET / HTTPS/1.1\r\nHost: a\r\n\r\n", 400, "version"},
      {"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "request line"},
      {"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "request line"},
      {"GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "starting with '/'"},
      {"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "method"},
      {"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400, "malformed header"},
      {"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, "malformed header"},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n", 400, "folding"},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400, "bare CR"},
      {"GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417, "100-continue"},
      {std::string("GET / HTTP/1.1\r\nHost: a\0\r\n", 26), 400, "control character"},
      {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, "control character"},  // TLS ClientHello
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, "too long"},
      {"GET /" + std::string(20000, 'a'), 414, "too long"},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(20000, 'a'), 431, "larger than 16384"},
  };
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  cases.push_back({many + "\r\n", 431, "more than 100 header fields"});
  for (const auto& c : cases) {
    auto r = Parse(c.text, nullptr, limits);
    ASSERT_EQ(r.state, State::kError) << c.text.substr(0, 80);
    EXPECT_EQ(r.status, c.status) << c.text.substr(0, 80) << " -> " << r.message;
    EXPECT_NE(r.message.find(c.message), std::string::npos) << r.message;
  }
}

std::string Decode(ChunkedDecoder& d, const std::string& input, size_t step, size_t* left = nullptr) {
  std::string body, pending;
  for (size_t i = 0; i < input.size(); i += step) {
    pending += input.substr(i, step);
    size_t used = d.Feed(pending, &body);
    pending.erase(0, used);
    if (d.done() || d.failed()) break;
  }
  if (left) *left = pending.size();
  return body;
}

TEST(HttpRequestParserTest, DecodesChunkedBodiesInAnyPieces) {
  std::string input = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (size_t step : {1u, 2u, 3u, 7u, 100u}) {
    ChunkedDecoder d{HttpLimits()};
    size_t left = 0;
    EXPECT_EQ(Decode(d, input, step, &left), "hello world") << step;
    EXPECT_TRUE(d.done()) << step;
    if (step == 100) {
      EXPECT_EQ(left, 4u);  // "NEXT" belongs to the next request
    }
  }
}

TEST(HttpRequestParserTest, RefusesBadOrOversizedChunks) {
  HttpLimits limits;
  limits.max_body_bytes = 10;
  for (std::pair<std::string, int> c : std::vector<std::pair<std::string, int>>{
           {"zz\r\n", 400}, {"-1\r\n", 400}, {"\r\n", 400}, {"11\r\n", 413}, {"ffffffffffffffffff\r\n", 400},
           {"5\r\nhelloXX", 400}, {"6\r\nhello \r\n5\r\nworld\r\n", 413},
           {"1;" + std::string(2000, 'e') + "\r\n", 400}}) {
    ChunkedDecoder d(limits);
    Decode(d, c.first, 3);
    ASSERT_TRUE(d.failed()) << c.first.substr(0, 40);
    EXPECT_EQ(d.error_status(), c.second) << c.first.substr(0, 40) << ": " << d.error();
  }
}

}  // namespace
}  // namespace arxivflow::server
