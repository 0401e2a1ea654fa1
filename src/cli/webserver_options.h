// The web server options `webserver` and `standalone` share (addresses,
// limits, cookies), declared once so both commands offer the same flags.
//
// Contract: AddWebserverOptions registers the options on `cmd`, writing into
// `options`, which must outlive the command's callback. Single-threaded CLI
// setup only.
#pragma once

#include <CLI/CLI.hpp>

#include "server/webserver.h"

namespace arxivflow::cli {

void AddWebserverOptions(CLI::App* cmd, server::WebserverOptions& options);

}  // namespace arxivflow::cli
