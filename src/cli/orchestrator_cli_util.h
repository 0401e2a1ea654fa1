// Helpers shared by the orchestrator's CLI commands: listing output in
// Airflow's formats (--output table|json|plain), opening the home, and the
// run-control service the dags/tasks verbs adapt.
//
// Contract: PrintListing writes to stdout; json is an array of objects keyed
// by the column names (values as strings), table is aligned columns with a
// header, plain is tab-separated rows without header. OpenStoreOrFail and
// OpenRunControlOrFail call Fail() (commands.h) on error. Single-threaded CLI
// use only.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "orchestrator/dag_catalog.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/run_control.h"

namespace arxivflow::cli {

inline void AddOutputOption(CLI::App* cmd, std::string& output) {
  cmd->add_option("-o,--output", output, "Output format: table, json or plain")
      ->check(CLI::IsMember({"table", "json", "plain"}))
      ->capture_default_str();
}

inline void PrintListing(const std::vector<std::string>& columns,
                         const std::vector<std::vector<std::string>>& rows, const std::string& format) {
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& row : rows) {
      nlohmann::json obj = nlohmann::json::object();
      for (size_t i = 0; i < columns.size() && i < row.size(); ++i) obj[columns[i]] = row[i];
      arr.push_back(obj);
    }
    std::printf("%s\n", arr.dump(2).c_str());
    return;
  }
  if (format == "plain") {
    for (const auto& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? "\t" : "") + row[i];
      std::printf("%s\n", line.c_str());
    }
    return;
  }
  std::vector<size_t> width(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) width[i] = columns[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
      size_t w = row[i].find('\n') == std::string::npos ? row[i].size() : row[i].find('\n');
      width[i] = std::max(width[i], std::min<size_t>(w, 100));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      if (auto nl = cell.find('\n'); nl != std::string::npos) cell = cell.substr(0, nl) + " ...";
      if (i + 1 < columns.size()) cell.resize(std::max(width[i], cell.size()), ' ');
      line += (i ? " | " : "") + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  };
  print_row(columns);
  std::string sep;
  for (size_t i = 0; i < columns.size(); ++i) sep += (i ? "=+=" : "") + std::string(width[i], '=');
  std::printf("%s\n", sep.c_str());
  for (const auto& row : rows) print_row(row);
}

template <typename T>
T ValueOrFail(arxivflow::Result<T> result) {
  if (!result.ok()) Fail(result.status().message());
  return std::move(result).value();
}

inline void OkOrFail(const arxivflow::Status& status) {
  if (!status.ok()) Fail(status.message());
}

inline std::unique_ptr<orchestrator::MetadataStore> OpenStoreOrFail() {
  return ValueOrFail(orchestrator::MetadataStore::Open(orchestrator::Paths(), false));
}

inline std::string OrEmpty(const std::optional<std::string>& v) { return v ? *v : ""; }

// The store, the DAG folder (parsed and written to the store, as Airflow's CLI
// parses the DAG folder, so commands work without a running scheduler) and
// run control over both.
struct RunControlContext {
  std::unique_ptr<orchestrator::MetadataStore> store;
  std::unique_ptr<orchestrator::DagCatalog> dags;
  std::unique_ptr<orchestrator::RunControl> control;
};
RunControlContext OpenRunControlOrFail();

// The operating-system user running the CLI, from the "cli" origin.
orchestrator::Actor CliActor();

// The DAG's spec, or Fail() naming the DAG folder and the import errors.
orchestrator::DagSpec DagOrFail(const RunControlContext& context, const std::string& dag_id);

// Adds the options every orchestrator command shares (--home) and lets a
// parent's options appear after the subcommand.
void AddHomeOption(CLI::App* cmd);

void AddDagsCommand(CLI::App& app);
void AddTasksCommand(CLI::App& app);
void AddEventsCommand(CLI::App& app);  // events_command.cc
void AddDbCleanCommand(CLI::App* db);   // events_command.cc

}  // namespace arxivflow::cli
