#include "gen/csv_quote.h"

namespace arxivflow::gen {

bool CsvNeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendCsvField(std::string_view field, OutBuffer* out) {
  if (!CsvNeedsQuotes(field)) {
    out->Append(field);
    return;
  }
  out->Push('"');
  size_t start = 0;
  for (size_t q = field.find('"'); q != std::string_view::npos; q = field.find('"', start)) {
    out->Append(field.substr(start, q + 1 - start));
    out->Push('"');
    start = q + 1;
  }
  out->Append(field.substr(start));
  out->Push('"');
}

}  // namespace arxivflow::gen
