// Subsystems not yet wired into the CLI. Each function moves to its own
// <subsystem>_command.cc when the subsystem lands.
#include "cli/commands.h"

namespace arxivflow::cli {


}  // namespace arxivflow::cli
