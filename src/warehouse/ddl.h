// DDL for the six star-schema tables, derived from schema/star_schema.h, in
// each target's dialect.
//
// - PostgreSQL: TEXT, DATE, TIMESTAMPTZ, SMALLINT, INTEGER; PRIMARY KEY on the
//   natural key when all its columns are NOT NULL, else a UNIQUE index; plus
//   secondary indexes for the UI's lookups (category, author, year).
// - SQLite: same keys and indexes; DATE and TIMESTAMP are ISO-8601 TEXT (see
//   value_format.h); SMALLINT/INTEGER are INTEGER.
// - Redshift: VARCHAR(n) with n in BYTES from VarcharWidths (default 256),
//   DISTKEY(id) SORTKEY(id) on every table (the tables are joined on id),
//   informational PRIMARY KEY, no secondary indexes.
// Every statement is idempotent (IF NOT EXISTS / IF EXISTS). Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schema/star_schema.h"

namespace arxivflow::warehouse {

enum class Dialect { kSqlite, kPostgres, kRedshift };

// table -> column -> VARCHAR width in bytes (Redshift only).
using VarcharWidths = std::map<std::string, std::map<std::string, int>>;

inline constexpr int kRedshiftDefaultVarchar = 256;
inline constexpr int kRedshiftMaxVarchar = 65535;

std::string ColumnTypeSql(Dialect dialect, const parquet::ColumnSchema& column, int varchar_bytes);

// CREATE TABLE IF NOT EXISTS ... followed by its CREATE INDEX statements.
std::vector<std::string> CreateTableSql(Dialect dialect, const schema::TableDef& table,
                                        const VarcharWidths& widths = {});
std::string DropTableSql(Dialect dialect, const schema::TableDef& table);

// The FTS5 index the UI searches (SQLite only).
std::vector<std::string> SqliteFtsCreateSql();
std::vector<std::string> SqliteFtsRebuildSql();

}  // namespace arxivflow::warehouse
