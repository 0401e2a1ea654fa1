// Web users (admins only): list, create, read, change password or role,
// delete. Deleting a user or changing their password or role ends their
// sessions at once (web_users.h).
#include <cctype>

#include "server/json_codec.h"
#include "server/password.h"
#include "server/problem.h"
#include "server/web_app.h"
#include "server/web_users.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

json UserToJson(const UserRecord& u) {
  return {{"username", u.username}, {"roles", {{{"name", u.role}}}}, {"role", u.role}, {"created_on", u.created_at}};
}

// The role in a body: "role": "admin", or Airflow's "roles": [{"name": "Admin"}].
Result<std::optional<std::string>> RoleField(const json& b) {
  std::string role;
  if (b.contains("role")) {
    if (!b["role"].is_string()) return Status::InvalidArgument("field 'role' must be admin or viewer");
    role = b["role"].get<std::string>();
  } else if (b.contains("roles")) {
    const json& roles = b["roles"];
    if (!roles.is_array() || roles.size() != 1 || !roles[0].is_object() || !roles[0].contains("name") ||
        !roles[0]["name"].is_string()) {
      return Status::InvalidArgument("field 'roles' must hold exactly one role: [{\"name\": \"admin\"}]");
    }
    role = roles[0]["name"].get<std::string>();
  } else {
    return std::optional<std::string>();
  }
  for (char& c : role) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  AF_RETURN_IF_ERROR(ValidateRole(role));
  return std::optional<std::string>(role);
}

HttpResponse AdminsOnly() { return Problem(403, "only admins may read or change users"); }

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace

void WebApp::AddUserRoutes() {
  Route("GET", "/api/v1/users", "User", "List users (admins only)", [this](ApiCall& c) {
    if (!c.user.is_admin()) return AdminsOnly();
    auto users = backend_.ListUsers();
    if (!users.ok()) return FromStatus(users.status(), "listing users");
    json list = json::array();
    for (const auto& u : *users) list.push_back(UserToJson(u));
    return JsonResponse({{"users", list}, {"total_entries", list.size()}});
  });

  Route("POST", "/api/v1/users", "User", "Create a user: {username, password, role}", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    const json& b = *body;
    if (!b.contains("username") || !b["username"].is_string() || !b.contains("password") ||
        !b["password"].is_string()) {
      return Problem(400, "fields 'username' and 'password' (strings) are required");
    }
    std::string username = b["username"].get<std::string>();
    if (Status st = ValidateUsername(username); !st.ok()) return Problem(400, st.message());
    auto role = RoleField(b);
    if (!role.ok()) return Problem(400, role.status().message());
    auto hash = HashUserPassword(b["password"].get<std::string>());
    if (!hash.ok()) return FromStatus(hash.status(), "hashing a password");
    Status st = backend_.CreateUser(username, *hash, role->value_or("viewer"), c.caller());
    if (!st.ok()) return FromStatus(st, "creating a user");
    auto created = backend_.FindUser(username);
    if (!created.ok()) return FromStatus(created.status(), "reading a user");
    return JsonResponse(UserToJson(*created));
  });

  Route("GET", "/api/v1/users/{username}", "User", "Get a user (admins only)", [this](ApiCall& c) {
    if (!c.user.is_admin()) return AdminsOnly();
    auto user = backend_.FindUser(c.Param("username"));
    if (!user.ok()) return FromStatus(user.status(), "reading a user");
    return JsonResponse(UserToJson(*user));
  });

  Route("PATCH", "/api/v1/users/{username}", "User",
        "Change a user's password and/or role ({password?, role?}); ends their sessions", [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          const std::string& username = c.Param("username");
          if (b.contains("username") && (!b["username"].is_string() || b["username"] != username)) {
            return Problem(400, "field 'username' does not match the URL; users cannot be renamed");
          }
          auto role = RoleField(b);
          if (!role.ok()) return Problem(400, role.status().message());
          std::optional<std::string> hash;
          if (b.contains("password")) {
            if (!b["password"].is_string()) return Problem(400, "field 'password' must be a string");
            auto hashed = HashUserPassword(b["password"].get<std::string>());
            if (!hashed.ok()) return FromStatus(hashed.status(), "hashing a password");
            hash = *hashed;
          }
          if (!hash && !*role) return Problem(400, "nothing to change: give 'password' and/or 'role'");
          Status st = backend_.UpdateUser(username, hash, *role, c.caller());
          if (!st.ok()) return FromStatus(st, "changing a user");
          ForgetUser(username);
          auto user = backend_.FindUser(username);
          if (!user.ok()) return FromStatus(user.status(), "reading a user");
          return JsonResponse(UserToJson(*user));
        });

  Route("DELETE", "/api/v1/users/{username}", "User", "Delete a user; ends their sessions", [this](ApiCall& c) {
    Status st = backend_.DeleteUser(c.Param("username"), c.caller());
    if (!st.ok()) return FromStatus(st, "deleting a user");
    ForgetUser(c.Param("username"));
    return NoContent();
  });
}

}  // namespace arxivflow::server
