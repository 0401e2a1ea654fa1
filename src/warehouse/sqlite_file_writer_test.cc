// Database files written without SQLite must read back through SQLite exactly
// as written, and pass its own integrity check (which verifies every page,
// the freelist, and that each index holds exactly its table's rows).
#include "warehouse/sqlite_file_writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/sqlite_format.h"

namespace arxivflow::warehouse {
namespace {

namespace fmt = sqlite_format;

class Db {
 public:
  explicit Db(const std::string& path) { EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK); }
  ~Db() { sqlite3_close(db_); }
  // Every row of `sql`, columns joined by '|' (NULL as "~", blobs as "x'..'").
  std::vector<std::string> Rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        if (i) row += "|";
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_NULL: row += "~"; break;
          case SQLITE_INTEGER: row += std::to_string(sqlite3_column_int64(st, i)); break;
          case SQLITE_FLOAT: row += "f" + std::to_string(sqlite3_column_double(st, i)); break;
          case SQLITE_BLOB:
            row += "b" + std::string(static_cast<const char*>(sqlite3_column_blob(st, i)), sqlite3_column_bytes(st, i));
            break;
          default:
            row += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)), sqlite3_column_bytes(st, i));
        }
      }
      out.push_back(row);
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Record(const std::vector<std::string>& texts, int64_t rowid_or_int) {
  fmt::RecordBuilder r;
  for (const auto& t : texts) r.AddText(t);
  r.AddInteger(rowid_or_int);
  std::string out;
  r.AppendTo(&out);
  return out;
}

TEST(SqliteFormatTest, VarintsAndIntegerTypesMatchTheFormat) {
  uint8_t buf[9];
  EXPECT_EQ(fmt::PutVarint(buf, 0), 1u);
  EXPECT_EQ(fmt::PutVarint(buf, 127), 1u);
  EXPECT_EQ(fmt::PutVarint(buf, 128), 2u);
  EXPECT_EQ(buf[0], 0x81);
  EXPECT_EQ(buf[1], 0x00);
  EXPECT_EQ(fmt::PutVarint(buf, UINT64_MAX), 9u);
  EXPECT_EQ(buf[8], 0xff);
  EXPECT_EQ(fmt::IntegerSerialType(0), 8u);
  EXPECT_EQ(fmt::IntegerSerialType(1), 9u);
  EXPECT_EQ(fmt::IntegerSerialType(-1), 1u);
  EXPECT_EQ(fmt::IntegerSerialType(-129), 2u);
  EXPECT_EQ(fmt::IntegerSerialType(INT64_MIN), 6u);
  EXPECT_EQ(fmt::IntegerSerialType(INT64_C(140737488355327)), 5u);
  EXPECT_EQ(fmt::IntegerSerialType(INT64_C(140737488355328)), 6u);
}

