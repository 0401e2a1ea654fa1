#include "remote/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <memory>
#include <mutex>

namespace arxivflow::remote {
namespace {

constexpr size_t kMaxErrorBody = 1u << 20;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  HttpResponse* response = nullptr;
  const BodyCallback* on_body = nullptr;
  Status callback_status;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.substr(0, 5) == "HTTP/") {
    // A new response (the first, or after 100 Continue): take its status now,
    // since the body callback needs it before curl_easy_perform returns.
    t->response->headers.clear();
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) t->response->status = std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    t->response->headers.emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * n);
  if (*t->on_body && t->response->status >= 200 && t->response->status < 300) {
    Status st = (*t->on_body)(chunk);
    if (!st.ok()) {
      t->callback_status = st;
      return 0;  // aborts the transfer
    }
    return chunk.size();
  }
  if (t->response->body.size() < kMaxErrorBody || !*t->on_body) {
    t->response->body.append(chunk);
  }
  return chunk.size();
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Result<UrlParts> SplitUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return Status::InvalidArgument("'" + std::string(url) + "' is not a URL (expected http://host[:port])");
  }
  UrlParts p;
  p.scheme = std::string(url.substr(0, sep));
  if (p.scheme != "http" && p.scheme != "https") {
    return Status::InvalidArgument("'" + std::string(url) + "': only http and https are supported");
  }
  std::string_view rest = url.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  p.authority = std::string(rest.substr(0, end));
  if (p.authority.empty()) return Status::InvalidArgument("'" + std::string(url) + "' has no host");
  if (p.authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("endpoint URLs must not carry credentials");
  }
  if (end != std::string_view::npos && rest[end] == '/') {
    std::string_view path = rest.substr(end);
    p.path = std::string(path.substr(0, path.find_first_of("?#")));
  }
  return p;
}

Result<HttpResponse> SendHttp(const HttpRequest& request, const BodyCallback& on_body) {
  GlobalInitOnce();
  // One handle per thread, reset between requests: curl keeps its
  // connection cache across resets, so consecutive requests to one server
  // (ranged reads of a Parquet file, upload parts) reuse the connection.
  // A request made from inside a body callback (streaming one object into
  // another) gets a handle of its own.
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> cached(nullptr, &curl_easy_cleanup);
  thread_local bool cached_in_use = false;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> own(nullptr, &curl_easy_cleanup);
  CURL* handle = nullptr;
  bool using_cached = !cached_in_use;
  if (using_cached) {
    if (!cached) cached.reset(curl_easy_init());
    handle = cached.get();
    if (handle) curl_easy_reset(handle);
  } else {
    own.reset(curl_easy_init());
    handle = own.get();
  }
  if (!handle) return Status::Internal("curl_easy_init failed");
  struct InUse {
    bool active;
    explicit InUse(bool a) : active(a) { if (active) cached_in_use = true; }
    ~InUse() { if (active) cached_in_use = false; }
  } in_use(using_cached);
  HttpResponse response;
  Transfer transfer{&response, &on_body, Status::OK()};

  struct curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [k, v] : request.headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "content-type") has_content_type = true;
    std::string line = v.empty() ? k + ";" : k + ": " + v;  // "Name;" sends an empty header
    list = curl_slist_append(list, line.c_str());
  }
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");  // suppress curl's default
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, &curl_slist_free_all);

  CURL* h = handle;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, request.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      // Never NULL: curl would then read the body from stdin.
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    }
  }
  CURLcode rc = curl_easy_perform(h);
  if (!transfer.callback_status.ok()) return transfer.callback_status;
  if (rc != CURLE_OK) {
    std::string why = error[0] ? error : curl_easy_strerror(rc);
    return Status::Unavailable(request.method + " " + request.url + ": " + why);
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  response.status = code;
  return response;
}

}  // namespace arxivflow::remote
