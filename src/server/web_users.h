// Web users: the rules for user names, roles and passwords, and the changes
// the CLI makes (`arxivflow users ...`) on a home's metadata DB. The REST API
// (api_users.cc) applies the same rules through the same Backend methods.
//
// Contract: ValidateUsername accepts 1-64 of [A-Za-z0-9_.@-]; ValidateRole
// "admin" or "viewer"; passwords are checked by HashUserPassword
// (password.h: at least kMinPasswordLength characters). Deleting a user or
// changing their password or role ends every session of theirs at once, in
// every server process (backend.h); the last admin can be neither deleted
// nor demoted. Errors are Status with a message for the operator.
// Thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "server/backend.h"

namespace arxivflow::server {

Status ValidateUsername(const std::string& username);
Status ValidateRole(const std::string& role);

// `home` "" = the current home. `caller` is who asks (for the audit log).
Status CreateWebUser(const std::string& home, const std::string& username, const std::string& password,
                     const std::string& role, const Caller& caller);
Status DeleteWebUser(const std::string& home, const std::string& username, const Caller& caller);
Status ResetWebUserPassword(const std::string& home, const std::string& username, const std::string& password,
                            const Caller& caller);
Status SetWebUserRole(const std::string& home, const std::string& username, const std::string& role,
                      const Caller& caller);

}  // namespace arxivflow::server
