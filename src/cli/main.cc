// arxivflow: the arXiv metadata pipeline in one binary.
#include <cstdio>

#include "cli/commands.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"arxivflow: turns the arXiv metadata snapshot into a star-schema warehouse,\n"
               "with an Airflow-style orchestrator, web UI, REST API and CLI."};
  app.name("arxivflow");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.parse_complete_callback([&] { arxivflow::InitLogging(log_level); });

  using namespace arxivflow::cli;
  AddVersionCommand(app);
  AddGenCommand(app);
  AddParquetCommand(app);
  AddTransformCommand(app);
  AddWarehouseCommand(app);
  AddOrchestratorCommands(app);
  AddServerCommands(app);
  AddRemoteCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
