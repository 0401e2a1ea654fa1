// TestHome: a throw-away arxivflow home for the orchestrator's unit tests —
// an initialised metadata DB and an empty DAG folder (the shipped DAGs are
// removed) in a ScopedTempDir, deleted at the end. Not used by the product.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/actions.h"
#include "orchestrator/dag_catalog.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

class TestHome {
 public:
  TestHome() {
    home_.root = dir_.path().string();
    std::vector<std::string> report;
    Status st = InitHome(home_, &report);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (DIR* d = opendir(home_.dags().c_str())) {
      while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") unlink((home_.dags() + "/" + name).c_str());
      }
      closedir(d);
    }
    store_ = std::move(MetadataStore::Open(home_, false)).value();
    catalog_ = std::make_unique<DagCatalog>(home_.dags());
  }

  // Writes dags/<name> and re-reads the folder into the store.
  void WriteDag(const std::string& name, const std::string& yaml) {
    std::ofstream(home_.dags() + "/" + name) << yaml;
    Status st = catalog_->Refresh(*store_, true);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }

  const HomePaths& home() const { return home_; }
  MetadataStore& store() { return *store_; }
  DagCatalog& catalog() { return *catalog_; }

 private:
  ScopedTempDir dir_{"af_orch_test_"};  // first: removed after the store closed
  HomePaths home_;
  std::unique_ptr<MetadataStore> store_;
  std::unique_ptr<DagCatalog> catalog_;
};

}  // namespace arxivflow::orchestrator
