#include "warehouse/batch_value.h"

namespace arxivflow::warehouse {

using parquet::LogicalType;
using parquet::PhysicalType;

BatchValue BatchValueAt(const parquet::ColumnSchema& column, const parquet::ColumnVector& v, size_t r,
                        BatchValueText& text) {
  BatchValue out;
  if (!v.valid.empty() && !v.valid[r]) return out;
  switch (column.physical) {
    case PhysicalType::kByteArray:
      out.kind = BatchValue::kText;
      out.bytes = v.strings[r];
      break;
    case PhysicalType::kInt32:
      if (column.logical == LogicalType::kDate) {
        out.kind = BatchValue::kText;
        out.bytes = std::string_view(text.data(), FormatDateTo(v.i32[r], text.data()));
      } else {
        out.kind = BatchValue::kInteger;
        out.integer = v.i32[r];
      }
      break;
    case PhysicalType::kInt64:
      if (column.logical == LogicalType::kTimestampMicrosUtc) {
        out.kind = BatchValue::kText;
        out.bytes = std::string_view(text.data(), FormatTimestampTo(v.i64[r], text.data()));
      } else {
        out.kind = BatchValue::kInteger;
        out.integer = v.i64[r];
      }
      break;
    case PhysicalType::kDouble:
      out.kind = BatchValue::kReal;
      out.real = v.f64[r];
      break;
    case PhysicalType::kFloat:
      out.kind = BatchValue::kReal;
      out.real = v.f32[r];
      break;
    case PhysicalType::kBoolean:
      out.kind = BatchValue::kInteger;
      out.integer = v.booleans[r] ? 1 : 0;
      break;
    case PhysicalType::kFixedLenByteArray:
      out.kind = BatchValue::kBlob;
      out.bytes = v.strings[r];
      break;
  }
  return out;
}

}  // namespace arxivflow::warehouse
