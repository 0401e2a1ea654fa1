#include "warehouse/warehouse.h"

#include <cstdio>

namespace arxivflow::warehouse {

std::string ScalarValue::ToString() const {
  switch (type) {
    case Type::kNull: return "NULL";
    case Type::kInteger: return std::to_string(integer);
    case Type::kReal: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", real);
      return buf;
    }
    case Type::kText: return text;
  }
  return "";
}

Result<std::unique_ptr<Warehouse>> Warehouse::Open(const ConnectionSpec& spec) {
  switch (spec.kind) {
    case TargetKind::kSqlite: return OpenSqliteWarehouse(spec);
    case TargetKind::kPostgres: return OpenPostgresWarehouse(spec);
    case TargetKind::kRedshift: return OpenRedshiftWarehouse(spec);
  }
  return Status::Internal("unknown target kind");
}

}  // namespace arxivflow::warehouse
