// The files that ship with arxivflow into the DAGs folder, compiled in: the
// DAG files (dags/*.yaml) and the Spark job create_parquet_area_emr uploads
// (spark/arxiv_transform.py, as "spark/arxiv_transform.py").
//
// Contract: the list is immutable, built at compile time; `db init` copies
// each file into $ARXIVFLOW_HOME/dags/<file_name> (creating its folder)
// unless a file of that name exists.
#pragma once

#include <string>
#include <vector>

namespace arxivflow::orchestrator {

struct ShippedDag {
  const char* file_name;  // relative to the DAGs folder
  const char* content;
};

const std::vector<ShippedDag>& ShippedDags();

}  // namespace arxivflow::orchestrator
