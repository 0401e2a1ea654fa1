// Fuzzes the home's config.yaml reader (retention_days). Beyond not crashing
// or hanging: a value it accepts is a finite number of days >= 0.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orchestrator/retention.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto days = arxivflow::orchestrator::ParseRetentionDays(text, "config.yaml");
  if (days.ok() && (!std::isfinite(*days) || *days < 0)) std::abort();
  return 0;
}
