// libFuzzer target: the NIPS CSV reader and row converter on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "transform/csv_reader.h"
#include "transform/nips.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arxivflow::transform;
  StringSource source(std::string(reinterpret_cast<const char*>(data), size));
  CsvReader reader(&source);
  CsvRecord record;
  NipsConverter converter;
  bool have_header = false;
  NipsRecord nips;
  for (int i = 0; i < 100000; ++i) {
    auto got = reader.Next(&record);
    if (!got.ok() || !*got) break;
    if (record.raw.size() > CsvReader::kRawCap) __builtin_trap();
    if (!have_header) {
      have_header = converter.Init(record, "fuzz.csv").ok();
      if (!have_header) break;
      continue;
    }
    (void)converter.Convert(record, &nips);
  }
  return 0;
}
