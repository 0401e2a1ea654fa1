// libFuzzer target: the web server's HTTP/1.1 request parser — the request
// head and chunked bodies, fed whole and in pieces as the socket delivers
// them. Whatever the bytes: a definite outcome, within the limits, never a
// crash; and a piecewise parse agrees with a whole one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/http_request_parser.h"

using namespace arxivflow::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  HttpLimits limits;
  limits.max_head_bytes = 2048;
  limits.max_body_bytes = 4096;
  size_t step = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  RequestHead whole;
  ParseOutcome all = ParseRequestHead(input, limits, &whole);
  if (all.state == ParseOutcome::State::kComplete && all.consumed > input.size()) abort();
  if (all.state == ParseOutcome::State::kError && (all.status < 400 || all.status > 505)) abort();
  // Growing prefixes: incomplete until the whole answer, which must match.
  for (size_t n = step; n < input.size(); n += step) {
    RequestHead part;
    ParseOutcome prefix = ParseRequestHead(input.substr(0, n), limits, &part);
    if (prefix.state == ParseOutcome::State::kComplete) {
      if (all.state != ParseOutcome::State::kComplete || prefix.consumed != all.consumed) abort();
      break;
    }
    if (prefix.state == ParseOutcome::State::kError) {
      if (all.state != ParseOutcome::State::kError) abort();
      break;
    }
  }
  if (all.state != ParseOutcome::State::kComplete) return 0;

  // The rest as a chunked body, whole and in pieces: the same body.
  std::string_view rest = input.substr(all.consumed);
  ChunkedDecoder a(limits), b(limits);
  std::string body_a, body_b, pending;
  a.Feed(rest, &body_a);
  for (size_t i = 0; i < rest.size() && !b.done() && !b.failed(); i += step) {
    pending.append(rest.substr(i, step));
    pending.erase(0, b.Feed(pending, &body_b));
  }
  if (body_a.size() > limits.max_body_bytes) abort();
  if (a.done() != b.done() || a.failed() != b.failed()) abort();
  if (a.done() && body_a != body_b) abort();
  return 0;
}
