#include "remote/aws_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "common/percent_encoding.h"

namespace arxivflow::remote {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims both ends and collapses runs of spaces (the suite's header rule).
std::string CanonicalHeaderValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string AwsUriEncode(std::string_view text, bool keep_slash) {
  return PercentEncode(text, keep_slash ? "/" : "");
}

std::string CanonicalUri(std::string_view path, bool normalize_path) {
  if (path.empty()) return "/";
  if (!normalize_path) return AwsUriEncode(path, /*keep_slash=*/true);
  // RFC 3986 remove_dot_segments, plus collapsing empty segments.
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = slash + 1;
  }
  bool trailing_slash = path.back() == '/' ||
                        (path.size() >= 2 && path.substr(path.size() - 2) == "/.") ||
                        (path.size() >= 3 && path.substr(path.size() - 3) == "/..");
  std::string out;
  for (std::string_view seg : segments) {
    out.push_back('/');
    out += AwsUriEncode(seg, false);
  }
  if (out.empty() || trailing_slash) out.push_back('/');
  return out;
}

std::string CanonicalQueryString(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(AwsUriEncode(k, false), AwsUriEncode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k = HmacSha256("AWS4" + std::string(secret_access_key), date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

SigningResult SignV4(const SigningInput& input, const SigningScope& scope,
                     const AwsCredentials& credentials) {
  // Group headers by lower-cased name; duplicates join with ',' in order.
  std::map<std::string, std::string> canonical_headers;
  for (const auto& [name, value] : input.headers) {
    std::string key = Lower(name);
    std::string v = CanonicalHeaderValue(value);
    auto [it, inserted] = canonical_headers.emplace(key, v);
    if (!inserted) it->second += "," + v;
  }
  SigningResult r;
  std::string headers_block;
  for (const auto& [name, value] : canonical_headers) {
    headers_block += name + ":" + value + "\n";
    if (!r.signed_headers.empty()) r.signed_headers.push_back(';');
    r.signed_headers += name;
  }
  r.canonical_request = input.method + "\n" + CanonicalUri(input.path, scope.normalize_path) + "\n" +
                        CanonicalQueryString(input.query) + "\n" + headers_block + "\n" +
                        r.signed_headers + "\n" + input.payload_sha256;
  const std::string date = scope.amz_date.substr(0, 8);
  const std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  r.string_to_sign = "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" + credential_scope + "\n" +
                     Sha256Hex(r.canonical_request);
  const std::string key = DeriveSigningKey(credentials.secret_access_key, date, scope.region, scope.service);
  r.signature = HexEncode(HmacSha256(key, r.string_to_sign));
  r.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + credential_scope +
                    ", SignedHeaders=" + r.signed_headers + ", Signature=" + r.signature;
  return r;
}

SigningResult AddAwsAuthHeaders(SigningInput* input, const SigningScope& scope,
                                const AwsCredentials& credentials) {
  input->headers.emplace_back("x-amz-date", scope.amz_date);
  if (scope.service == "s3") input->headers.emplace_back("x-amz-content-sha256", input->payload_sha256);
  if (!credentials.session_token.empty()) {
    input->headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  SigningResult r = SignV4(*input, scope, credentials);
  input->headers.emplace_back("Authorization", r.authorization);
  return r;
}

std::string MaskSecret(std::string_view secret, size_t keep) {
  if (secret.empty()) return "";
  size_t shown = std::min(keep, secret.size() / 2);
  return std::string(secret.substr(0, shown)) + std::string(secret.size() - shown, '*');
}

std::string MaskAuthorization(std::string_view authorization) {
  size_t pos = authorization.find("Signature=");
  if (pos == std::string_view::npos) return std::string(authorization);
  pos += 10;
  std::string out(authorization.substr(0, pos));
  std::string_view sig = authorization.substr(pos);
  out += std::string(sig.substr(0, std::min<size_t>(4, sig.size()))) + "…(masked)";
  return out;
}

std::string FormatAmzDate(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace arxivflow::remote
