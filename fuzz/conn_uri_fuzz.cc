// Fuzzes connection-string parsing. Beyond not crashing: the rendered form
// never contains the parsed password (checked for alphanumeric passwords of 3
// bytes or more, which the "***" mask cannot recreate).
#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "warehouse/connection_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = arxivflow::warehouse::ParseConnection(text);
  if (!spec.ok()) return 0;
  const std::string shown = spec->Describe();
  const std::string password = spec->Param("password");
  bool alnum = password.size() >= 3;
  for (char c : password) alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
  if (alnum && shown.find(password) != std::string::npos) std::abort();
  (void)spec->Redact(std::string(text));
  return 0;
}
