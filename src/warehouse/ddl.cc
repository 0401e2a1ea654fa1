#include "warehouse/ddl.h"

#include "warehouse/sql_identifier.h"

namespace arxivflow::warehouse {

using parquet::LogicalType;
using parquet::PhysicalType;

namespace {

struct SecondaryIndex {
  const char* table;
  std::vector<std::string> columns;
};

// Lookups the UI and the checks make besides the natural keys.
const std::vector<SecondaryIndex>& SecondaryIndexes() {
  static const std::vector<SecondaryIndex> indexes = {
      {"authors", {"author"}},
      {"categories", {"category"}},
      {"versions", {"year", "month"}},
  };
  return indexes;
}

bool KeyIsNotNull(const schema::TableDef& table) {
  for (const auto& k : table.key) {
    int i = table.schema.FindColumn(k);
    if (i < 0 || table.schema.columns[static_cast<size_t>(i)].nullable) return false;
  }
  return true;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += QuoteIdentifier(columns[i]);
  }
  return out;
}

std::string IndexName(const std::string& table, const std::vector<std::string>& columns, const char* suffix) {
  std::string name = table;
  for (const auto& c : columns) name += "_" + c;
  return name + suffix;
}

}  // namespace

std::string ColumnTypeSql(Dialect dialect, const parquet::ColumnSchema& column, int varchar_bytes) {
  switch (column.logical) {
    case LogicalType::kString:
      if (dialect == Dialect::kRedshift) return "VARCHAR(" + std::to_string(varchar_bytes) + ")";
      return "TEXT";
    case LogicalType::kDate:
      return dialect == Dialect::kSqlite ? "TEXT" : "DATE";
    case LogicalType::kTimestampMicrosUtc:
      if (dialect == Dialect::kSqlite) return "TEXT";
      return dialect == Dialect::kPostgres ? "TIMESTAMPTZ" : "TIMESTAMP";
    case LogicalType::kInt16:
      return dialect == Dialect::kSqlite ? "INTEGER" : "SMALLINT";
    default:  // no logical type, or one the star schema does not use: by physical type
      break;
  }
  switch (column.physical) {
    case PhysicalType::kBoolean: return dialect == Dialect::kSqlite ? "INTEGER" : "BOOLEAN";
    case PhysicalType::kInt32: return "INTEGER";
    case PhysicalType::kInt64: return dialect == Dialect::kSqlite ? "INTEGER" : "BIGINT";
    case PhysicalType::kDouble: return dialect == Dialect::kSqlite ? "REAL" : "DOUBLE PRECISION";
    case PhysicalType::kFloat: return "REAL";
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (dialect == Dialect::kRedshift) return "VARCHAR(" + std::to_string(varchar_bytes) + ")";
      return dialect == Dialect::kSqlite ? "BLOB" : "BYTEA";
  }
  return "TEXT";
}

std::vector<std::string> CreateTableSql(Dialect dialect, const schema::TableDef& table,
                                        const VarcharWidths& widths) {
  std::vector<std::string> out;
  const std::string t = QuoteIdentifier(table.name);
  std::string sql = "CREATE TABLE IF NOT EXISTS " + t + " (\n";
  const auto table_widths = widths.find(table.name);
  for (const auto& col : table.schema.columns) {
    int width = kRedshiftDefaultVarchar;
    if (table_widths != widths.end()) {
      if (auto w = table_widths->second.find(col.name); w != table_widths->second.end()) width = w->second;
    }
    sql += "  " + QuoteIdentifier(col.name) + " " + ColumnTypeSql(dialect, col, width);
    if (!col.nullable) sql += " NOT NULL";
    sql += ",\n";
  }
  const bool pk = KeyIsNotNull(table);
  if (pk) {
    sql += "  PRIMARY KEY (" + ColumnList(table.key) + ")\n)";
  } else {
    sql.resize(sql.size() - 2);  // drop the last ",\n"
    sql += "\n)";
  }
  if (dialect == Dialect::kRedshift) {
    sql += "\nDISTSTYLE KEY\nDISTKEY (" + QuoteIdentifier("id") + ")\nSORTKEY (" + QuoteIdentifier("id") + ")";
  }
  out.push_back(sql);
  if (dialect == Dialect::kRedshift) return out;
  if (!pk) {
    out.push_back("CREATE UNIQUE INDEX IF NOT EXISTS " + QuoteIdentifier(IndexName(table.name, table.key, "_key")) +
                  " ON " + t + " (" + ColumnList(table.key) + ")");
  }
  for (const auto& index : SecondaryIndexes()) {
    if (table.name != index.table) continue;
    out.push_back("CREATE INDEX IF NOT EXISTS " + QuoteIdentifier(IndexName(table.name, index.columns, "_idx")) +
                  " ON " + t + " (" + ColumnList(index.columns) + ")");
  }
  return out;
}

std::string DropTableSql(Dialect, const schema::TableDef& table) {
  return "DROP TABLE IF EXISTS " + QuoteIdentifier(table.name);
}

std::vector<std::string> SqliteFtsCreateSql() {
  return {"CREATE VIRTUAL TABLE IF NOT EXISTS \"papers_fts\" USING fts5(id UNINDEXED, title, abstract)"};
}

std::vector<std::string> SqliteFtsRebuildSql() {
  // Every title (arXiv and NIPS) with the abstract of the same origin.
  return {
      "DELETE FROM \"papers_fts\"",
      "INSERT INTO \"papers_fts\" (id, title, abstract) "
      "SELECT t.\"id\", t.\"title\", a.\"abstract\" FROM \"titles\" t "
      "LEFT JOIN \"abstracts\" a ON a.\"id\" = t.\"id\" AND a.\"origin\" = t.\"origin\"",
  };
}

}  // namespace arxivflow::warehouse
