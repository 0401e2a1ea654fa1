// Check: one declarative data-quality check, read from YAML.
//
//   checks:
//     - name: papers_has_rows          # required, [A-Za-z0-9_.-]+
//       table: papers                  # required, an identifier
//       row_count: true                # exactly one kind:
//       #  row_count: true             SELECT COUNT(*) FROM t [WHERE filter]
//       #  null_count: <column>        rows where the column IS NULL
//       #  empty_count: <column>       rows where the column is NULL or blank
//       #  unique: [<col>, ...]        key values that occur more than once
//       #  foreign_key: {column: id, references: papers.id}
//       #                              non-NULL values missing from the parent
//       #  sql: SELECT ...             any single read-only query
//       where: {origin: arXiv}         # optional equality filter (not with sql)
//       condition: result >= 1         # see condition.h
//     - name: "{table}_id_not_null"    # `tables:` expands one entry per table,
//       tables: [papers, authors]      # replacing {table} in name, condition
//       null_count: id
//       condition: result <= 100
//
// Contract: every identifier is validated against [A-Za-z_][A-Za-z0-9_]* and
// quoted; `where` values become quoted literals; only `sql:` is taken as SQL,
// verbatim, and the warehouse runs it read-only. Unknown keys, a missing or
// doubled kind, and malformed conditions are kInvalidArgument naming the
// source, the check and the problem. Plain values; thread-safe to share.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "quality/condition.h"
#include "warehouse/connection_spec.h"

namespace arxivflow::quality {

enum class CheckKind { kRowCount, kNullCount, kEmptyCount, kUnique, kForeignKey, kSql };

// The query a check runs on one kind of target, and how it is to be planned.
struct CheckQuery {
  std::string sql;
  // Run by Warehouse::QueryScalarByMerge: joins only as merges of ordered
  // inputs (PostgreSQL's foreign-key check; see Check::Query).
  bool merge_join = false;
};

struct Check {
  std::string name;
  std::string table;
  CheckKind kind = CheckKind::kRowCount;
  std::vector<std::string> columns;  // null/empty: 1; unique: >= 1; foreign_key: 1
  std::string ref_table, ref_column;  // foreign_key
  std::vector<std::pair<std::string, std::string>> where;
  std::string sql;                    // kSql
  Condition condition;

  // The query this check runs (validated identifiers, quoted), in the form
  // every target answers well.
  std::string Sql() const;
  // The query as run on `target`. Two checks differ from Sql(): on
  // PostgreSQL the foreign-key check counts the child rows missing from the
  // parent by a merge of the two key indexes, which the planner, left to
  // itself, replaces with a hash or a probe per child key at three times the
  // cost (20 M authors); on SQLite and PostgreSQL the blank check trims only
  // the values that can be blank.
  CheckQuery Query(warehouse::TargetKind target) const;
};

// `source` names the file in error messages.
Result<std::vector<Check>> ParseChecks(const std::string& yaml_text, const std::string& source);

// The built-in checks (src/quality/default_checks.yaml, embedded).
const std::string& DefaultChecksYaml();
Result<std::vector<Check>> DefaultChecks();

}  // namespace arxivflow::quality
