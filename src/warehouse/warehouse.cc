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

Result<int64_t> Warehouse::LoadTable(const schema::TableDef& table, TableLoadInput input) {
  input.load = LoadIdentityForRun("");
  AF_ASSIGN_OR_RETURN(int64_t rows, StageTable(table, input));
  PublishRequest request;
  request.load = input.load;
  request.tables = {table.name};
  request.progress = input.progress;
  AF_RETURN_IF_ERROR(Publish(request).status());
  return rows;
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
