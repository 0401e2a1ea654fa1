// RFC 4180 field quoting for the NIPS papers CSV.
//
// Contract: AppendCsvField() appends `field` as one CSV field: unchanged when
// it holds no comma, double quote, CR or LF; otherwise wrapped in double
// quotes with inner quotes doubled (fields may then span lines). Pure;
// thread-safe.
#pragma once

#include <string_view>

#include "gen/out_buffer.h"

namespace arxivflow::gen {

bool CsvNeedsQuotes(std::string_view field);
void AppendCsvField(std::string_view field, OutBuffer* out);

}  // namespace arxivflow::gen
