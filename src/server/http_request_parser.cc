#include "server/http_request_parser.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace arxivflow::server {

namespace {

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Field values: visible characters, obs-text, space and tab.
bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Comma-separated list elements, trimmed, empty ones dropped.
std::vector<std::string_view> ListElements(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    size_t comma = value.find(',');
    std::string_view part = Trim(value.substr(0, comma));
    if (!part.empty()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

// A Content-Length value: digits only, no sign, no overflow.
bool ParseLength(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// Where the head ends: the index just past its blank line, or npos.
size_t HeadEnd(std::string_view buffer) {
  for (size_t i = buffer.find('\n'); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

}  // namespace

ParseOutcome ParseRequestHead(std::string_view buffer, const HttpLimits& limits, RequestHead* head) {
  // Empty lines before the request line are allowed (RFC 9112 section 2.2).
  size_t skipped = 0;
  while (skipped < buffer.size() && (buffer[skipped] == '\r' || buffer[skipped] == '\n')) ++skipped;
  if (skipped > 8) return ParseOutcome::Error(400, "empty lines before the request line");
  std::string_view rest = buffer.substr(skipped);
  size_t end = HeadEnd(rest);
  // Bytes no request head may hold fail at once (a TLS handshake sent to the
  // plain-HTTP port, binary garbage), not after the head timeout. Only the
  // head: the body, or a pipelined request, may follow in the buffer.
  size_t head_bytes = std::min(end == std::string_view::npos ? rest.size() : end, limits.max_head_bytes + 4);
  for (unsigned char c : rest.substr(0, head_bytes)) {
    if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f) {
      return ParseOutcome::Error(400, "control character in the request head");
    }
  }
  if (end == std::string_view::npos) {
    if (rest.size() > limits.max_head_bytes) {
      if (rest.find('\n') == std::string_view::npos) return ParseOutcome::Error(414, "request line too long");
      return ParseOutcome::Error(431, "request head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
    }
    return ParseOutcome{};
  }
  if (end > limits.max_head_bytes) {
    return ParseOutcome::Error(431, "request head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  }

  RequestHead h;
  std::string_view text = rest.substr(0, end);
  auto next_line = [&text](std::string_view* line) {
    size_t nl = text.find('\n');
    *line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    return line->find('\r') == std::string_view::npos;  // a bare CR is not a line break
  };

  std::string_view line;
  if (!next_line(&line)) return ParseOutcome::Error(400, "bare CR in the request line");
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return ParseOutcome::Error(400, "malformed request line");
  }
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                   version = line.substr(sp2 + 1);
  if (!IsToken(method) || method.size() > 32) return ParseOutcome::Error(400, "malformed request method");
  if (target.size() > limits.max_target_bytes) return ParseOutcome::Error(414, "request target too long");
  if (target.empty() || !(target[0] == '/' || (target == "*" && method == "OPTIONS"))) {
    return ParseOutcome::Error(400, "the request target must be a path starting with '/'");
  }
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f) return ParseOutcome::Error(400, "invalid character in the request target");
  }
  if (version == "HTTP/1.1") {
    h.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    h.minor_version = 0;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[6] == '.' &&
             std::isdigit(static_cast<unsigned char>(version[5])) &&
             std::isdigit(static_cast<unsigned char>(version[7]))) {
    return ParseOutcome::Error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
  } else {
    return ParseOutcome::Error(400, "malformed HTTP version");
  }
  h.method = std::string(method);
  h.target = std::string(target);

  size_t count = 0;
  while (true) {
    if (!next_line(&line)) return ParseOutcome::Error(400, "bare CR in a header field");
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') return ParseOutcome::Error(400, "obsolete header line folding");
    if (++count > limits.max_headers) {
      return ParseOutcome::Error(431, "more than " + std::to_string(limits.max_headers) + " header fields");
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return ParseOutcome::Error(400, "malformed header field");
    }
    std::string_view value = Trim(line.substr(colon + 1));
    if (!IsFieldValue(value)) return ParseOutcome::Error(400, "invalid character in a header field");
    h.headers.emplace(std::string(line.substr(0, colon)), std::string(value));
  }

  // Body framing (RFC 9112 section 6).
  bool has_length = false;
  uint64_t length = 0;
  auto lengths = h.headers.equal_range("Content-Length");
  for (auto it = lengths.first; it != lengths.second; ++it) {
    auto parts = ListElements(it->second);
    if (parts.empty()) return ParseOutcome::Error(400, "invalid Content-Length");
    for (std::string_view part : parts) {
      uint64_t v = 0;
      if (!ParseLength(part, &v)) return ParseOutcome::Error(400, "invalid Content-Length '" + std::string(part) + "'");
      if (has_length && v != length) return ParseOutcome::Error(400, "conflicting Content-Length values");
      has_length = true;
      length = v;
    }
  }
  auto codings = h.headers.equal_range("Transfer-Encoding");
  bool chunked = false;
  for (auto it = codings.first; it != codings.second; ++it) {
    for (std::string_view coding : ListElements(it->second)) {
      if (!EqualsNoCase(coding, "chunked") || chunked) {
        return ParseOutcome::Error(501, "only the chunked transfer coding is supported");
      }
      chunked = true;
    }
  }
  if (codings.first != codings.second) {
    if (!chunked) return ParseOutcome::Error(501, "only the chunked transfer coding is supported");
    if (h.minor_version == 0) return ParseOutcome::Error(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (has_length) return ParseOutcome::Error(400, "both Content-Length and Transfer-Encoding");
    h.body = RequestHead::Body::kChunked;
  } else if (has_length) {
    if (length > limits.max_body_bytes) {
      return ParseOutcome::Error(413, "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes");
    }
    h.content_length = static_cast<size_t>(length);
    h.body = length > 0 ? RequestHead::Body::kLength : RequestHead::Body::kNone;
  }

  if (h.minor_version == 1 && h.headers.count("Host") != 1) {
    return ParseOutcome::Error(400, "an HTTP/1.1 request needs exactly one Host header");
  }
  h.keep_alive = h.minor_version == 1;
  auto connection = h.headers.equal_range("Connection");
  for (auto it = connection.first; it != connection.second; ++it) {
    for (std::string_view option : ListElements(it->second)) {
      if (EqualsNoCase(option, "close")) h.keep_alive = false;
      if (EqualsNoCase(option, "keep-alive") && h.minor_version == 0) h.keep_alive = true;
    }
  }
  auto expect = h.headers.equal_range("Expect");
  for (auto it = expect.first; it != expect.second; ++it) {
    if (!EqualsNoCase(Trim(it->second), "100-continue")) {
      return ParseOutcome::Error(417, "only 'Expect: 100-continue' is supported");
    }
    h.expect_continue = h.minor_version == 1 && h.body != RequestHead::Body::kNone;
  }
  *head = std::move(h);
  return ParseOutcome{ParseOutcome::State::kComplete, skipped + end, 0, ""};
}

size_t ChunkedDecoder::Fail(int status, std::string message, size_t consumed) {
  state_ = State::kError;
  error_status_ = status;
  error_ = std::move(message);
  return consumed;
}

size_t ChunkedDecoder::Feed(std::string_view input, std::string* body) {
  constexpr size_t kMaxSizeLine = 1024;  // hex size plus chunk extensions
  size_t pos = 0;
  while (pos < input.size() && state_ != State::kDone && state_ != State::kError) {
    switch (state_) {
      case State::kSize:
      case State::kTrailer: {
        size_t nl = input.find('\n', pos);
        size_t take = (nl == std::string_view::npos ? input.size() : nl) - pos;
        line_.append(input.substr(pos, take));
        pos += take;
        if (state_ == State::kSize && line_.size() > kMaxSizeLine) return Fail(400, "chunk size line too long", pos);
        if (state_ == State::kTrailer && trailer_bytes_ + line_.size() > limits_.max_head_bytes) {
          return Fail(431, "chunked trailer larger than " + std::to_string(limits_.max_head_bytes) + " bytes", pos);
        }
        if (nl == std::string_view::npos) return pos;  // the line goes on
        ++pos;  // the '\n'
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (state_ == State::kTrailer) {
          trailer_bytes_ += line_.size() + 2;
          bool last = line_.empty();
          line_.clear();
          if (last) state_ = State::kDone;
          break;
        }
        std::string_view size_text = line_;
        size_text = size_text.substr(0, size_text.find(';'));
        size_text = Trim(size_text);
        if (size_text.empty() || size_text.size() > 16) return Fail(400, "invalid chunk size", pos);
        uint64_t size = 0;
        for (char c : size_text) {
          int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                   : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
          if (v < 0) return Fail(400, "invalid chunk size", pos);
          size = size * 16 + static_cast<uint64_t>(v);
        }
        line_.clear();
        if (size > limits_.max_body_bytes || body->size() + size > limits_.max_body_bytes) {
          return Fail(413, "request body larger than " + std::to_string(limits_.max_body_bytes) + " bytes", pos);
        }
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kData;
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, input.size() - pos));
        body->append(input.substr(pos, take));
        pos += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        // CRLF (or a bare LF) after the chunk's data.
        if (input[pos] == '\r') {
          if (pos + 1 >= input.size()) return pos;  // wait for the LF
          if (input[pos + 1] != '\n') return Fail(400, "missing CRLF after chunk data", pos);
          pos += 2;
        } else if (input[pos] == '\n') {
          pos += 1;
        } else {
          return Fail(400, "missing CRLF after chunk data", pos);
        }
        state_ = State::kSize;
        break;
      }
      case State::kDone:
      case State::kError:
        break;
    }
  }
  return pos;
}

}  // namespace arxivflow::server
