// Subsystems not yet wired into the CLI. Each function moves to its own
// <subsystem>_command.cc when the subsystem lands.
#include "cli/commands.h"

namespace arxivflow::cli {

void AddParquetCommand(CLI::App&) {}
void AddTransformCommand(CLI::App&) {}
void AddWarehouseCommand(CLI::App&) {}
void AddOrchestratorCommands(CLI::App&) {}
void AddServerCommands(CLI::App&) {}
void AddRemoteCommands(CLI::App&) {}

}  // namespace arxivflow::cli
