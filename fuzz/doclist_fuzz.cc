// Fuzzes the doclist decoder (the bytes of a search index row, which a
// damaged or hostile warehouse file can hold anything in): any input either
// decodes to descending rowids >= 1 that encode back to exactly the input, or
// is refused with kCorruption and an empty list. Never a crash, never more
// rowids than bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "warehouse/doclist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<int64_t> docs = {7};
  const arxivflow::Status st = arxivflow::warehouse::DecodeDoclist(bytes, "fuzz", &docs);
  if (!st.ok()) {
    if (st.code() != arxivflow::Status::Code::kCorruption || !docs.empty()) std::abort();
    return 0;
  }
  if (docs.empty() || docs.size() > size) std::abort();
  for (size_t i = 0; i < docs.size(); ++i) {
    if (docs[i] < 1 || (i > 0 && docs[i] >= docs[i - 1])) std::abort();
  }
  std::string again;
  if (!arxivflow::warehouse::EncodeDoclist(docs.data(), docs.size(), &again).ok() || again != bytes) std::abort();
  return 0;
}
