// Subcommand registration for the `arxivflow` binary.
//
// Contract: each Add*Command adds one subcommand (with its own subcommands and
// options) to `app` and installs a callback. A callback reports failure by
// throwing CLI::RuntimeError(exit_code) after printing a one-line error to
// stderr; it never calls exit() itself, so the binary unwinds cleanly.
// Not thread-safe; called once from main().
#pragma once

#include <CLI/CLI.hpp>

namespace arxivflow::cli {

void AddVersionCommand(CLI::App& app);
void AddGenCommand(CLI::App& app);
void AddParquetCommand(CLI::App& app);
void AddTransformCommand(CLI::App& app);
void AddWarehouseCommand(CLI::App& app);
void AddOrchestratorCommands(CLI::App& app);  // db, dags, tasks, connections, variables, scheduler, standalone
void AddServerCommands(CLI::App& app);        // webserver, users
void AddRemoteCommands(CLI::App& app);        // aws

// Prints "error: <message>" to stderr and throws CLI::RuntimeError(code).
[[noreturn]] void Fail(const std::string& message, int code = 1);

}  // namespace arxivflow::cli
