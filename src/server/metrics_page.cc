#include "server/metrics_page.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "common/logging.h"
#include "server/password.h"

namespace arxivflow::server {

std::string LoadMetricsTokenHash(const std::string& home) {
  std::string token;
  if (const char* env = std::getenv(kMetricsTokenEnv); env && *env) {
    token = env;
  } else if (!home.empty()) {
    std::string path = home + "/metrics_token";
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return "";
    if (st.st_mode & 077) {
      spdlog::warn("{} is readable by other users; metrics token ignored (chmod 600 it)", path);
      return "";
    }
    std::ifstream in(path);
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  if (token.size() < 16) {
    if (!token.empty()) spdlog::warn("the metrics token is shorter than 16 characters; ignored");
    return "";
  }
  return Sha256Hex(token);
}

bool BearerMatches(const std::string& authorization, const std::string& token_sha256) {
  if (token_sha256.empty()) return false;
  static const std::string kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  return SecureEquals(Sha256Hex(authorization.substr(kPrefix.size())), token_sha256);
}

std::string MethodLabel(const std::string& method) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "OTHER";
}

}  // namespace arxivflow::server
