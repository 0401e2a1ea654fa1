#include <iostream>

#include "cli/commands.h"

namespace arxivflow::cli {

void Fail(const std::string& message, int code) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::fflush(stderr);
  throw CLI::RuntimeError(code);
}

void AddVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the program version");
  cmd->callback([] { std::cout << "arxivflow " << ARXIVFLOW_VERSION << "\n"; });
}

}  // namespace arxivflow::cli