// Every kind of value, small rows and rows over several overflow pages, at
// a small and at the product's page size.
TEST(SqliteFileWriterTest, TableRowsReadBackExactlyAndPassIntegrityCheck) {
  const ScopedTempDir tmp("af_sqlite_file_");
  const std::vector<int64_t> ints = {0, 1, -1, 2, 127, 128, -128, -129, 32767, 32768, -32769, 8388607, 8388608,
                                     2147483647, 2147483648LL, -2147483649LL, 140737488355327LL,
                                     140737488355328LL, INT64_MAX, INT64_MIN};
  for (uint32_t page_size : {512u, 4096u, 16384u, 65536u}) {
    SCOPED_TRACE(page_size);
    const std::string path = tmp.File("t" + std::to_string(page_size) + ".db").string();
    auto writer = SqliteFileWriter::Create(path, page_size).value();
    TableBtreeWriter table(writer->pages());
    std::vector<std::string> expected;
    std::string long_text;
    fmt::RecordBuilder r;
    std::string record;
    for (int64_t i = 1; i <= 3000; ++i) {
      r.Clear();
      const int64_t n = ints[static_cast<size_t>(i) % ints.size()];
      std::string text(static_cast<size_t>(i % 7 == 0 ? i * 37 : i % 50), static_cast<char>('a' + i % 26));
      if (i % 997 == 0) text.assign(300000 + static_cast<size_t>(i), 'z');  // many overflow pages
      if (i == 1994) long_text = text;
      std::string row = std::to_string(i) + "|";
      if (i % 5 == 0) {
        r.AddNull();
        row += "~|";
      } else {
        r.AddInteger(n);
        row += std::to_string(n) + "|";
      }
      r.AddText(text);
      row += text + "|";
      r.AddBlob(std::string("\0\1", 2));
      row += "b" + std::string("\0\1", 2) + "|";
      r.AddReal(i / 4.0);
      row += "f" + std::to_string(i / 4.0);
      record.clear();
      r.AppendTo(&record);
      ASSERT_TRUE(table.Append(i, record).ok());
      expected.push_back(row);
    }
    const uint32_t root = table.Finish().value();
    writer->Add("table", "t", "t", root, "CREATE TABLE t (n INTEGER, s TEXT, b BLOB, f REAL)");
    ASSERT_TRUE(writer->Finish().ok());
    Db db(path);
    EXPECT_EQ(db.Rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_TRUE(db.Rows("SELECT rowid, n, s, b, f FROM t") == expected);
    EXPECT_TRUE(db.Rows("SELECT s FROM t WHERE rowid = 1994") == std::vector<std::string>{long_text});
  }
}

// Every count of entries from 0 up, so that each way a leaf and a level can
// end is met: the last entry alone past a full leaf, a lone last child of
// an interior level, three levels; keys long enough to overflow.
TEST(SqliteFileWriterTest, IndexesOfEveryShapeMatchTheirTable) {
  const ScopedTempDir tmp("af_sqlite_index_");
  for (int rows : {0, 1, 2, 3, 5, 8, 13, 21, 40, 77, 150, 301, 700, 1500, 5000, 20000}) {
    for (size_t key_bytes : {size_t{3}, size_t{40}, size_t{700}}) {
      SCOPED_TRACE(std::to_string(rows) + " rows, keys of " + std::to_string(key_bytes));
      const std::string path = tmp.File("i.db").string();
      auto writer = SqliteFileWriter::Create(path, 512).value();
      TableBtreeWriter table(writer->pages());
      IndexBtreeWriter index(writer->pages());
      for (int i = 1; i <= rows; ++i) {
        char digits[16];
        std::snprintf(digits, sizeof digits, "%08d", i);
        const std::string key = std::string(digits) + std::string(key_bytes, 'k');
        ASSERT_TRUE(table.Append(i, Record({key}, i * 10)).ok());
        ASSERT_TRUE(index.Append(Record({key}, i)).ok());  // (key, rowid)
      }
      const uint32_t table_root = table.Finish().value();
      const uint32_t index_root = index.Finish().value();
      writer->Add("table", "t", "t", table_root, "CREATE TABLE t (k TEXT NOT NULL, v INTEGER)");
      writer->Add("index", "t_k", "t", index_root, "CREATE UNIQUE INDEX t_k ON t (k)");
      ASSERT_TRUE(writer->Finish().ok());
      Db db(path);
      ASSERT_EQ(db.Rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
      EXPECT_EQ(db.Rows("SELECT count(*) FROM t INDEXED BY t_k WHERE k > ''"),
                std::vector<std::string>{std::to_string(rows)});
      if (rows > 0) {
        char digits[16];
        std::snprintf(digits, sizeof digits, "%08d", rows);
        EXPECT_EQ(db.Rows("SELECT v FROM t INDEXED BY t_k WHERE k = '" + std::string(digits) +
                          std::string(key_bytes, 'k') + "'"),
                  std::vector<std::string>{std::to_string(rows * 10)});
      }
    }
  }
}

// SQLite never uses the page that holds the file's byte at 1 GiB (it locks
// that byte). Moved to 64 KiB for the test, in SQLite and in the writer.
TEST(SqliteFileWriterTest, TheLockBytePageIsSkipped) {
  const ScopedTempDir tmp("af_sqlite_lock_byte_");
  const std::string path = tmp.File("l.db").string();
  constexpr uint32_t kOffset = 0x10000;
  const int before = sqlite3_test_control(SQLITE_TESTCTRL_PENDING_BYTE, kOffset);
  ASSERT_EQ(static_cast<uint32_t>(before), PageFile::kLockByteOffset);
  {
    auto writer = SqliteFileWriter::Create(path, 512).value();
    writer->pages()->SetLockByteOffsetForTest(kOffset);
    TableBtreeWriter table(writer->pages());
    IndexBtreeWriter index(writer->pages());
    for (int i = 1; i <= 3000; ++i) {
      const std::string key = std::to_string(100000 + i) + std::string(i % 3 ? 10 : 400, 'k');
      ASSERT_TRUE(table.Append(i, Record({key}, i)).ok());
      ASSERT_TRUE(index.Append(Record({key}, i)).ok());
    }
    writer->Add("table", "t", "t", table.Finish().value(), "CREATE TABLE t (k TEXT, n INTEGER)");
    writer->Add("index", "t_k", "t", index.Finish().value(), "CREATE INDEX t_k ON t (k)");
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_GT(writer->pages()->pages(), kOffset / 512 + 1);
    Db db(path);
    EXPECT_EQ(db.Rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_EQ(db.Rows("SELECT count(*), sum(n) FROM t"), std::vector<std::string>{"3000|4501500"});
  }
  sqlite3_test_control(SQLITE_TESTCTRL_PENDING_BYTE, PageFile::kLockByteOffset);
}

TEST(SqliteFileWriterTest, ErrorsAreReported) {
  EXPECT_FALSE(PageFile::Create("/nonexistent-dir/x.db", 4096).ok());
  const ScopedTempDir tmp("af_sqlite_err_");
  EXPECT_FALSE(PageFile::Create(tmp.File("x.db").string(), 1000).ok());
  auto writer = SqliteFileWriter::Create(tmp.File("y.db").string(), 512).value();
  writer->Add("table", "t", "t", 2, "CREATE TABLE t (" + std::string(600, 'x') + " TEXT)");
  const Status st = writer->Finish();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("does not fit"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace arxivflow::warehouse
