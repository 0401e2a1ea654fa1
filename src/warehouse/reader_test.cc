#include "warehouse/reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/test_batches.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {
namespace {

namespace fs = std::filesystem;
using testing::StringVector;

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_ / "w.db").string();
    auto wh = Warehouse::Open(*ParseConnection("sqlite://" + db_));
    ASSERT_TRUE(wh.ok());
    wh_ = std::move(wh).value();
    ASSERT_TRUE(wh_->CreateTables({}).ok());
  }
  void TearDown() override { wh_.reset(); }

  // Stages `batch` for `load`.
  void Stage(schema::TableId id, Batch batch, const LoadIdentity& load) {
    std::vector<Batch> batches;
    batches.push_back(std::move(batch));
    auto source = MakeMemoryBatchSource(std::move(batches));
    TableLoadInput input;
    input.source = source.get();
    input.load = load;
    auto rows = wh_->StageTable(schema::Table(id), input);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  }

  // Three papers: two arXiv, one NIPS (same id as an arXiv one).
  void LoadPapers() {
    const LoadIdentity load = LoadIdentityForRun("reader-test");
    Batch titles;
    titles.rows = 3;
    titles.columns.push_back(StringVector({std::string("0704.0001"), std::string("0704.0002"), std::string("1")}));
    titles.columns.push_back(StringVector({std::string("Calculation of prompt diphoton production"),
                                           std::string("Sparsity-certifying Graph Decompositions"),
                                           std::string("Self-Organization of Associative Memory")}));
    titles.columns.push_back(StringVector({std::string("arXiv"), std::string("arXiv"), std::string("NIPS")}));
    Stage(schema::TableId::kTitles, std::move(titles), load);
    Batch abstracts;
    abstracts.rows = 2;
    abstracts.columns.push_back(StringVector({std::string("0704.0001"), std::string("1")}));
    abstracts.columns.push_back(StringVector({std::string("A fully differential calculation in perturbative QCD"),
                                              std::string("Graph memories of a Schrödinger network")}));
    abstracts.columns.push_back(StringVector({std::string("arXiv"), std::string("NIPS")}));
    Stage(schema::TableId::kAbstracts, std::move(abstracts), load);
    Batch authors;
    authors.rows = 3;
    authors.columns.push_back(StringVector({std::string("0704.0001"), std::string("0704.0001"), std::string("0704.0002")}));
    authors.columns.push_back(StringVector({std::string("C. Balázs"), std::string("E. L. Berger"), std::string("I. Streinu")}));
    authors.columns.push_back(testing::Int32Vector({2, 1, 1}));
    authors.columns.push_back(StringVector({std::string("Balázs"), std::string("Berger"), std::string("Streinu")}));
    authors.columns.push_back(StringVector({std::string("C."), std::string("E. L."), std::string("Ileana")}));
    authors.columns.push_back(StringVector({std::nullopt, std::string("Jr"), std::nullopt}));
    Stage(schema::TableId::kAuthors, std::move(authors), load);
    PublishRequest request;
    request.load = load;
    request.tables = {"titles", "abstracts", "authors"};
    auto published = wh_->Publish(request);
    ASSERT_TRUE(published.ok()) << published.status().ToString();
  }

  const ScopedTempDir tmp_{"af_reader_test_"};  // first: removed after the warehouse closed
  const fs::path dir_ = tmp_.path();
  std::string db_;
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(ReaderTest, CountsAreTheRecordedOnes) {
  LoadPapers();
  auto reader = WarehouseReader::Open(db_);
  ASSERT_TRUE(reader.ok());
  auto tables = (*reader)->Tables();
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 6u);
  std::map<std::string, int64_t> rows;
  for (const auto& t : *tables) {
    EXPECT_TRUE(t.exists) << t.table;
    ASSERT_TRUE(t.rows.has_value()) << t.table;
    rows[t.table] = *t.rows;
  }
  EXPECT_EQ(rows["titles"], 3);
  EXPECT_EQ(rows["authors"], 3);
  EXPECT_EQ(rows["papers"], 0);  // created empty, never loaded
}

TEST_F(ReaderTest, SearchFindsTitleAndAbstractWordsNewestFirst) {
  LoadPapers();
  auto reader = WarehouseReader::Open(db_);
  ASSERT_TRUE(reader.ok());
  auto page = (*reader)->Search("graph", 10, 0);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->total, 2);
  ASSERT_EQ(page->hits.size(), 2u);
  EXPECT_EQ(page->hits[0].id, "1");  // loaded last
  EXPECT_EQ(page->hits[0].abstract, "Graph memories of a Schrödinger network");
  EXPECT_EQ(page->hits[1].id, "0704.0002");
  EXPECT_EQ(page->hits[1].authors, std::vector<std::string>({"Ileana Streinu"}));
  // Words from the title and the abstract of one paper; accents folded.
  page = (*reader)->Search("Diphoton PERTURBATIVE", 10, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 1u);
  EXPECT_EQ(page->hits[0].authors, std::vector<std::string>({"E. L. Berger Jr", "C. Balázs"}));
  EXPECT_EQ((*reader)->Search("schrodinger", 10, 0)->total, 1);
  EXPECT_EQ((*reader)->Search("diph*", 10, 0)->total, 0);  // whole words only
  EXPECT_TRUE((*reader)->Search("graph", 10, 0)->total_exact);
  EXPECT_EQ((*reader)->Search("diphoton memory", 10, 0)->total, 0);
  // Paging.
  page = (*reader)->Search("graph", 1, 1);
  ASSERT_EQ(page->hits.size(), 1u);
  EXPECT_EQ(page->hits[0].id, "0704.0002");
  EXPECT_EQ(page->total, 2);
  // Nothing to search for.
  EXPECT_EQ((*reader)->Search("-- **", 10, 0)->hits.size(), 0u);
}

TEST_F(ReaderTest, MissingWarehouseAndIndexAreNotFound) {
  auto absent = WarehouseReader::Open((dir_ / "absent.db").string());
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), Status::Code::kNotFound);
  wh_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DROP TABLE papers_fts", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto reader = WarehouseReader::Open(db_);
  ASSERT_TRUE(reader.ok());
  auto page = (*reader)->Search("graph", 10, 0);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace arxivflow::warehouse
