// libFuzzer target: the bearer token parser. The input is a token, checked
// by VerifyJwt with a fixed key: it must refuse every input that is not a
// token it signed, never crash, hang or leak, and never accept a malformed
// token. Also signs fuzzed claims objects and verifies them back. Also round-trips the base64url decoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/jwt.h"

using namespace arxivflow::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kKey(64, 'f');
  std::string input(reinterpret_cast<const char*>(data), size);
  auto claims = VerifyJwt(input, kKey, 1.0e9);
  // Random bytes never carry our HMAC: anything accepted must at least be
  // well formed (a subject, not expired).
  if (claims.ok() && (claims->sub.empty() || claims->exp + 5 <= 1.0e9)) abort();
  auto decoded = Base64UrlDecode(input, kMaxJwtBytes);
  if (decoded.ok() && Base64UrlEncode(*decoded) != input) abort();  // one encoding per byte string
  // A token we sign over fuzzed claims verifies, unless its payload is
  // beyond the parser's bounds (too long or nested too deep).
  auto json = nlohmann::json::parse(input, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    json["sub"] = "fuzz";
    json["iat"] = 1.0e9;
    json["exp"] = 1.0e9 + 60;
    auto mine = VerifyJwt(SignJwt(json, kKey), kKey, 1.0e9);
    if (!mine.ok() && mine.status().message().find("payload") == std::string::npos &&
        mine.status().message().find("too long") == std::string::npos) {
      abort();
    }
  }
  return 0;
}
