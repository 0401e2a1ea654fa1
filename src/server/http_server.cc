#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/logging.h"
#include "server/problem.h"

namespace arxivflow::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
// After a response that closes the connection, what the client still sends
// is read and dropped for a while, so that closing does not reset the
// connection before the client has read the response.
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr size_t kReadChunk = 16384;

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// The client's address without the port; IPv4-mapped IPv6 as plain IPv4.
std::string AddressText(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(ss);
    if (IN6_IS_ADDR_V4MAPPED(&a6.sin6_addr)) {
      inet_ntop(AF_INET, reinterpret_cast<const uint8_t*>(&a6.sin6_addr) + 12, buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &a6.sin6_addr, buf, sizeof buf);
    }
  }
  return buf;
}

struct Conn {
  enum class State { kIdle, kHead, kBody, kHandling, kWriting, kDraining };
  uint64_t id = 0;
  int fd = -1;
  std::string addr;
  State state = State::kIdle;
  uint32_t events = 0;
  Clock::time_point deadline;
  std::string in;  // received, not yet parsed
  RequestHead head;
  std::unique_ptr<ChunkedDecoder> chunked;
  std::string body;
  std::string out;
  size_t out_pos = 0;
  bool close_after_write = false;
  bool peer_closed = false;
  bool gone = false;  // hung up while its request was handled
  int served = 0;
  size_t drained = 0;
  size_t accounted = 0;  // of in + body, in the loop's buffered_ total
};

struct Job {
  uint64_t conn_id;
  int fd;  // the loop never closes it while the request is handled
  HttpRequest request;
  bool head_request;
  bool close;
};

// A worker writes its response itself as far as the socket takes it (the
// loop thread would otherwise copy every response); the rest, if any, goes
// back to the loop.
struct Finished {
  uint64_t conn_id;
  std::string rest;  // bytes the socket did not take yet
  bool close;
  bool failed;  // the client is gone
};

}  // namespace

std::string HttpServer::Serialize(const HttpResponse& r, bool head_request, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + ReasonPhrase(r.status) + "\r\n";
  if (!r.content_type.empty() && !HasLineBreak(r.content_type)) out += "Content-Type: " + r.content_type + "\r\n";
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) || name.find(':') != std::string::npos) continue;
    out += name + ": " + value + "\r\n";
  }
  bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (!bodiless) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_request && !bodiless) out += r.body;
  return out;
}

// The event loop and its workers, for one Serve() call.
class HttpServer::Loop {
 public:
  explicit Loop(HttpServer& server) : s_(server), o_(server.options_) {}

  ~Loop() {
    for (auto& [id, c] : conns_) close(c->fd);
    if (wake_fd_ >= 0) close(wake_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  Status Run(const std::atomic<bool>& stop) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) return Status::IOError(std::string("epoll: ") + std::strerror(errno));
    Watch(s_.listen_fd_, kListenerId, EPOLLIN, EPOLL_CTL_ADD);
    Watch(wake_fd_, kWakeId, EPOLLIN, EPOLL_CTL_ADD);
    for (int i = 0; i < std::max(1, o_.workers); ++i) workers_.emplace_back([this] { WorkerMain(); });
    epoll_event events[256];
    auto last_sweep = Clock::now();
    while (!stop.load()) {
      int n = epoll_wait(epoll_fd_, events, 256, 100);
      if (n < 0 && errno != EINTR) {
        spdlog::error("web server: epoll_wait: {}", std::strerror(errno));
        break;
      }
      for (int i = 0; i < n; ++i) {
        uint64_t id = events[i].data.u64;
        uint32_t ev = events[i].events;
        if (id == kListenerId) {
          Accept();
        } else if (id == kWakeId) {
          Finish();
        } else {
          OnEvent(id, ev);
        }
      }
      auto now = Clock::now();
      if (now - last_sweep >= std::chrono::milliseconds(100)) {
        last_sweep = now;
        Sweep(now);
      }
    }
    {
      std::lock_guard<std::mutex> lock(jobs_mu_);
      stopping_ = true;
    }
    jobs_cv_.notify_all();
    for (auto& t : workers_) t.join();
    return Status::OK();
  }

 private:
  void Watch(int fd, uint64_t id, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    epoll_ctl(epoll_fd_, op, fd, &ev);
  }

  void SetEvents(Conn& c, uint32_t events) {
    if (c.events == events) return;
    c.events = events;
    Watch(c.fd, c.id, events, EPOLL_CTL_MOD);
  }

