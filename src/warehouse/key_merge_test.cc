// The merge must give a table's rows in key order from files that are each
// in key order and interleave as the transform's workers write them, open a
// file only when the merge reaches it, and stop (kAborted) at a file whose
// rows are not in order; and a table stored by its key, loaded from such
// files, must hold what the sorting path stores.
#include "warehouse/key_merge.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "parquet/writer.h"
#include "warehouse/ddl.h"
#include "warehouse/sqlite_stage_file.h"
#include "warehouse/test_batches.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {
namespace {

using testing::GeneratedBatch;

const schema::TableDef& Authors() { return schema::Table(schema::TableId::kAuthors); }

// Writes GeneratedBatch's rows `rows` (in that order) of `table` to `path`,
// in row groups of about 4 KB.
void WriteRows(const std::string& path, const schema::TableDef& table, const std::vector<int>& rows) {
  auto sink = parquet::OpenFileSink(path);
  ASSERT_TRUE(sink.ok());
  parquet::WriterOptions options;
  options.row_group_bytes = 4096;
  auto writer = parquet::Writer::Open(std::move(*sink), table.schema, options);
  ASSERT_TRUE(writer.ok());
  for (int row : rows) {
    Batch b = GeneratedBatch(table, 1, row);
    for (size_t c = 0; c < table.schema.columns.size(); ++c) {
      const auto& v = b.columns[c];
      const int col = static_cast<int>(c);
      switch (v.physical) {
        case parquet::PhysicalType::kByteArray: (*writer)->AppendString(col, v.strings[0]); break;
        case parquet::PhysicalType::kInt32: (*writer)->AppendInt32(col, v.i32[0]); break;
        default: (*writer)->AppendInt64(col, v.i64[0]); break;
      }
    }
    ASSERT_TRUE((*writer)->EndRow().ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
}

// Two workers taking blocks of 10 rows in turn, each starting a new file
// after 100 rows: four files, each in key order, pairwise interleaved.
std::vector<std::string> WorkerFiles(const ScopedTempDir& tmp, int rows) {
  std::vector<std::vector<int>> files;
  int taken[2] = {0, 0};
  std::vector<size_t> current = {0, 0};
  for (int block = 0; block * 10 < rows; ++block) {
    const int worker = block % 2;
    if (taken[worker] % 100 == 0) {
      current[worker] = files.size();
      files.emplace_back();
    }
    for (int r = block * 10; r < std::min(rows, block * 10 + 10); ++r) files[current[worker]].push_back(r);
    taken[worker] += 10;
  }
  std::vector<std::string> paths;
  for (size_t f = 0; f < files.size(); ++f) {
    paths.push_back(tmp.File("part-" + std::to_string(f) + ".parquet").string());
    WriteRows(paths.back(), Authors(), files[f]);
  }
  return paths;
}

// The merged rows' ids, and the number of runs.
Result<std::vector<std::string>> MergedIds(std::vector<KeyOrderedFile> files, int* runs = nullptr,
                                           size_t max_open = 4, int read_ahead = 1) {
  KeyMerger merger(Authors(), std::move(files), read_ahead, max_open);
  std::vector<std::string> ids;
  const Batch* batch = nullptr;
  int64_t begin = 0, end = 0;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool more, merger.Next(&batch, &begin, &end));
    if (!more) break;
    if (runs) ++*runs;
    for (int64_t r = begin; r < end; ++r) ids.emplace_back(batch->columns[0].strings[static_cast<size_t>(r)]);
  }
  return ids;
}

TEST(KeyMergeTest, InterleavedFilesOfWorkersComeOutInKeyOrder) {
  const ScopedTempDir tmp("af_key_merge_");
  const auto paths = WorkerFiles(tmp, 400);
  ASSERT_EQ(paths.size(), 4u);
  auto ordered = KeyOrderedFiles(Authors(), paths, 4);
  ASSERT_TRUE(ordered.ok()) << ordered.status().ToString();
  ASSERT_TRUE(ordered->has_value());
  int runs = 0;
  auto ids = MergedIds(std::move(**ordered), &runs);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  std::vector<std::string> expected;
  for (int i = 0; i < 400; ++i) expected.push_back("2301." + std::to_string(10000 + i));
  EXPECT_EQ(*ids, expected);
  EXPECT_GE(runs, 40);  // a block at a time, at least
  // Two files overlap at most: with room for one, the rows are sorted instead.
  auto one = KeyOrderedFiles(Authors(), paths, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->has_value());
  // Nor does the merge open more (had the footers said otherwise).
  auto again = KeyOrderedFiles(Authors(), paths, 4);
  ASSERT_TRUE(again.ok() && again->has_value());
  auto bounded = MergedIds(std::move(**again), nullptr, 1);
  // Read by the caller, without threads: the same rows.
  auto unthreaded = KeyOrderedFiles(Authors(), paths, 4);
  ASSERT_TRUE(unthreaded.ok() && unthreaded->has_value());
  auto same = MergedIds(std::move(**unthreaded), nullptr, 4, /*read_ahead=*/0);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, expected);
  ASSERT_FALSE(bounded.ok());
  EXPECT_EQ(bounded.status().message(), kRowsOutOfKeyOrder);
}

