#include "cli/aws_connection_option.h"

#include <cstdlib>

#include "cli/commands.h"
#include "orchestrator/connection.h"

namespace arxivflow::cli {

void ApplyAwsConnection(const std::string& conn_id) {
  if (conn_id.empty()) return;
  auto conn = orchestrator::ResolveConnection(conn_id);
  if (!conn.ok()) Fail("--aws-conn " + conn_id + ": " + conn.status().message());
  auto set = [](const char* name, const std::string& value) {
    if (!value.empty()) ::setenv(name, value.c_str(), 1);
  };
  auto extra = [&](const char* key) -> std::string {
    if (!conn->extra.is_object()) return "";
    auto it = conn->extra.find(key);
    return it != conn->extra.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (conn->login.empty() != conn->password.empty()) {
    Fail("--aws-conn " + conn_id + ": give both the access key id (login) and the secret (password), or neither");
  }
  set("AWS_ACCESS_KEY_ID", conn->login);
  set("AWS_SECRET_ACCESS_KEY", conn->password);
  if (!conn->login.empty()) {
    // A session token of the environment belongs to other keys.
    const std::string token = extra("aws_session_token");
    if (token.empty()) {
      ::unsetenv("AWS_SESSION_TOKEN");
    } else {
      set("AWS_SESSION_TOKEN", token);
    }
  }
  set("AWS_REGION", extra("region_name"));
  set("AWS_ENDPOINT_URL_S3", extra("endpoint_url"));
}

}  // namespace arxivflow::cli
