#include "cli/commands.h"
namespace arxivflow::cli {
void AddGenCommand(CLI::App&) {}  // placeholder until the generator lands
}  // namespace arxivflow::cli
