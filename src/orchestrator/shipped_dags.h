// The DAG files that ship with arxivflow (dags/*.yaml, compiled in).
//
// Contract: the list is immutable, built at compile time; `db init` copies
// each file into $ARXIVFLOW_HOME/dags/ unless a file of that name exists.
#pragma once

#include <string>
#include <vector>

namespace arxivflow::orchestrator {

struct ShippedDag {
  const char* file_name;
  const char* content;
};

const std::vector<ShippedDag>& ShippedDags();

}  // namespace arxivflow::orchestrator
