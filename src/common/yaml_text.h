// Guarded entry points into yaml-cpp for the YAML files users write (DAG
// files, check files).
//
// yaml-cpp 0.7 (Debian 12) has ways to never return, to crash or to exhaust
// memory on bad input, all found by fuzzing or by hand:
// - control bytes such as NUL, and LoadAll() on some malformed streams, where
//   it yields empty documents forever;
// - an alias inside the node it refers to (`a: &x {b: *x}`): yaml-cpp builds a
//   cyclic graph, and any walk over it (conversion to JSON) recurses forever;
// - aliases of aliases ("billion laughs": 9 levels of 10 aliases in 600
//   bytes): the graph is small, but any walk expands it to 10^9 nodes.
// So:
// - ValidateYamlText() refuses characters YAML does not admit (YAML 1.2,
//   section 5.1: of the C0 controls only TAB, LF and CR);
// - LoadYamlDocuments() first walks the stream's events with a budget, and
//   only then builds the nodes. The walk refuses a text larger than
//   limits.max_bytes, more than max_documents documents, an alias that refers
//   to a node containing it (a cycle), more than max_nodes nodes or
//   max_expanded_bytes bytes of scalars once every alias is expanded (summed
//   over all documents), and nesting deeper than max_depth once expanded. A document that passes can be walked
//   recursively, with every alias expanded, in bounded time, memory and stack.
// Errors are kInvalidArgument naming the file and, where known, the line.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/status.h"

namespace arxivflow {

struct YamlLimits {
  size_t max_bytes = 1 << 20;   // 1 MiB
  int max_documents = 64;
  size_t max_nodes = 250000;              // after alias expansion
  size_t max_expanded_bytes = 16 << 20;   // of scalars, after alias expansion
  int max_depth = 64;                     // after alias expansion
};

// OK, or kInvalidArgument "<name>: line L: control character 0xNN is not
// allowed in YAML".
Status ValidateYamlText(std::string_view text, const std::string& name);

// Every document of a YAML stream, or "<name>:<line>:<column>: invalid YAML: <what>",
// or "<name>:<line>:<column>: <limit exceeded>".
Result<std::vector<YAML::Node>> LoadYamlDocuments(const std::string& text, const std::string& name,
                                                  const YamlLimits& limits = YamlLimits());

}  // namespace arxivflow
