#include "warehouse/pg_binary_copy.h"

#include <gtest/gtest.h>

#include "warehouse/test_batches.h"

namespace arxivflow::warehouse {
namespace {

using testing::Int32Vector;
using testing::Int64Vector;
using testing::StringVector;

TEST(PgBinaryCopyTest, HeaderAndTrailer) {
  std::string out;
  AppendPgCopyHeader(&out);
  EXPECT_EQ(out, std::string("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19));
  out.clear();
  AppendPgCopyTrailer(&out);
  EXPECT_EQ(out, "\xff\xff");
}

TEST(PgBinaryCopyTest, VersionsRow) {
  const auto& versions = schema::Table(schema::TableId::kVersions);
  Batch b;
  b.rows = 1;
  b.columns.push_back(StringVector({std::string("ab")}));
  // 2000-01-01T00:00:01Z: one second after the PostgreSQL epoch.
  b.columns.push_back(Int64Vector({946684801000000LL}, parquet::LogicalType::kTimestampMicrosUtc));
  b.columns.push_back(StringVector({std::nullopt}));
  b.columns.push_back(Int32Vector({12}, parquet::LogicalType::kInt16));
  b.columns.push_back(Int32Vector({-3}, parquet::LogicalType::kInt16));
  b.columns.push_back(StringVector({std::string("NIPS")}));
  std::string out;
  ASSERT_TRUE(AppendPgCopyRow(versions, b, 0, &out).ok());
  const std::string expected = std::string("\x00\x06", 2) +                                 // 6 fields
                               std::string("\x00\x00\x00\x02" "ab", 6) +                    // id
                               std::string("\x00\x00\x00\x08\x00\x00\x00\x00\x00\x0f\x42\x40", 12) +  // created
                               std::string("\xff\xff\xff\xff", 4) +                         // version NULL
                               std::string("\x00\x00\x00\x02\x00\x0c", 6) +                 // month
                               std::string("\x00\x00\x00\x02\xff\xfd", 6) +                 // year
                               std::string("\x00\x00\x00\x04" "NIPS", 8);
  EXPECT_EQ(out, expected);
}

TEST(PgBinaryCopyTest, DateAndSmallintRange) {
  const auto& papers = schema::Table(schema::TableId::kPapers);
  Batch b = testing::GeneratedBatch(papers, 1);
  b.columns[9] = Int32Vector({10958}, parquet::LogicalType::kDate);  // 2000-01-02
  std::string out;
  ASSERT_TRUE(AppendPgCopyRow(papers, b, 0, &out).ok());
  EXPECT_EQ(out.substr(out.size() - 8), std::string("\x00\x00\x00\x04\x00\x00\x00\x01", 8));

  const auto& versions = schema::Table(schema::TableId::kVersions);
  Batch v = testing::GeneratedBatch(versions, 1);
  v.columns[4] = Int32Vector({40000}, parquet::LogicalType::kInt16);
  out.clear();
  auto st = AppendPgCopyRow(versions, v, 0, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("year = 40000 does not fit SMALLINT"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace arxivflow::warehouse
