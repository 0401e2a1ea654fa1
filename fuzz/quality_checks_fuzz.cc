// Fuzzes the YAML checks parser and the SQL built from accepted checks: every
// identifier in the SQL must be validated, so no accepted input may produce a
// statement with an unbalanced quote.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "quality/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto checks = arxivflow::quality::ParseChecks(text, "fuzz.yaml");
  if (!checks.ok()) return 0;
  for (const auto& check : *checks) {
    if (check.kind == arxivflow::quality::CheckKind::kSql) continue;
    const std::string sql = check.Sql();
    size_t quotes = 0;
    for (char c : sql) quotes += c == '\'';
    if (quotes % 2 != 0) std::abort();
  }
  return 0;
}
