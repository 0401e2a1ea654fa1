// Process-wide logging on top of spdlog.
//
// Contract: InitLogging() may be called more than once (the last level wins);
// after it, spdlog's default logger writes "<time> <level> <message>" lines to
// stderr and is thread-safe. Never log secrets: connection passwords, keys and
// tokens are masked by their owners before they reach a log call.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace arxivflow {

// `level` is one of trace, debug, info, warn, error, off; unknown means info.
void InitLogging(const std::string& level);

}  // namespace arxivflow
