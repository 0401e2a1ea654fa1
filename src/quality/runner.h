// RunChecks: runs data-quality checks against a warehouse and judges them.
//
// Verdicts: PASS, FAIL (the condition is false), ERROR (the query failed, e.g.
// a missing table, or returned NULL/non-numeric), SKIP (the condition reads
// the manifest and no manifest was given). AllPassed() is true when nothing
// FAILed or ERRORed. Checks whose queries are identical (the row count behind
// both `_has_rows` and `_matches_manifest`) run their query once. With
// jobs > 1 the queries run on that many connections at once (opened from
// warehouse.spec(); an in-memory SQLite database runs them on `warehouse`
// alone); results keep the checks' order. Not thread-safe with respect to
// the warehouse.
#pragma once

#include <string>
#include <vector>

#include "quality/check.h"
#include "warehouse/parquet_area.h"
#include "warehouse/warehouse.h"

namespace arxivflow::quality {

enum class Verdict { kPass, kFail, kError, kSkip };
const char* VerdictName(Verdict v);  // "PASS", ...

struct CheckResult {
  std::string name;
  std::string table;
  std::string observed;  // the query's value, or "-"
  std::string expected;  // the condition, manifest values filled in
  Verdict verdict = Verdict::kPass;
  std::string message;   // why it failed or erred
};

// `area` may be null (no manifest).
std::vector<CheckResult> RunChecks(warehouse::Warehouse& warehouse, const std::vector<Check>& checks,
                                   const warehouse::ParquetArea* area, int jobs = 1);
bool AllPassed(const std::vector<CheckResult>& results);
// A fixed-width text table: check, table, observed, expected, verdict.
std::string FormatResults(const std::vector<CheckResult>& results);

}  // namespace arxivflow::quality
