#include "server/web_users.h"

#include <cctype>

#include "server/orchestrator_backend.h"
#include "server/password.h"

namespace arxivflow::server {

namespace {

Result<std::unique_ptr<Backend>> OpenHome(const std::string& home) {
  OrchestratorBackendOptions options;
  options.home = home;
  return OpenOrchestratorBackend(options);
}

}  // namespace

Status ValidateUsername(const std::string& username) {
  if (username.empty() || username.size() > 64) return Status::InvalidArgument("user name must be 1-64 characters");
  for (unsigned char c : username) {
    if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '@')) {
      return Status::InvalidArgument("user name may hold only letters, digits, '_', '.', '-' and '@'");
    }
  }
  return Status::OK();
}

Status ValidateRole(const std::string& role) {
  if (role != "admin" && role != "viewer") return Status::InvalidArgument("role must be admin or viewer, not '" + role + "'");
  return Status::OK();
}

Status CreateWebUser(const std::string& home, const std::string& username, const std::string& password,
                     const std::string& role, const Caller& caller) {
  AF_RETURN_IF_ERROR(ValidateRole(role));
  AF_RETURN_IF_ERROR(ValidateUsername(username));
  AF_ASSIGN_OR_RETURN(std::string hash, HashUserPassword(password));
  AF_ASSIGN_OR_RETURN(auto backend, OpenHome(home));
  return backend->CreateUser(username, hash, role, caller);
}

Status DeleteWebUser(const std::string& home, const std::string& username, const Caller& caller) {
  AF_ASSIGN_OR_RETURN(auto backend, OpenHome(home));
  return backend->DeleteUser(username, caller);
}

Status ResetWebUserPassword(const std::string& home, const std::string& username, const std::string& password,
                            const Caller& caller) {
  AF_ASSIGN_OR_RETURN(std::string hash, HashUserPassword(password));
  AF_ASSIGN_OR_RETURN(auto backend, OpenHome(home));
  return backend->UpdateUser(username, hash, std::nullopt, caller);
}

Status SetWebUserRole(const std::string& home, const std::string& username, const std::string& role,
                      const Caller& caller) {
  AF_RETURN_IF_ERROR(ValidateRole(role));
  AF_ASSIGN_OR_RETURN(auto backend, OpenHome(home));
  return backend->UpdateUser(username, std::nullopt, role, caller);
}

}  // namespace arxivflow::server
