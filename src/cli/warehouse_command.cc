// `arxivflow warehouse create|load|check`: the star schema on SQLite,
// PostgreSQL or Redshift, and the data-quality checks.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/aws_connection_option.h"
#include "cli/commands.h"
#include "common/task_result.h"
#include "quality/check.h"
#include "quality/runner.h"
#include "schema/star_schema.h"
#include "warehouse/connection_spec.h"
#include "warehouse/loader.h"
#include "warehouse/parquet_area.h"
#include "warehouse/redshift.h"
#include "warehouse/warehouse.h"

namespace arxivflow::cli {

namespace {

using namespace arxivflow::warehouse;

struct WarehouseOptions {
  std::string conn;
  std::string from;
  std::string tables;
  std::string checks;
  std::string aws_conn;
  bool drop = false;
};

template <typename T>
T OrFail(Result<T> result) {
  if (!result.ok()) Fail(result.status().message());
  return std::move(result).value();
}

void OrFail(const Status& st) {
  if (!st.ok()) Fail(st.message());
}

std::unique_ptr<Warehouse> OpenOrFail(const std::string& conn) {
  ConnectionSpec spec = OrFail(ResolveConnection(conn));
  return OrFail(Warehouse::Open(spec));
}

void PrintWidths(const std::vector<ColumnWidth>& widths) {
  std::printf("%-12s %-12s %10s %8s %10s\n", "table", "column", "max_bytes", "varchar", "over_cap");
  int64_t over = 0;
  for (const auto& w : widths) {
    std::printf("%-12s %-12s %10lld %8d %10lld\n", w.table.c_str(), w.column.c_str(),
                static_cast<long long>(w.max_bytes), w.width, static_cast<long long>(w.over_cap));
    over += w.over_cap;
  }
  if (over > 0) {
    std::fprintf(stderr,
                 "warning: %lld value(s) are longer than Redshift's %d-byte VARCHAR limit; Redshift will refuse "
                 "them (nothing is cut silently)\n",
                 static_cast<long long>(over), kRedshiftMaxVarchar);
  }
}

void RunCreate(const WarehouseOptions& o) {
  ApplyAwsConnection(o.aws_conn);
  auto wh = OpenOrFail(o.conn);
  CreateOptions options;
  options.drop = o.drop;
  if (wh->kind() == TargetKind::kRedshift && !o.from.empty()) {
    ParquetArea area = OrFail(OpenParquetArea(o.from));
    auto widths = OrFail(ComputeVarcharWidths(area));
    PrintWidths(widths);
    options.varchar_widths = ToVarcharWidths(widths);
  }
  OrFail(wh->CreateTables(options));
  nlohmann::json created = nlohmann::json::array();  // the task's result when run by the orchestrator
  for (const auto& t : schema::StarSchema()) created.push_back(t.name);
  (void)WriteTaskResult({{"tables_created", created}, {"dropped_first", o.drop}, {"target", wh->Describe()}});
  std::printf("created the star schema (%s) on %s\n", o.drop ? "dropped first" : "if not exists",
              wh->Describe().c_str());
  OrFail(wh->Close());
}

void RunLoad(const WarehouseOptions& o) {
  ApplyAwsConnection(o.aws_conn);
  std::vector<std::string> tables = OrFail(ParseTableList(o.tables));
  ParquetArea area = OrFail(OpenParquetArea(o.from));
  auto wh = OpenOrFail(o.conn);
  if (wh->kind() == TargetKind::kRedshift) PrintWidths(OrFail(ComputeVarcharWidths(area, tables)));
  auto reports = OrFail(LoadArea(*wh, area, tables));
  std::printf("%-12s %12s %10s\n", "table", "rows", "seconds");
  int64_t total = 0;
  double seconds = 0;
  for (const auto& r : reports) {
    std::printf("%-12s %12lld %10.3f\n", r.table.c_str(), static_cast<long long>(r.rows), r.seconds);
    total += r.rows;
    seconds += r.seconds;
  }
  std::printf("%-12s %12lld %10.3f\n", "total", static_cast<long long>(total), seconds);
  std::fflush(stdout);
  nlohmann::json loaded = nlohmann::json::array();  // the task's result when run by the orchestrator
  for (const auto& r : reports) loaded.push_back({{"table", r.table}, {"rows_loaded", r.rows}, {"target", wh->Describe()}});
  (void)WriteTaskResult(loaded);
  OrFail(wh->Close());
}

void RunCheck(const WarehouseOptions& o) {
  ApplyAwsConnection(o.aws_conn);
  std::vector<quality::Check> checks;
  if (o.checks.empty()) {
    checks = OrFail(quality::DefaultChecks());
  } else {
    std::ifstream in(o.checks);
    if (!in) Fail(o.checks + ": cannot read the checks file");
    std::stringstream text;
    text << in.rdbuf();
    checks = OrFail(quality::ParseChecks(text.str(), o.checks));
  }
  std::optional<ParquetArea> area;
  if (!o.from.empty()) area = OrFail(OpenParquetArea(o.from));
  auto wh = OpenOrFail(o.conn);
  auto results = quality::RunChecks(*wh, checks, area ? &*area : nullptr);
  std::fputs(quality::FormatResults(results).c_str(), stdout);
  std::fflush(stdout);
  nlohmann::json checked = nlohmann::json::array();  // the task's result, failed checks included
  for (const auto& r : results) {
    checked.push_back({{"check", r.name}, {"table", r.table}, {"observed", r.observed}, {"expected", r.expected},
                       {"passed", r.verdict == quality::Verdict::kSkip ? nlohmann::json()
                                                                        : nlohmann::json(r.verdict == quality::Verdict::kPass)},
                       {"verdict", quality::VerdictName(r.verdict)}});
    if (!r.message.empty()) checked.back()["message"] = r.message;
  }
  (void)WriteTaskResult(checked);
  OrFail(wh->Close());
  size_t failed = 0, skipped = 0;
  std::string names;
  for (const auto& r : results) {
    if (r.verdict == quality::Verdict::kFail || r.verdict == quality::Verdict::kError) {
      if (failed < 5) names += (failed ? ", " : "") + r.name;
      ++failed;
    }
    if (r.verdict == quality::Verdict::kSkip) ++skipped;
  }
  if (failed > 0) {
    Fail(std::to_string(failed) + " of " + std::to_string(results.size()) +
         " data-quality checks failed: " + names + (failed > 5 ? ", ..." : ""));
  }
  std::printf("all %zu checks passed%s\n", results.size() - skipped,
              skipped ? (" (" + std::to_string(skipped) + " skipped: no manifest, use --from DIR)").c_str() : "");
}

}  // namespace

void AddWarehouseCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("warehouse", "Create, load and check the star-schema warehouse");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<WarehouseOptions>();
  const char* conn_help =
      "Target: sqlite:///abs/path.db | sqlite:rel/path.db | postgresql://user:pass@host:port/db | "
      "'host=... dbname=...' | redshift://user:pass@host:5439/db?iam_role=...&s3_prefix=s3://bucket/prefix | "
      "a stored connection id";

