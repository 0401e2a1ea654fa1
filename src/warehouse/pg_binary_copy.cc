#include "warehouse/pg_binary_copy.h"

#include <cstring>
#include <limits>

namespace arxivflow::warehouse {

namespace {

using parquet::LogicalType;
using parquet::PhysicalType;

constexpr int64_t kPgEpochDays = 10957;                     // 2000-01-01 - 1970-01-01
constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400LL * 1000000LL;

void Put16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 2);
}
void Put32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out->append(b, 4);
}
void Put64(std::string* out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v >> 32));
  Put32(out, static_cast<uint32_t>(v));
}

}  // namespace

void AppendPgCopyHeader(std::string* out) {
  static const char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the NUL
  out->append(kSignature, 11);
  Put32(out, 0);  // flags
  Put32(out, 0);  // header extension length
}

void AppendPgCopyTrailer(std::string* out) { Put16(out, 0xFFFF); }

Status AppendPgCopyRow(const schema::TableDef& table, const Batch& batch, int64_t row, std::string* out) {
  const size_t r = static_cast<size_t>(row);
  Put16(out, static_cast<uint16_t>(batch.columns.size()));
  for (size_t c = 0; c < batch.columns.size(); ++c) {
    const auto& column = table.schema.columns[c];
    const auto& v = batch.columns[c];
    if (!v.valid.empty() && !v.valid[r]) {
      Put32(out, 0xFFFFFFFFu);
      continue;
    }
    switch (column.physical) {
      case PhysicalType::kByteArray: {
        const std::string_view s = v.strings[r];
        if (s.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
          return Status::InvalidArgument(batch.origin + ": value of " + column.name + " is too long");
        }
        Put32(out, static_cast<uint32_t>(s.size()));
        out->append(s.data(), s.size());
        break;
      }
      case PhysicalType::kInt32: {
        const int32_t x = v.i32[r];
        if (column.logical == LogicalType::kDate) {
          Put32(out, 4);
          Put32(out, static_cast<uint32_t>(static_cast<int32_t>(x - kPgEpochDays)));
        } else if (column.logical == LogicalType::kInt16) {
          if (x < std::numeric_limits<int16_t>::min() || x > std::numeric_limits<int16_t>::max()) {
            return Status::InvalidArgument(batch.origin + ", row " + std::to_string(row) + ": " + column.name +
                                           " = " + std::to_string(x) + " does not fit SMALLINT");
          }
          Put32(out, 2);
          Put16(out, static_cast<uint16_t>(static_cast<int16_t>(x)));
        } else {
          Put32(out, 4);
          Put32(out, static_cast<uint32_t>(x));
        }
        break;
      }
      case PhysicalType::kInt64: {
        int64_t x = v.i64[r];
        if (column.logical == LogicalType::kTimestampMicrosUtc) x -= kPgEpochMicros;
        Put32(out, 8);
        Put64(out, static_cast<uint64_t>(x));
        break;
      }
      case PhysicalType::kDouble: {
        uint64_t bits;
        std::memcpy(&bits, &v.f64[r], 8);
        Put32(out, 8);
        Put64(out, bits);
        break;
      }
      case PhysicalType::kBoolean:
        Put32(out, 1);
        out->push_back(v.booleans[r] ? 1 : 0);
        break;
      default:  // the star schema has no such column (BatchSource checks files against it)
        return Status::InvalidArgument(batch.origin + ": column " + column.name + " has a type COPY does not load");
    }
  }
  return Status::OK();
}

}  // namespace arxivflow::warehouse
