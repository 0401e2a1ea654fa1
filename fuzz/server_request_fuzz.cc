// Fuzzes the web server's request handling end to end (no socket): the
// router, query/cookie/basic-auth parsing and JSON bodies of every endpoint,
// against the in-memory test backend. Every input must
// get a response with a valid status and never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/fake_backend_test_util.h"
#include "server/web_app.h"

using namespace arxivflow::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FakeBackend* backend = new FakeBackend();
  static WebApp* app = new WebApp(*backend, WebAppOptions{});
  if (size < 2) return 0;
  static const char* kMethods[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"};
  HttpRequest req;
  req.method = kMethods[data[0] % 6];
  bool authed = data[1] & 1;
  std::string rest(reinterpret_cast<const char*>(data + 2), size - 2);
  // Layout: target \n body \n cookie
  size_t a = rest.find('\n');
  std::string target = rest.substr(0, a);
  std::string tail = a == std::string::npos ? "" : rest.substr(a + 1);
  size_t b = tail.find('\n');
  req.body = tail.substr(0, b);
  if (b != std::string::npos) req.headers.emplace("Cookie", tail.substr(b + 1));
  size_t q = target.find('?');
  req.path = "/api/v1/" + target.substr(0, q);
  if (q != std::string::npos) req.query = ParseQueryString(target.substr(q + 1));
  req.headers.emplace("Content-Type", "application/json");
  if (authed) req.headers.emplace("Authorization", "Basic YWRtaW46YWRtaW4tcHc=");  // admin:admin-pw
  HttpResponse r = app->Handle(req);
  if (r.status < 200 || r.status > 599) abort();
  (void)Base64Decode(req.body);
  return 0;
}