  auto* create = cmd->add_subcommand("create", "Create the six tables (idempotent)");
  create->add_option("--conn", opts->conn, conn_help)->required();
  create->add_flag("--drop", opts->drop, "Drop the tables first (in one transaction)");
  create->add_option("--from", opts->from, "Parquet area (folder or s3://bucket/prefix) to size Redshift VARCHAR columns from");
  const char* aws_conn_help = "stored connection with the S3 credentials/region/endpoint (default: AWS environment)";
  create->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  create->callback([opts] { RunCreate(*opts); });

  auto* load = cmd->add_subcommand("load", "Load a Parquet area (replaces each table's contents atomically)");
  load->add_option("--conn", opts->conn, conn_help)->required();
  load->add_option("--from", opts->from, "Parquet area written by `arxivflow transform` (folder or s3://bucket/prefix)")
      ->required();
  load->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  load->add_option("--tables", opts->tables, "Comma-separated tables to load (default: all six)");
  load->callback([opts] { RunLoad(*opts); });

  auto* check = cmd->add_subcommand("check", "Run the data-quality checks; exit 1 when one fails");
  check->add_option("--conn", opts->conn, conn_help)->required();
  check->add_option("--checks", opts->checks, "YAML checks file (default: the built-in checks)");
  check->add_option("--from", opts->from, "Parquet area (folder or s3://) whose manifest the checks reconcile with");
  check->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  check->callback([opts] { RunCheck(*opts); });
}

}  // namespace arxivflow::cli
