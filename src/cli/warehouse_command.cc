// `arxivflow warehouse create|load|index|publish|check`: the star schema on
// SQLite, PostgreSQL or Redshift, staged and published loads, and the
// data-quality checks.
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/aws_connection_option.h"
#include "cli/commands.h"
#include "common/logging.h"
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
  std::string run_id;
  bool drop = false;
  bool stage_only = false;
  int jobs = 0;
};

// Progress of the loads: a log line per phase, every 5 s per table while rows
// stream, and on a change of lock holder (then every 30 s) while waiting; the
// latest snapshot of every table also goes to the task's progress file
// (ARXIVFLOW_TASK_PROGRESS_FILE) for the orchestrator, at most once a second.
class ProgressLog {
 public:
  ProgressCallback Callback() {
    return [this](const LoadProgress& p) { Report(p); };
  }

 private:
  void Report(const LoadProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    Seen& seen = seen_[p.table];
    const auto since = now - seen.logged;
    bool log = p.phase != seen.phase;
    if (p.phase == LoadPhase::kLoading) log = log || since >= std::chrono::seconds(5);
    if (p.phase == LoadPhase::kWaitingForLock) {
      log = log || p.holder != seen.holder || since >= std::chrono::seconds(30);
    }
    if (log) {
      spdlog::info("{}", p.ToString());
      seen.logged = now;
    }
    seen.phase = p.phase;
    seen.holder = p.holder;
    snapshot_[p.table] = p.ToJson();
    if (log || now - written_ >= std::chrono::seconds(1) || p.phase == LoadPhase::kDone) {
      (void)WriteTaskProgress({{"tables", snapshot_}});
      written_ = now;
    }
  }

