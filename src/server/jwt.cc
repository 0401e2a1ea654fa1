#include "server/jwt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/json_limits.h"
#include "common/random.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr double kLeewaySeconds = 5;
constexpr int kMaxClaimDepth = 8;

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string HmacSha256(std::string_view data, const std::string& key) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

Status Refused(const std::string& why) { return Status::PermissionDenied("invalid token: " + why); }

Result<json> DecodePart(std::string_view part, const char* what) {
  auto bytes = Base64UrlDecode(part, kMaxJwtBytes);
  if (!bytes.ok()) return Refused(std::string(what) + " is not base64url");
  auto doc = ParseJsonBounded(*bytes, what, kMaxClaimDepth);
  if (!doc.ok() || !doc->is_object()) return Refused(std::string(what) + " is not a JSON object");
  return std::move(*doc);
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text, size_t max_len) {
  if (text.size() > max_len) return Status::InvalidArgument("base64url text too long");
  if (text.size() % 4 == 1) return Status::InvalidArgument("impossible base64url length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = DecodeChar(c);
    if (v < 0) return Status::InvalidArgument("invalid base64url character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero: one encoding per byte string.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return Status::InvalidArgument("non-canonical base64url");
  return out;
}

std::string SignJwt(const json& claims, const std::string& key) {
  static const std::string kHeader = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  std::string signing_input = kHeader + "." + Base64UrlEncode(claims.dump());
  return signing_input + "." + Base64UrlEncode(HmacSha256(signing_input, key));
}

Result<JwtClaims> VerifyJwt(std::string_view token, const std::string& key, double now) {
  if (key.size() < kMinJwtKeyBytes) return Refused("no signing key");
  if (token.empty() || token.size() > kMaxJwtBytes) return Refused("empty or too long");
  size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Refused("not three parts");
  size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refused("not three parts");
  }
  std::string_view header_part = token.substr(0, dot1);
  std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_part = token.substr(dot2 + 1);
  AF_ASSIGN_OR_RETURN(json header, DecodePart(header_part, "header"));
  // The algorithm is fixed by the server, never chosen by the token.
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return Refused("algorithm must be HS256");
  }
  if (header.contains("crit")) return Refused("unsupported critical header");
  auto signature = Base64UrlDecode(signature_part, kMaxJwtBytes);
  if (!signature.ok() || signature->size() != 32) return Refused("bad signature");
  std::string expected = HmacSha256(token.substr(0, dot2), key);
  if (CRYPTO_memcmp(expected.data(), signature->data(), 32) != 0) return Refused("bad signature");
  AF_ASSIGN_OR_RETURN(json payload, DecodePart(payload_part, "payload"));
  JwtClaims claims;
  auto sub = payload.find("sub");
  auto exp = payload.find("exp");
  auto iat = payload.find("iat");
  if (sub == payload.end() || !sub->is_string() || sub->get<std::string>().empty()) return Refused("no subject");
  if (exp == payload.end() || !exp->is_number() || iat == payload.end() || !iat->is_number()) {
    return Refused("no exp or iat");
  }
  claims.sub = sub->get<std::string>();
  claims.exp = exp->get<double>();
  claims.iat = iat->get<double>();
  if (!std::isfinite(claims.exp) || !std::isfinite(claims.iat)) return Refused("bad exp or iat");
  if (now >= claims.exp + kLeewaySeconds) return Refused("expired");
  if (claims.iat > now + kLeewaySeconds) return Refused("issued in the future");
  if (auto role = payload.find("role"); role != payload.end() && role->is_string()) claims.role = role->get<std::string>();
  claims.all = std::move(payload);
  return claims;
}

Result<std::string> LoadOrCreateJwtKey(const std::string& path) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st {};
      if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return Status::IOError("JWT key " + path + " is not a regular file");
      }
      if ((st.st_mode & 077) != 0) {
        close(fd);
        return Status::InvalidArgument("JWT key " + path + " may be read by others; chmod 600 it");
      }
      char buf[256];
      ssize_t n = read(fd, buf, sizeof buf);
      close(fd);
      std::string text = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      if (text.empty() && attempt < 49) {  // another process is writing it
        usleep(20000);
        continue;
      }
      if (text.size() < 2 * kMinJwtKeyBytes) return Status::InvalidArgument("JWT key " + path + " is too short");
      return text;
    }
    if (errno != ENOENT) return Status::IOError("cannot open JWT key " + path + ": " + std::strerror(errno));
    fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;  // lost the race: read the winner's
      return Status::IOError("cannot create JWT key " + path + ": " + std::strerror(errno));
    }
    std::string key = RandomHex(kMinJwtKeyBytes) + "\n";
    bool ok = write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && fsync(fd) == 0;
    close(fd);
    if (!ok) {
      unlink(path.c_str());
      return Status::IOError("cannot write JWT key " + path);
    }
    key.pop_back();
    return key;
  }
  return Status::IOError("JWT key " + path + " stays empty");
}

}  // namespace arxivflow::server
