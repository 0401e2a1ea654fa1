// Encoder for PostgreSQL's binary COPY format (COPY ... FROM STDIN WITH
// (FORMAT binary)), fed from decoded Parquet batches.
//
// Mapping: STRING -> text bytes as is; DATE -> int32 days since 2000-01-01;
// TIMESTAMP(UTC) -> int64 microseconds since 2000-01-01 (timestamptz);
// INT(16) -> int2 (kInvalidArgument when out of range); INT32 -> int4;
// INT64 -> int8; DOUBLE -> float8; BOOLEAN -> bool. All big-endian.
// Pure functions appending to a caller-owned buffer; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"

namespace arxivflow::warehouse {

void AppendPgCopyHeader(std::string* out);
void AppendPgCopyTrailer(std::string* out);
// Appends row `row` of `batch` (columns in `table`'s order).
Status AppendPgCopyRow(const schema::TableDef& table, const Batch& batch, int64_t row, std::string* out);

}  // namespace arxivflow::warehouse
