// HttpServer: the web server's socket layer — one event loop (epoll) that
// accepts connections and reads and bounds every request before a worker
// thread sees it, and a pool of workers that run the handler.
//
// Why not a thread per connection: a client that sends its request slowly (a
// header line every few seconds) would hold a thread for as long as it likes,
// and a few dozen of them starve everyone else. Here a connection costs a
// buffer until its request is complete, and only complete requests reach the
// workers.
//
// Contract:
// - Serve() runs until *stop becomes true (checked every 100 ms), then closes
//   every connection and joins the workers. Bind() must succeed first.
// - A request's head must arrive within head_timeout of its first byte (of
//   the connection, for the first request); its body within body_timeout of
//   the end of the head; otherwise 408 and the connection closes. An idle
//   keep-alive connection closes after idle_timeout; a response whose writing
//   makes no progress for write_timeout is dropped with its connection.
// - Heads and bodies are parsed and bounded by http_request_parser.h; a bad
//   head is answered at once (400, 413, 414, 417, 431, 501, 505) and the
//   connection closes.
// - At most max_connections connections, and max_connections_per_address per
//   client address (0 = no cap): the one over the cap gets 429 and is closed.
//   At most max_pending_requests complete requests wait for a worker, and
//   max_buffered_bytes of unfinished requests are held in all: beyond, 503.
// - Responses carry Content-Length (none for 1xx/204/304) and Connection:
//   close when the connection closes after them; header fields holding CR or
//   LF are dropped. The handler must be thread-safe; `errors` builds the
//   responses of the HTTP layer's own errors.
// - Thread-safe to construct and Serve() from one thread; Serve() once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/http_request_parser.h"
#include "server/http_types.h"

namespace arxivflow::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  int workers = 64;
  HttpLimits limits;
  std::chrono::milliseconds head_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 4096;
  size_t max_connections_per_address = 64;
  size_t max_pending_requests = 1024;
  // Bytes of unfinished requests held for all connections together; a read
  // beyond it gets 503 (so 4 096 clients each trickling a 1 MiB body cannot
  // take 4 GiB).
  size_t max_buffered_bytes = 256u << 20;
  int max_requests_per_connection = 10000;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  using ErrorResponder = std::function<HttpResponse(int status, const std::string& message)>;

  HttpServer(HttpServerOptions options, Handler handler, ErrorResponder errors);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port. kUnavailable when it cannot.
  Result<int> Bind();
  Status Serve(const std::atomic<bool>& stop);

  // The bytes sent for `response` (for tests and benchmarks).
  static std::string Serialize(const HttpResponse& response, bool head_request, bool close);

 private:
  class Loop;
  HttpServerOptions options_;
  Handler handler_;
  ErrorResponder errors_;
  int listen_fd_ = -1;
};

}  // namespace arxivflow::server
