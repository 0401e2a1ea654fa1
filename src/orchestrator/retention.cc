#include "orchestrator/retention.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/logging.h"
#include "common/yaml_text.h"
#include "orchestrator/log_disk_usage.h"
#include "orchestrator/run_id.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

std::string RunLogFolder(const HomePaths& home, const std::string& dag_id, const std::string& run_id) {
  return home.logs() + "/dag_id=" + PathComponent(dag_id) + "/run_id=" + PathComponent(run_id);
}

}  // namespace

Result<RetentionReport> CleanOlderThan(MetadataStore& store, const HomePaths& home, double older_than_days,
                                       bool dry_run, double now) {
  if (!std::isfinite(older_than_days) || older_than_days < 0) {
    return Status::InvalidArgument("--older-than must be a number of days >= 0");
  }
  RetentionReport report;
  report.dry_run = dry_run;
  report.cut = FormatIso(now - older_than_days * 86400.0);
  AF_ASSIGN_OR_RETURN(report.rows, store.DeleteOlderThan(report.cut, dry_run));
  for (const auto& [dag_id, run_id] : report.rows.runs) {
    std::string folder = RunLogFolder(home, dag_id, run_id);
    DiskUsage usage = MeasureDiskUsage(folder);
    report.log_files += usage.files;
    report.log_bytes += usage.bytes;
    if (dry_run) continue;
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    if (ec) spdlog::warn("retention: could not remove {}: {}", folder, ec.message());
  }
  return report;
}

Result<double> ReadRetentionDays(const HomePaths& home) {
  std::string path = home.root + "/config.yaml";
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0.0;
  if (st.st_size > 64 * 1024) return Status::InvalidArgument(path + ": larger than 64 KiB");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseRetentionDays(text.str(), path);
}

Result<double> ParseRetentionDays(std::string_view text, const std::string& path) {
  if (text.size() > 64 * 1024) return Status::InvalidArgument(path + ": larger than 64 KiB");
  // The guarded loader (common/yaml_text.h): yaml-cpp alone can hang or
  // crash on malformed text.
  AF_RETURN_IF_ERROR(ValidateYamlText(text, path));
  YamlLimits limits;
  limits.max_bytes = 64 * 1024;
  limits.max_documents = 1;
  limits.max_nodes = 10000;
  limits.max_depth = 16;
  AF_ASSIGN_OR_RETURN(auto docs, LoadYamlDocuments(std::string(text), path, limits));
  if (docs.empty()) return 0.0;
  try {
    const YAML::Node& root = docs[0];
    if (!root || root.IsNull()) return 0.0;
    if (!root.IsMap()) return Status::InvalidArgument(path + ": expected a mapping");
    YAML::Node days = root["retention_days"];
    if (!days || days.IsNull()) return 0.0;
    double value = days.as<double>();
    if (!std::isfinite(value) || value < 0) {
      return Status::InvalidArgument(path + ": retention_days must be a number of days >= 0");
    }
    return value;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
}

std::string DescribeRetention(const RetentionReport& r) {
  char bytes[64];
  std::snprintf(bytes, sizeof bytes, "%.1f MB", static_cast<double>(r.log_bytes) / 1e6);
  return std::to_string(r.rows.dag_runs) + " DAG runs, " + std::to_string(r.rows.task_instances) +
         " task instances, " + std::to_string(r.rows.task_tries) + " tries, " + std::to_string(r.rows.audit_rows) +
         " audit rows, " + std::to_string(r.log_files) + " log files (" + bytes + ")";
}

}  // namespace arxivflow::orchestrator
