// The HTTP/1.1 request parser of the web server's socket layer: the request
// head (request line and header fields, RFC 9112) and chunked request bodies.
//
// Contract: pure functions and a small state machine over bytes the caller
// has received; nothing here touches a socket or allocates beyond the parsed
// values. Everything is bounded by HttpLimits, and every malformed or
// over-limit input is a definite error with the status to answer, at the
// first byte that proves it (a request whose Content-Length is "-1" or
// overflows is refused as soon as its head is complete, without waiting for
// a body):
//   400 malformed request line, header or Content-Length; obsolete line
//       folding; Content-Length together with Transfer-Encoding; a
//       HTTP/1.1 request without exactly one Host
//   413 a declared or chunked body larger than max_body_bytes
//   414 a request target longer than max_target_bytes
//   417 an Expect other than 100-continue
//   431 a head larger than max_head_bytes or with more than max_headers fields
//   501 a transfer coding other than chunked
//   505 an HTTP version other than 1.0 and 1.1
// Not thread-safe per ChunkedDecoder; the functions are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace arxivflow::server {

struct HttpLimits {
  size_t max_head_bytes = 16 * 1024;
  size_t max_target_bytes = 8 * 1024;
  size_t max_headers = 100;
  size_t max_body_bytes = 1 << 20;
};

struct RequestHead {
  enum class Body { kNone, kLength, kChunked };
  std::string method;
  std::string target;  // origin form: "/path?query" (or "*")
  int minor_version = 1;  // HTTP/1.<minor>
  HeaderMap headers;
  Body body = Body::kNone;
  size_t content_length = 0;
  bool keep_alive = true;
  bool expect_continue = false;
};

struct ParseOutcome {
  enum class State { kIncomplete, kComplete, kError };
  State state = State::kIncomplete;
  size_t consumed = 0;  // kComplete: bytes of the head, its blank line included
  int status = 0;       // kError: the status to answer
  std::string message;  // kError: what was wrong, for the client

  static ParseOutcome Error(int status, std::string message) {
    return ParseOutcome{State::kError, 0, status, std::move(message)};
  }
};

// Parses the head at the start of `buffer` (leading empty lines are skipped).
// kIncomplete means more bytes are needed and none seen so far is invalid.
ParseOutcome ParseRequestHead(std::string_view buffer, const HttpLimits& limits, RequestHead* head);

// Decodes a chunked body (RFC 9112 section 7.1) incrementally; chunk
// extensions are ignored, trailer fields are read and dropped.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const HttpLimits& limits) : limits_(limits) {}

  // Consumes bytes of `input`, appending decoded data to *body. Returns how
  // many bytes it consumed; then done(), failed() or (neither) more needed.
  size_t Feed(std::string_view input, std::string* body);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kError; }
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone, kError };
  size_t Fail(int status, std::string message, size_t consumed);

  HttpLimits limits_;
  State state_ = State::kSize;
  std::string line_;        // the size or trailer line read so far
  uint64_t remaining_ = 0;  // of the current chunk
  size_t trailer_bytes_ = 0;
  int error_status_ = 0;
  std::string error_;
};

}  // namespace arxivflow::server