  Conn* Find(uint64_t id) {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : it->second.get();
  }

  // Keeps buffered_ equal to the bytes all connections hold.
  void Account(Conn& c) {
    size_t now = c.in.size() + c.body.size();
    buffered_ = buffered_ - c.accounted + now;
    c.accounted = now;
  }

  void Close(Conn& c) {
    uint64_t id = c.id;
    buffered_ -= c.accounted;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    auto count = per_address_.find(c.addr);
    if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
    conns_.erase(id);  // destroys c
  }

  void Accept() {
    auto now = Clock::now();
    for (int accepted = 0; accepted < 256; ++accepted) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd = accept4(s_.listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          spdlog::warn("web server: cannot accept connections: {}", std::strerror(errno));
        }
        return;
      }
      std::string addr = AddressText(ss);
      size_t& from_address = per_address_[addr];
      if (conns_.size() >= o_.max_connections ||
          (o_.max_connections_per_address > 0 && from_address >= o_.max_connections_per_address)) {
        if (from_address == 0) per_address_.erase(addr);
        // Best effort: the socket buffer takes this small answer at once.
        std::string bytes = Serialize(s_.errors_(429, conns_.size() >= o_.max_connections
                                                          ? std::string("too many open connections")
                                                          : "too many open connections from " + addr),
                                      false, true);
        (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        shutdown(fd, SHUT_WR);
        close(fd);
        if (++refused_ % 1000 == 1) {
          spdlog::warn("web server: refused a connection from {} (at most {} per address, {} in all)", addr,
                       o_.max_connections_per_address, o_.max_connections);
        }
        continue;
      }
      ++from_address;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->id = next_id_++;
      c->fd = fd;
      c->addr = std::move(addr);
      c->state = Conn::State::kIdle;
      c->deadline = now + o_.head_timeout;  // the first request's head, from the connection
      c->events = EPOLLIN;
      Watch(fd, c->id, EPOLLIN, EPOLL_CTL_ADD);
      conns_.emplace(c->id, std::move(c));
    }
  }

  void OnEvent(uint64_t id, uint32_t ev) {
    Conn* c = Find(id);
    if (!c) return;
    if (c->state == Conn::State::kHandling) {
      // A worker may be writing to this socket: it is closed when the
      // worker is done; until then, no more events for it.
      if (ev & (EPOLLERR | EPOLLHUP)) {
        c->gone = true;
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
      }
      return;
    }
    if (ev & EPOLLERR) {
      Close(*c);
      return;
    }
    if ((ev & EPOLLOUT) && c->state == Conn::State::kWriting) {
      Write(*c);
      c = Find(id);
      if (!c) return;
    }
    if (ev & (EPOLLIN | EPOLLHUP)) {
      switch (c->state) {
        case Conn::State::kIdle:
        case Conn::State::kHead:
        case Conn::State::kBody:
          Read(*c);
          break;
        case Conn::State::kDraining:
          Drain(*c);
          break;
        case Conn::State::kHandling:  // handled above
          break;
        case Conn::State::kWriting:
          if (ev & EPOLLHUP) Close(*c);  // the client is gone; its response is dropped
          break;
      }
    }
  }

  void Read(Conn& c) {
    size_t cap = o_.limits.max_head_bytes + o_.limits.max_body_bytes + 2 * kReadChunk;
    char buf[kReadChunk];
    while (c.in.size() < cap) {
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {
        c.peer_closed = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Close(c);
      return;
    }
    Account(c);
    if (buffered_ > o_.max_buffered_bytes) {
      c.in.clear();
      c.body.clear();
      Account(c);
      SendError(c, 503, "the server is holding too many unfinished requests; retry shortly");
      return;
    }
    Process(c);
  }

  // Parses what has arrived; dispatches a complete request; answers a bad one.
  void Process(Conn& c) {
    auto now = Clock::now();
    if (c.state == Conn::State::kIdle) {
      if (c.in.empty()) {
        if (c.peer_closed) Close(c);
        return;
      }
      c.state = Conn::State::kHead;
      c.deadline = now + o_.head_timeout;
    }
    if (c.state == Conn::State::kHead) {
      ParseOutcome parsed = ParseRequestHead(c.in, o_.limits, &c.head);
      if (parsed.state == ParseOutcome::State::kError) {
        SendError(c, parsed.status, parsed.message);
        return;
      }
      if (parsed.state == ParseOutcome::State::kIncomplete) {
        if (c.peer_closed) Close(c);
        return;
      }
      c.in.erase(0, parsed.consumed);
      c.body.clear();
      if (c.head.body == RequestHead::Body::kNone) {
        Dispatch(c);
        return;
      }
      c.state = Conn::State::kBody;
      c.deadline = now + o_.body_timeout;
      c.chunked.reset();
      if (c.head.body == RequestHead::Body::kChunked) c.chunked = std::make_unique<ChunkedDecoder>(o_.limits);
      if (c.head.expect_continue && c.in.empty()) {
        static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        (void)!send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
    if (c.state != Conn::State::kBody) return;
    if (c.chunked) {
      size_t used = c.chunked->Feed(c.in, &c.body);
      c.in.erase(0, used);
      if (c.chunked->failed()) {
        SendError(c, c.chunked->error_status(), c.chunked->error());
        return;
      }
      if (c.chunked->done()) {
        Dispatch(c);
        return;
      }
    } else {
      size_t take = std::min(c.head.content_length - c.body.size(), c.in.size());
      c.body.append(c.in, 0, take);
      c.in.erase(0, take);
      if (c.body.size() == c.head.content_length) {
        Dispatch(c);
        return;
      }
    }
    if (c.peer_closed) Close(c);  // the body will never be complete
  }

  void Dispatch(Conn& c) {
    c.state = Conn::State::kHandling;
    c.deadline = Clock::time_point::max();
    SetEvents(c, 0);  // nothing more is read until the response is out
    Job job;
    job.conn_id = c.id;
    job.fd = c.fd;
    job.head_request = c.head.method == "HEAD";
    job.close = !c.head.keep_alive || c.peer_closed || c.served + 1 >= o_.max_requests_per_connection;
    HttpRequest& req = job.request;
    req.method = c.head.method;
    const std::string& target = c.head.target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = ParseQueryString(target.substr(q + 1));
    req.headers = std::move(c.head.headers);
    req.body = std::move(c.body);
    req.remote_addr = c.addr;
    c.body.clear();
    Account(c);
    {
      std::lock_guard<std::mutex> lock(jobs_mu_);
      if (jobs_.size() < o_.max_pending_requests) {
        jobs_.push_back(std::move(job));
        jobs_cv_.notify_one();
        return;
      }
    }
    SendError(c, 503, "the server is busy; retry shortly");
  }

  void SendError(Conn& c, int status, const std::string& message) {
    spdlog::debug("web server: {} {} {}", c.addr, status, message);
    StartWrite(c, Serialize(s_.errors_(status, message), false, true), true);
  }

  void StartWrite(Conn& c, std::string bytes, bool close_after) {
    c.out = std::move(bytes);
    c.out_pos = 0;
    c.close_after_write = close_after;
    c.state = Conn::State::kWriting;
    c.deadline = Clock::now() + o_.write_timeout;
    Write(c);
  }

  void Write(Conn& c) {
    bool progress = false;
    while (c.out_pos < c.out.size()) {
      ssize_t n = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
        progress = true;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        // A slow reader of a big response is fine; one that reads nothing is not.
        if (progress) c.deadline = Clock::now() + o_.write_timeout;
        SetEvents(c, EPOLLOUT);
        return;
      }
      Close(c);
      return;
    }
    c.out.clear();
    c.out.shrink_to_fit();
    Written(c);
  }

  // The whole response is out: keep the connection for the next request,
  // or close it gracefully.
  void Written(Conn& c) {
    ++c.served;
    if (c.close_after_write) {
      shutdown(c.fd, SHUT_WR);
      c.state = Conn::State::kDraining;
      c.deadline = Clock::now() + kDrainTime;
      c.drained = 0;
      c.in.clear();
      Account(c);
      SetEvents(c, EPOLLIN);
      return;
    }
    c.state = Conn::State::kIdle;
    c.deadline = Clock::now() + o_.idle_timeout;
    SetEvents(c, EPOLLIN);
    Process(c);  // a pipelined request may already be here
  }

  void Drain(Conn& c) {
    char buf[kReadChunk];
    while (true) {
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.drained += static_cast<size_t>(n);
        if (c.drained > kMaxDrainBytes) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      break;  // end of stream or error
    }
    Close(c);
  }

  // Ends connections whose deadline passed.
  void Sweep(Clock::time_point now) {
    std::vector<uint64_t> due;
    for (const auto& [id, c] : conns_) {
      if (now >= c->deadline) due.push_back(id);
    }
    for (uint64_t id : due) {
      Conn* c = Find(id);
      if (!c) continue;
      switch (c->state) {
        case Conn::State::kHead:
          SendError(*c, 408, "the request head did not arrive within " +
                                 std::to_string(o_.head_timeout.count()) + " ms");
          break;
        case Conn::State::kBody:
          SendError(*c, 408, "the request body did not arrive within " +
                                 std::to_string(o_.body_timeout.count()) + " ms");
          break;
        case Conn::State::kHandling:
          break;
        case Conn::State::kIdle:
        case Conn::State::kWriting:
        case Conn::State::kDraining:
          Close(*c);
          break;
      }
    }
  }

  // Responses the workers finished: write them.
  void Finish() {
    uint64_t count;
    while (read(wake_fd_, &count, sizeof count) > 0) {
    }
    std::vector<Finished> finished;
    {
      std::lock_guard<std::mutex> lock(finished_mu_);
      finished.swap(finished_);
    }
    for (auto& f : finished) {
      Conn* c = Find(f.conn_id);
      if (!c || c->state != Conn::State::kHandling) continue;
      if (f.failed || c->gone) {
        Close(*c);
        continue;
      }
      if (!f.rest.empty()) {
        StartWrite(*c, std::move(f.rest), f.close);
        continue;
      }
      c->close_after_write = f.close;
      c->state = Conn::State::kWriting;
      Written(*c);
    }
  }

  void WorkerMain() {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(jobs_mu_);
        jobs_cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      HttpResponse response;
      try {
        response = s_.handler_(job.request);
      } catch (const std::exception& e) {
        spdlog::error("{} {}: unhandled exception: {}", job.request.method, job.request.path, e.what());
        response = s_.errors_(500, "An internal error occurred; see the server log.");
      } catch (...) {
        spdlog::error("{} {}: unhandled exception", job.request.method, job.request.path);
        response = s_.errors_(500, "An internal error occurred; see the server log.");
      }
      spdlog::debug("{} {} {} {}", job.request.remote_addr, job.request.method, job.request.path, response.status);
      Finished done{job.conn_id, Serialize(response, job.head_request, job.close), job.close, false};
      size_t sent = 0;
      while (sent < done.rest.size()) {
        ssize_t n = send(job.fd, done.rest.data() + sent, done.rest.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
          sent += static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else {
          done.failed = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
          break;
        }
      }
      done.rest.erase(0, sent);
      {
        std::lock_guard<std::mutex> lock(finished_mu_);
        finished_.push_back(std::move(done));
      }
      uint64_t one = 1;
      (void)!write(wake_fd_, &one, sizeof one);
    }
  }

  HttpServer& s_;
  const HttpServerOptions& o_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  uint64_t next_id_ = 2;
  uint64_t refused_ = 0;
  size_t buffered_ = 0;  // bytes of unfinished requests, all connections
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<std::string, size_t> per_address_;

  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::mutex finished_mu_;
  std::vector<Finished> finished_;
  std::vector<std::thread> workers_;
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler, ErrorResponder errors)
    : options_(std::move(options)), handler_(std::move(handler)), errors_(std::move(errors)) {}

HttpServer::~HttpServer() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

Result<int> HttpServer::Bind() {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options_.port);
  int rc = getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return Status::Unavailable("cannot bind " + where + ": " + gai_strerror(rc));
  int last_errno = 0;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // A backlog of 1024: clients connecting in a burst are queued, not dropped.
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0) {
      listen_fd_ = fd;
      break;
    }
    last_errno = errno;
    close(fd);
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) {
    return Status::Unavailable("cannot bind " + where + ": " + std::strerror(last_errno) +
                               " (is another server running?)");
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  int bound = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
  // Connections beyond the descriptor limit could not be accepted anyway.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY && files.rlim_cur > 128) {
    options_.max_connections = std::min<size_t>(options_.max_connections, files.rlim_cur - 64);
  }
  return bound;
}

Status HttpServer::Serve(const std::atomic<bool>& stop) {
  if (listen_fd_ < 0) return Status::Internal("HttpServer::Serve before Bind");
  Loop loop(*this);
  return loop.Run(stop);
}

}  // namespace arxivflow::server