  struct Seen {
    LoadPhase phase = LoadPhase::kDone;
    std::string holder;
    std::chrono::steady_clock::time_point logged;
  };
  std::mutex mu_;
  std::map<std::string, Seen> seen_;
  nlohmann::json snapshot_ = nlohmann::json::object();
  std::chrono::steady_clock::time_point written_;
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
  ProgressLog progress;
  CreateOptions options;
  options.drop = o.drop;
  options.progress = progress.Callback();
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

LoadIdentity LoadFor(const WarehouseOptions& o) {
  return LoadIdentityForRun(o.run_id);  // a fresh load id without --run-id
}

void RunLoad(const WarehouseOptions& o) {
  ApplyAwsConnection(o.aws_conn);
  std::vector<std::string> tables = OrFail(ParseTableList(o.tables));
  ParquetArea area = OrFail(OpenParquetArea(o.from));
  auto wh = OpenOrFail(o.conn);
  if (wh->kind() == TargetKind::kRedshift) PrintWidths(OrFail(ComputeVarcharWidths(area, tables)));
  ProgressLog progress;
  LoadOptions options;
  options.tables = tables;
  options.load = LoadFor(o);
  options.stage_only = o.stage_only;
  options.jobs = o.jobs;
  options.progress = progress.Callback();
  auto report = OrFail(LoadArea(*wh, area, options));
  std::printf("%-12s %12s %10s\n", "table", "rows", "seconds");
  int64_t total = 0;
  double seconds = 0;
  for (const auto& r : report.tables) {
    std::printf("%-12s %12lld %10.3f\n", r.table.c_str(), static_cast<long long>(r.rows), r.seconds);
    total += r.rows;
    seconds += r.seconds;
  }
  std::printf("%-12s %12lld %10.3f\n", "total", static_cast<long long>(total), seconds);
  if (report.published) {
    std::printf("published %zu table(s) on %s (load %s)\n", report.tables.size(), wh->Describe().c_str(),
                report.load.load_id.c_str());
  } else {
    std::printf("staged %zu table(s) on %s for %s; `arxivflow warehouse publish --run-id %s` swaps them in\n",
                report.tables.size(), wh->Describe().c_str(),
                o.run_id.empty() ? ("load " + report.load.load_id).c_str() : ("run " + o.run_id).c_str(),
                o.run_id.empty() ? "..." : o.run_id.c_str());
  }
  std::fflush(stdout);
  nlohmann::json loaded = nlohmann::json::array();  // the task's result when run by the orchestrator
  for (const auto& r : report.tables) {
    loaded.push_back({{"table", r.table}, {"rows_loaded", r.rows}, {"target", wh->Describe()},
                      {"state", report.published ? "published" : "staged"}});
  }
  (void)WriteTaskResult(loaded);
  OrFail(wh->Close());
}

void RunIndex(const WarehouseOptions& o) {
  ApplyAwsConnection(o.aws_conn);
  ParquetArea area = OrFail(OpenParquetArea(o.from));
  auto wh = OpenOrFail(o.conn);
  ProgressLog progress;
  const bool staged = OrFail(StageAreaSearchIndex(*wh, area, LoadFor(o), progress.Callback()));
  if (wh->kind() != TargetKind::kSqlite) {
    std::printf("%s has no search index to build (the UI searches SQLite warehouses)\n", wh->Describe().c_str());
  } else if (staged) {
    std::printf("staged the search index on %s for run %s\n", wh->Describe().c_str(), o.run_id.c_str());
  } else {
    std::printf("the search index of run %s will be built from the staged tables at publish\n", o.run_id.c_str());
  }
  (void)WriteTaskResult({{"search_index", staged ? "staged" : "at publish"}, {"target", wh->Describe()}});
  OrFail(wh->Close());
}

void RunPublish(const WarehouseOptions& o) {
  std::vector<std::string> tables = OrFail(ParseTableList(o.tables));
  auto wh = OpenOrFail(o.conn);
  ProgressLog progress;
  const LoadIdentity load = LoadFor(o);
  auto result = OrFail(PublishLoad(*wh, load, tables, progress.Callback()));
  nlohmann::json published = nlohmann::json::array();
  if (result.already_published) {
    std::printf("run %s was already published on %s\n", o.run_id.c_str(), wh->Describe().c_str());
  } else {
    std::printf("%-12s %12s\n", "table", "rows");
    for (const auto& t : result.tables) {
      std::printf("%-12s %12lld\n", t.table.c_str(), static_cast<long long>(t.rows));
      published.push_back({{"table", t.table}, {"rows_published", t.rows}});
    }
    std::printf("published %zu table(s) of run %s on %s\n", result.tables.size(), o.run_id.c_str(),
                wh->Describe().c_str());
  }
  (void)WriteTaskResult(published);
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
  const int jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  auto results = quality::RunChecks(*wh, checks, area ? &*area : nullptr, jobs);
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

  const char* run_id_help =
      "Stage under this run id (the orchestrator passes {{ run_id }}): every task of a run, and every retry, writes "
      "the same staging tables";
  auto* load = cmd->add_subcommand(
      "load", "Load a Parquet area: stage every table, then swap them all in at once (all old or all new)");
  load->add_option("--conn", opts->conn, conn_help)->required();
  load->add_option("--from", opts->from, "Parquet area written by `arxivflow transform` (folder or s3://bucket/prefix)")
      ->required();
  load->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  load->add_option("--tables", opts->tables, "Comma-separated tables to load (default: all six)");
  load->add_option("--run-id", opts->run_id, run_id_help);
  load->add_flag("--stage-only", opts->stage_only,
                 "Leave the tables staged; `warehouse publish --run-id` swaps in the run's tables later")
      ->needs("--run-id");
  load->add_option("--jobs", opts->jobs, "Tables loaded at once (default 3; 2 on SQLite beside the search index)")->check(CLI::Range(1, 16));
  load->callback([opts] { RunLoad(*opts); });

  auto* index = cmd->add_subcommand(
      "index", "Stage the search index of the area's titles and abstracts for a run (SQLite; nothing elsewhere)");
  index->add_option("--conn", opts->conn, conn_help)->required();
  index->add_option("--from", opts->from, "Parquet area (folder or s3://bucket/prefix)")->required();
  index->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  index->add_option("--run-id", opts->run_id, run_id_help)->required();
  index->callback([opts] { RunIndex(*opts); });

  auto* publish = cmd->add_subcommand(
      "publish", "Swap in the tables a run staged, all of them or none, in one transaction");
  publish->add_option("--conn", opts->conn, conn_help)->required();
  publish->add_option("--run-id", opts->run_id, "The run whose staged tables to publish")->required();
  publish->add_option("--tables", opts->tables, "Comma-separated tables of the set (default: all six)");
  publish->callback([opts] { RunPublish(*opts); });

  auto* check = cmd->add_subcommand("check", "Run the data-quality checks; exit 1 when one fails");
  check->add_option("--conn", opts->conn, conn_help)->required();
  check->add_option("--checks", opts->checks, "YAML checks file (default: the built-in checks)");
  check->add_option("--from", opts->from, "Parquet area (folder or s3://) whose manifest the checks reconcile with");
  check->add_option("--aws-conn", opts->aws_conn, aws_conn_help);
  check->add_option("--jobs", opts->jobs, "Check queries run at once (default: the CPU count, at least 2)")
      ->check(CLI::Range(1, 16));
  check->callback([opts] { RunCheck(*opts); });
}

}  // namespace arxivflow::cli
