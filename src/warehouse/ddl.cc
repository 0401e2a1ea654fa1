#include "warehouse/ddl.h"

#include <algorithm>

#include "warehouse/sql_identifier.h"

namespace arxivflow::warehouse {

using parquet::LogicalType;
using parquet::PhysicalType;

namespace {

// load_ledger.h's kStageMarker (not included: ddl has no dependencies).
constexpr const char* kStageMarkerText = "__stage_";

struct SecondaryIndex {
  const char* table;
  std::vector<std::string> columns;
};

// Lookups besides the natural keys: papers of an author, of a category, of
// a year.
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

// SQLite tables that keep their rowids although their key could be their
// PRIMARY KEY: the search index names titles by rowid, and abstracts' wide
// rows are inserted in the lake's order (sqlite_warehouse.cc), which a rowid
// table appends and a table in key order would have to search.
bool KeepsRowids(const schema::TableDef& table) { return table.name == "titles" || table.name == "abstracts"; }

// SQLite 3.40's PRAGMA integrity_check reports "NULL value in t.c" for every
// row of a WITHOUT ROWID table whose last stored column is NOT NULL and
// declared elsewhere (categories: stored id, position, category), although
// the values are there. Such a table keeps its rowids, so that the check
// stays clean.
bool IntegrityCheckMisreads(const schema::TableDef& table) {
  const auto& columns = table.schema.columns;
  for (size_t c = columns.size(); c-- > 0;) {
    if (std::find(table.key.begin(), table.key.end(), columns[c].name) != table.key.end()) continue;
    // The last column outside the key is stored last.
    return !columns[c].nullable && c + 1 != columns.size();
  }
  return false;
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

// PostgreSQL's own name for an inline PRIMARY KEY.
std::string PrimaryKeyName(const std::string& table) { return table + "_pkey"; }

// Columns with types and NOT NULL, one per line.
std::string ColumnsSql(Dialect dialect, const schema::TableDef& table, const VarcharWidths& widths) {
  std::string sql;
  const auto table_widths = widths.find(table.name);
  for (const auto& col : table.schema.columns) {
    int width = kRedshiftDefaultVarchar;
    if (table_widths != widths.end()) {
      if (auto w = table_widths->second.find(col.name); w != table_widths->second.end()) width = w->second;
    }
    sql += (sql.empty() ? "  " : ",\n  ") + QuoteIdentifier(col.name) + " " + ColumnTypeSql(dialect, col, width);
    if (!col.nullable) sql += " NOT NULL";
  }
  return sql;
}

// The key as a PRIMARY KEY (PostgreSQL, Redshift; SQLite: WITHOUT ROWID)
// rather than a UNIQUE index.
bool KeyIsConstraint(Dialect dialect, const schema::TableDef& table) {
  return dialect == Dialect::kSqlite ? SqliteStoredByKey(table) : KeyIsNotNull(table);
}

std::string PrimaryKeySql(const schema::TableDef& table) { return ",\n  PRIMARY KEY (" + ColumnList(table.key) + ")"; }

// The name of an index of `name` (a table, or a staging table of `table`).
// PostgreSQL renames a staging table's indexes at publish; SQLite cannot, so
// there they are named like the published index plus the load id
// ("authors_author_idx__1a2b3c4d5e6f") from the start.
std::string IndexNameFor(Dialect dialect, const schema::TableDef& table, const std::string& name,
                         const std::vector<std::string>& columns, const char* suffix) {
  if (dialect == Dialect::kSqlite && name != table.name) {
    const size_t marker = name.rfind(kStageMarkerText);
    if (marker != std::string::npos) {
      return IndexName(table.name, columns, suffix) + "__" + name.substr(marker + std::string(kStageMarkerText).size());
    }
  }
  return IndexName(name, columns, suffix);
}

// Key (unless it is a constraint) and secondary indexes of `name`, a table
// or staging table of `table`.
std::vector<IndexDef> IndexDefs(Dialect dialect, const schema::TableDef& table, const std::string& name,
                                bool if_not_exists) {
  std::vector<IndexDef> out;
  if (dialect == Dialect::kRedshift) return out;
  const std::string maybe = if_not_exists ? "IF NOT EXISTS " : "";
  auto add = [&](const std::vector<std::string>& columns, bool unique) {
    IndexDef def;
    def.name = IndexNameFor(dialect, table, name, columns, unique ? "_key" : "_idx");
    def.columns = columns;
    def.unique = unique;
    def.sql = std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + maybe + QuoteIdentifier(def.name) +
              " ON " + QuoteIdentifier(name) + " (" + ColumnList(columns) + ")";
    out.push_back(std::move(def));
  };
  if (!KeyIsConstraint(dialect, table)) add(table.key, /*unique=*/true);
  for (const auto& index : SecondaryIndexes()) {
    if (table.name == index.table) add(index.columns, /*unique=*/false);
  }
  return out;
}

std::vector<std::string> IndexSql(Dialect dialect, const schema::TableDef& table, const std::string& name,
                                  bool if_not_exists) {
  std::vector<std::string> out;
  for (auto& def : IndexDefs(dialect, table, name, if_not_exists)) out.push_back(std::move(def.sql));
  return out;
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
  std::string sql = "CREATE TABLE IF NOT EXISTS " + QuoteIdentifier(table.name) + " (\n" +
                    ColumnsSql(dialect, table, widths);
  if (KeyIsConstraint(dialect, table)) sql += PrimaryKeySql(table);
  sql += "\n)";
  if (dialect == Dialect::kSqlite && SqliteStoredByKey(table)) sql += " WITHOUT ROWID";
  if (dialect == Dialect::kRedshift) {
    sql += "\nDISTSTYLE KEY\nDISTKEY (" + QuoteIdentifier("id") + ")\nSORTKEY (" + QuoteIdentifier("id") + ")";
  }
  std::vector<std::string> out = {sql};
  for (auto& s : IndexSql(dialect, table, table.name, /*if_not_exists=*/true)) out.push_back(std::move(s));
  return out;
}

std::string DropTableSql(Dialect, const std::string& table) { return "DROP TABLE IF EXISTS " + QuoteIdentifier(table); }

std::string StageTableSql(Dialect dialect, const schema::TableDef& table, const std::string& stage) {
  if (dialect == Dialect::kRedshift) {
    return "CREATE TABLE " + QuoteIdentifier(stage) + " (LIKE " + QuoteIdentifier(table.name) + ")";
  }
  // SQLite: a table stored by its key is declared with it (its rows are its
  // key's entries); elsewhere the key comes after the rows.
  if (dialect == Dialect::kSqlite && SqliteStoredByKey(table)) {
    return "CREATE TABLE " + QuoteIdentifier(stage) + " (\n" + ColumnsSql(dialect, table, {}) + PrimaryKeySql(table) +
           "\n) WITHOUT ROWID";
  }
  return "CREATE TABLE " + QuoteIdentifier(stage) + " (\n" + ColumnsSql(dialect, table, {}) + "\n)";
}

std::vector<std::string> StageKeysSql(Dialect dialect, const schema::TableDef& table, const std::string& stage) {
  std::vector<std::string> out;
  if (dialect == Dialect::kRedshift) return out;
  if (dialect == Dialect::kPostgres && KeyIsConstraint(dialect, table)) {
    out.push_back("ALTER TABLE " + QuoteIdentifier(stage) + " ADD CONSTRAINT " +
                  QuoteIdentifier(PrimaryKeyName(stage)) + " PRIMARY KEY (" + ColumnList(table.key) + ")");
  }
  for (auto& s : IndexSql(dialect, table, stage, /*if_not_exists=*/false)) out.push_back(std::move(s));
  return out;
}

bool SqliteStoredByKey(const schema::TableDef& table) {
  return KeyIsNotNull(table) && !KeepsRowids(table) && !IntegrityCheckMisreads(table);
}

std::vector<IndexDef> SqliteIndexes(const schema::TableDef& table, const std::string& target) {
  return IndexDefs(Dialect::kSqlite, table, target, /*if_not_exists=*/false);
}

std::vector<std::string> PublishTableSql(Dialect dialect, const schema::TableDef& table, const std::string& stage) {
  const std::string t = QuoteIdentifier(table.name);
  std::vector<std::string> out = {
      DropTableSql(dialect, table.name),
      "ALTER TABLE " + QuoteIdentifier(stage) + " RENAME TO " + t,
  };
  if (dialect != Dialect::kPostgres) return out;
  if (KeyIsConstraint(dialect, table)) {
    out.push_back("ALTER TABLE " + t + " RENAME CONSTRAINT " + QuoteIdentifier(PrimaryKeyName(stage)) + " TO " +
                  QuoteIdentifier(PrimaryKeyName(table.name)));
  } else {
    out.push_back("ALTER INDEX " + QuoteIdentifier(IndexName(stage, table.key, "_key")) + " RENAME TO " +
                  QuoteIdentifier(IndexName(table.name, table.key, "_key")));
  }
  for (const auto& index : SecondaryIndexes()) {
    if (table.name != index.table) continue;
    out.push_back("ALTER INDEX " + QuoteIdentifier(IndexName(stage, index.columns, "_idx")) + " RENAME TO " +
                  QuoteIdentifier(IndexName(table.name, index.columns, "_idx")));
  }
  return out;
}

std::string SqliteSearchIndexSql(const std::string& name) {
  return "CREATE TABLE " + QuoteIdentifier(name) +
         " (word_hash INTEGER NOT NULL, word_check INTEGER NOT NULL, docs BLOB NOT NULL, "
         "PRIMARY KEY (word_hash, word_check)) WITHOUT ROWID";
}

bool IsCurrentSearchIndex(const std::string& declaration) {
  return declaration.find("(word_hash INTEGER NOT NULL, word_check INTEGER NOT NULL, docs BLOB NOT NULL,") !=
         std::string::npos;
}

}  // namespace arxivflow::warehouse
