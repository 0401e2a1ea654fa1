// Fuzzes the area manifest reader (schema/area_manifest.h). Beyond not
// crashing or recursing without bound: a manifest that parses is written back
// by ToJson() into text that parses again to the same document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "schema/area_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = arxivflow::schema::ParseAreaManifest(text, "fuzz.json");
  if (!m.ok()) return 0;
  const std::string written = m->ToJson();
  auto again = arxivflow::schema::ParseAreaManifest(written, "again.json");
  if (!again.ok() || again->ToJson() != written) std::abort();
  (void)m->Number({"papers", "rows"});
  (void)m->Number({"records", "accepted"});
  return 0;
}
