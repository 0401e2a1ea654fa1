// One HTTP exchange over libcurl: the transport under the S3 client and the
// AWS API helpers.
//
// Contract:
// - SendHttp performs exactly one attempt (no retries: callers decide, since
//   only they know whether a request is idempotent). A transport failure
//   (refused, reset, timeout, DNS) is Status::Unavailable naming the URL;
//   any HTTP status, 4xx and 5xx included, is a successful exchange.
// - Headers are sent exactly as given (curl adds no Content-Type, Expect or
//   Accept of its own), so what was signed is what is sent.
// - With `on_body` set, a 2xx body streams into it in chunks as it arrives
//   (memory stays bounded); a non-2xx body is kept in HttpResponse::body
//   (capped at 1 MiB) for the error message. Without it the body is kept.
// - URLs never carry secrets, so they may appear in messages.
// - Thread-safe: each thread uses its own curl handle (kept, with its
//   connection cache, for the thread's next request).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "remote/aws_sigv4.h"

namespace arxivflow::remote {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string_view body;  // must outlive the call
  long connect_timeout_seconds = 10;
  long timeout_seconds = 300;  // whole exchange; 0 = none
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names lower-cased
  std::string body;

  // Value of the first header called `name` (lower-case), or "".
  std::string Header(std::string_view name) const;
};

// Receives body bytes; a non-OK return aborts the transfer with that status.
using BodyCallback = std::function<Status(std::string_view chunk)>;

Result<HttpResponse> SendHttp(const HttpRequest& request, const BodyCallback& on_body = nullptr);

// "http://127.0.0.1:4568/x?y" -> scheme "http", authority "127.0.0.1:4568".
struct UrlParts {
  std::string scheme;
  std::string authority;  // host[:port] as written
  std::string path;       // from the first '/', without query; "" when absent
};
Result<UrlParts> SplitUrl(std::string_view url);

}  // namespace arxivflow::remote
