#include "remote/aws_config.h"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace arxivflow::remote {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && !v->empty()) return v;
  return std::nullopt;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<AwsCredentials> ParseSharedCredentials(std::string_view text, std::string_view profile,
                                              std::string_view origin) {
  AwsCredentials creds;
  bool in_profile = false, found = false;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string name = Trim(std::string_view(t).substr(1, t.size() - 2));
      if (name.rfind("profile ", 0) == 0) name = Trim(std::string_view(name).substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(std::string_view(t).substr(0, eq));
    std::string value = Trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id") creds.access_key_id = value;
    else if (key == "aws_secret_access_key") creds.secret_access_key = value;
    else if (key == "aws_session_token") creds.session_token = value;
  }
  if (!found) {
    return Status::NotFound(std::string(origin) + ": no profile [" + std::string(profile) + "]");
  }
  if (creds.empty()) {
    return Status::InvalidArgument(std::string(origin) + ": profile [" + std::string(profile) +
                                   "] lacks aws_access_key_id or aws_secret_access_key");
  }
  creds.source = "profile " + std::string(profile) + " in " + std::string(origin);
  return creds;
}

Result<AwsCredentials> LoadAwsCredentials(const EnvLookup& env) {
  auto key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  auto secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    AwsCredentials c{*key, *secret, NonEmpty(env, "AWS_SESSION_TOKEN").value_or(""), "environment"};
    return c;
  }
  if (key || secret) {
    return Status::InvalidArgument(std::string("AWS credentials in the environment are incomplete: ") +
                                   (key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") + " is not set");
  }
  std::string path;
  if (auto p = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE")) {
    path = *p;
  } else if (auto home = NonEmpty(env, "HOME")) {
    path = *home + "/.aws/credentials";
  }
  std::string profile = NonEmpty(env, "AWS_PROFILE").value_or("default");
  if (!path.empty()) {
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      return ParseSharedCredentials(ss.str(), profile, path);
    }
  }
  return Status::NotFound("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add a [" +
                          profile + "] profile to " + (path.empty() ? "~/.aws/credentials" : path));
}

std::string ResolveAwsRegion(const EnvLookup& env) {
  if (auto r = NonEmpty(env, "AWS_REGION")) return *r;
  if (auto r = NonEmpty(env, "AWS_DEFAULT_REGION")) return *r;
  return "us-east-1";
}

std::optional<std::string> ResolveS3Endpoint(const EnvLookup& env) {
  if (auto e = NonEmpty(env, "AWS_ENDPOINT_URL_S3")) return e;
  return NonEmpty(env, "AWS_ENDPOINT_URL");
}

std::string CurrentAmzDate(const EnvLookup& env) {
  if (auto fixed = NonEmpty(env, "ARXIVFLOW_AWS_FIXED_TIME")) return *fixed;
  return FormatAmzDate(static_cast<long long>(std::time(nullptr)));
}

}  // namespace arxivflow::remote
