// Fuzzes the data-quality condition grammar: parsing, rendering and
// evaluation must never crash, hang or recurse without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quality/condition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto condition = arxivflow::quality::Condition::Parse(text);
  if (!condition.ok()) return 0;
  arxivflow::quality::ManifestLookup lookup = [](const std::vector<std::string>& path) -> std::optional<int64_t> {
    return static_cast<int64_t>(path.size() * 100);
  };
  (void)condition->Render(lookup);
  (void)condition->Render(nullptr);
  (void)condition->Evaluate(42, lookup);
  (void)condition->Evaluate(std::nullopt, nullptr);
  return 0;
}