TEST(KeyMergeTest, AFileOutOfKeyOrderStopsTheMerge) {
  const ScopedTempDir tmp("af_key_merge_order_");
  const std::string a = tmp.File("a.parquet").string(), b = tmp.File("b.parquet").string();
  WriteRows(a, Authors(), {0, 1, 2, 3, 4, 5});
  WriteRows(b, Authors(), {6, 9, 8, 10});
  auto ordered = KeyOrderedFiles(Authors(), {a, b}, 4);
  ASSERT_TRUE(ordered.ok() && ordered->has_value());
  auto ids = MergedIds(std::move(**ordered));
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), Status::Code::kAborted);
  EXPECT_EQ(ids.status().message(), kRowsOutOfKeyOrder);
}

TEST(KeyMergeTest, EqualKeysInTwoFilesArePassedOnForTheWriterToRefuse) {
  const ScopedTempDir tmp("af_key_merge_dup_");
  const std::string a = tmp.File("a.parquet").string(), b = tmp.File("b.parquet").string();
  WriteRows(a, Authors(), {0, 2, 4});
  WriteRows(b, Authors(), {1, 2, 3});
  auto ordered = KeyOrderedFiles(Authors(), {a, b}, 4);
  ASSERT_TRUE(ordered.ok() && ordered->has_value());
  auto ids = MergedIds(std::move(**ordered));
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 6u);
}

// Through the warehouse: authors from the workers' files (merged) and from a
// memory source (sorted) hold the same rows; a duplicate across two files
// fails as SQLite's UNIQUE does; files out of order are sorted instead.
TEST(KeyMergeTest, ATableLoadedFromMergedFilesHoldsWhatTheSortingPathStores) {
  const ScopedTempDir tmp("af_key_merge_load_");
  ASSERT_TRUE(SqliteStoredByKey(Authors()));
  const std::string db = tmp.File("w.db").string();
  auto wh = Warehouse::Open(*ParseConnection("sqlite://" + db));
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->CreateTables({}).ok());
  auto stage = [&](const std::string& run, std::vector<std::string> files, std::unique_ptr<BatchSource> source) {
    TableLoadInput input;
    input.files = std::move(files);
    input.source = source.get();
    input.load = LoadIdentityForRun(run);
    input.area_id = "a";
    return (*wh)->StageTable(Authors(), input);
  };
  auto merged = stage("merged", WorkerFiles(tmp, 1000), nullptr);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(*merged, 1000);
  std::vector<Batch> batches;
  batches.push_back(GeneratedBatch(Authors(), 500, 500));
  batches.push_back(GeneratedBatch(Authors(), 500, 0));
  auto sorted = stage("sorted", {}, MakeMemoryBatchSource(std::move(batches)));
  ASSERT_TRUE(sorted.ok()) << sorted.status().ToString();
  const std::string m = "\"authors__stage_" + LoadIdentityForRun("merged").load_id + "\"";
  const std::string s = "\"authors__stage_" + LoadIdentityForRun("sorted").load_id + "\"";
  auto differ = (*wh)->QueryScalar("SELECT count(*) FROM (SELECT * FROM " + m + " EXCEPT SELECT * FROM " + s + ")");
  ASSERT_TRUE(differ.ok());
  EXPECT_EQ(differ->integer, 0);
  auto count = (*wh)->QueryScalar("SELECT count(*) FROM " + m);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->integer, 1000);

  const std::string a = tmp.File("dup-a.parquet").string(), b = tmp.File("dup-b.parquet").string();
  WriteRows(a, Authors(), {0, 2, 4});
  WriteRows(b, Authors(), {1, 2, 3});
  auto dup = stage("dup", {a, b}, nullptr);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("UNIQUE constraint failed: authors.id, authors.position"), std::string::npos)
      << dup.status().ToString();

  const std::string c = tmp.File("unordered.parquet").string();
  WriteRows(c, Authors(), {5, 3, 4, 0, 1, 2});
  auto unordered = stage("unordered", {c}, nullptr);
  ASSERT_TRUE(unordered.ok()) << unordered.status().ToString();
  EXPECT_EQ(*unordered, 6);
  auto first = (*wh)->QueryScalar("SELECT id FROM \"authors__stage_" + LoadIdentityForRun("unordered").load_id +
                                  "\" WHERE suffix IS NOT NULL OR suffix IS NULL LIMIT 1");  // a scan of the table
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->text, "2301.10000");
}

}  // namespace
}  // namespace arxivflow::warehouse
