// Guarded entry points into yaml-cpp for the YAML files users write (DAG
// files, check files).
//
// yaml-cpp 0.7 (Debian 12) has two ways to never return on bad input, both
// found by fuzzing: control bytes such as NUL, and LoadAll() on some malformed
// streams, where it yields empty documents forever. So:
// - ValidateYamlText() refuses characters YAML does not admit (YAML 1.2,
//   section 5.1: of the C0 controls only TAB, LF and CR);
// - LoadYamlDocuments() first walks the stream's documents with a counting
//   handler and gives up past `max_documents`, then builds the nodes.
// Errors are kInvalidArgument naming the file and line. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/status.h"

namespace arxivflow {

// OK, or kInvalidArgument "<name>: line L: control character 0xNN is not
// allowed in YAML".
Status ValidateYamlText(std::string_view text, const std::string& name);

// Every document of a YAML stream, or "<name>:<line>:<column>: invalid YAML: <what>".
Result<std::vector<YAML::Node>> LoadYamlDocuments(const std::string& text, const std::string& name,
                                                  int max_documents = 64);

}  // namespace arxivflow
