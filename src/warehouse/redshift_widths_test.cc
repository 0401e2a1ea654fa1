#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"
#include "warehouse/redshift.h"
#include "warehouse/test_area.h"

namespace arxivflow::warehouse {
namespace {

TEST(RedshiftWidthsTest, FromParquetArea) {
  const ScopedTempDir tmp("af_widths_");
  const auto dir = tmp.path() / "area";
  ASSERT_TRUE(testing::WriteTestArea(dir, 50, 1).ok());
  auto area = OpenParquetArea(dir.string());
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  auto widths = ComputeVarcharWidths(*area, {"titles"});
  ASSERT_TRUE(widths.ok()) << widths.status().ToString();
  ASSERT_EQ(widths->size(), 3u);  // id, title, origin
  EXPECT_EQ((*widths)[0].column, "id");
  EXPECT_EQ((*widths)[0].max_bytes, 10);  // "2301.10049"
  EXPECT_EQ((*widths)[1].max_bytes, 8);   // "title 49"
  EXPECT_EQ((*widths)[2].max_bytes, 5);   // "arXiv"
  for (const auto& w : *widths) {
    EXPECT_EQ(w.width, 256);
    EXPECT_EQ(w.over_cap, 0);
  }
  auto map = ToVarcharWidths(*widths);
  EXPECT_EQ(map["titles"]["title"], 256);
}

TEST(RedshiftWidthsTest, CountsValuesOverTheCap) {
  const ScopedTempDir tmp("af_widths_cap_");
  const auto dir = tmp.path();
  std::filesystem::create_directories(dir / "abstracts");
  const auto& abstracts = schema::Table(schema::TableId::kAbstracts);
  {
    auto sink = parquet::OpenFileSink((dir / "abstracts/part-00000.parquet").string());
    ASSERT_TRUE(sink.ok());
    auto writer = parquet::Writer::Open(std::move(sink).value(), abstracts.schema, {});
    ASSERT_TRUE(writer.ok());
    const std::string sizes[] = {std::string(300, 'a'), std::string(70000, 'b'), std::string(65536, 'c')};
    for (const auto& text : sizes) {
      (*writer)->AppendString(0, "x");
      (*writer)->AppendString(1, text);
      (*writer)->AppendString(2, "arXiv");
      ASSERT_TRUE((*writer)->EndRow().ok());
    }
    (*writer)->AppendString(0, "y");
    (*writer)->AppendNull(1);
    (*writer)->AppendString(2, "NIPS");
    ASSERT_TRUE((*writer)->EndRow().ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  std::ofstream(dir / "_manifest.json") << "{}";
  auto area = OpenParquetArea(dir.string());
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  auto widths = ComputeVarcharWidths(*area, {"abstracts"});
  ASSERT_TRUE(widths.ok()) << widths.status().ToString();
  ASSERT_EQ(widths->size(), 3u);
  EXPECT_EQ((*widths)[1].column, "abstract");
  EXPECT_EQ((*widths)[1].max_bytes, 70000);
  EXPECT_EQ((*widths)[1].width, 65535);
  EXPECT_EQ((*widths)[1].over_cap, 2);
}

}  // namespace
}  // namespace arxivflow::warehouse
