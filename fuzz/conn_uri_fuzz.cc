// Fuzzes connection-string parsing: the warehouse's connection strings and
// the orchestrator's connection URIs (both over common/uri.h). Beyond not
// crashing: the warehouse's rendered form never contains the parsed password
// (checked for alphanumeric passwords of 3 bytes or more, which the "***"
// mask cannot recreate); a connection's masked URI carries "***" in the
// password's place; and a connection URI written back by ToUri() parses to the
// same type, login, password, host, port and schema.
#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "orchestrator/connection.h"
#include "warehouse/connection_spec.h"

namespace {

bool MaskableSecret(const std::string& password) {
  bool alnum = password.size() >= 3;
  for (char c : password) alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
  return alnum;
}

void WarehouseString(std::string_view text) {
  auto spec = arxivflow::warehouse::ParseConnection(text);
  if (!spec.ok()) return;
  const std::string password = spec->Param("password");
  if (MaskableSecret(password) && spec->Describe().find(password) != std::string::npos) std::abort();
  (void)spec->Redact(std::string(text));
}

void ConnectionUri(std::string_view text) {
  namespace orch = arxivflow::orchestrator;
  auto c = orch::ParseConnectionUri("fuzz", std::string(text));
  if (!c.ok()) return;
  if (c->conn_type == "sqlite") return;
  auto masked = orch::ParseConnectionUri("fuzz", c->ToMaskedUri());
  if (!masked.ok() || masked->password != (c->password.empty() ? "" : "***")) std::abort();
  auto again = orch::ParseConnectionUri("fuzz", c->ToUri());
  if (!again.ok()) std::abort();
  if (again->login != c->login || again->password != c->password || again->host != c->host ||
      again->port != c->port || again->schema != c->schema || again->conn_type != c->conn_type) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  WarehouseString(text);
  ConnectionUri(text);
  return 0;
}
