// Page CRC32: the writer stores one in every page header, the reader checks
// every page that carries one (data v1, v2, dictionary) and names the file,
// row group, column and page of a mismatch.
#include <gtest/gtest.h>

#include "parquet/codec.h"
#include "parquet/reader.h"
#include "parquet/test_files.h"
#include "parquet/writer.h"

namespace arxivflow::parquet {
namespace {

using namespace testing;

std::string OurFile(Compression codec, bool checksums = true) {
  Schema s;
  s.columns = {StringColumn("s"), Int32Column("i", false)};
  WriterOptions opt;
  opt.compression = codec;
  opt.page_bytes = 256;
  opt.page_checksums = checksums;
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  for (int r = 0; r < 300; ++r) {
    if (r % 3 == 0) (*w)->AppendNull(0);
    else (*w)->AppendString(0, "v" + std::to_string(r % 17));
    (*w)->AppendInt32(1, r % 50);
    EXPECT_TRUE((*w)->EndRow().ok());
  }
  EXPECT_TRUE((*w)->Close().ok());
  return out;
}

struct PageAt {
  size_t header;  // file offset of the page header
  size_t body;    // file offset of the page's bytes
  format::PageHeader h;
};

// Every page of a column chunk, from its first page to its declared end.
std::vector<PageAt> PagesOf(const std::string& f, const format::ColumnMetaData& md) {
  std::vector<PageAt> pages;
  size_t pos = static_cast<size_t>(md.dictionary_page_offset.value_or(md.data_page_offset));
  const size_t end = pos + static_cast<size_t>(md.total_compressed_size);
  while (pos < end) {
    PageAt p;
    size_t hlen = 0;
    EXPECT_TRUE(format::ParsePageHeader(reinterpret_cast<const uint8_t*>(f.data()) + pos, end - pos, &p.h, &hlen).ok());
    p.header = pos;
    p.body = pos + hlen;
    pos = p.body + static_cast<size_t>(p.h.compressed_page_size);
    pages.push_back(p);
  }
  return pages;
}

Status ReadAll(const std::string& data, bool verify = true) {
  ReaderOptions opt;
  opt.verify_checksums = verify;
  auto r = Reader::Open(MakeStringFile(data, "bad.parquet"), opt);
  if (!r.ok()) return r.status();
  for (size_t g = 0; g < (*r)->metadata().row_groups.size(); ++g) {
    for (size_t c = 0; c < (*r)->metadata().schema.columns.size(); ++c) {
      auto col = (*r)->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (!col.ok()) return col.status();
    }
  }
  return Status::OK();
}

TEST(PageChecksums, TheWriterStoresTheCrcOfEveryPageAsStored) {
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    SCOPED_TRACE(CompressionName(codec));
    const std::string f = OurFile(codec);
    Parts p = Split(f);
    for (const auto& cc : p.meta.row_groups[0].columns) {
      auto pages = PagesOf(f, *cc.meta_data);
      ASSERT_GE(pages.size(), 2u);
      EXPECT_EQ(pages[0].h.type, format::kDictionaryPage);
      for (const auto& page : pages) {
        ASSERT_TRUE(page.h.crc.has_value());
        EXPECT_EQ(static_cast<uint32_t>(*page.h.crc), Crc32(f.substr(page.body, static_cast<size_t>(page.h.compressed_page_size))));
      }
    }
    const std::string unchecked = OurFile(codec, false);
    for (const auto& page : PagesOf(unchecked, *Split(unchecked).meta.row_groups[0].columns[0].meta_data)) {
      EXPECT_FALSE(page.h.crc.has_value());
    }
  }
}

TEST(PageChecksums, AFlippedByteInAnyPageIsCaughtAndNamed) {
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    SCOPED_TRACE(CompressionName(codec));
    const std::string f = OurFile(codec);
    ASSERT_TRUE(ReadAll(f).ok());
    const auto pages = PagesOf(f, *Split(f).meta.row_groups[0].columns[1].meta_data);
    for (size_t n : {size_t{0}, size_t{1}, pages.size() - 1}) {
      std::string bad = f;
      bad[pages[n].body + static_cast<size_t>(pages[n].h.compressed_page_size) / 2] ^= 0x10;
      Status st = ReadAll(bad);
      EXPECT_EQ(st.code(), Status::Code::kCorruption);
      const std::string want = "bad.parquet: row group 0, column 'i': page " + std::to_string(n) + " (" +
                               (n == 0 ? "dictionary page" : "data page") + " at file offset " +
                               std::to_string(pages[n].header) + "): CRC32 mismatch";
      EXPECT_EQ(st.message().rfind(want, 0), 0u) << st.message();
    }
  }
}

TEST(PageChecksums, AWrongStoredCrcAloneIsReported) {
  auto page = WithCrc(DataPage(3, format::kPlain), PlainFixed<int32_t>({7, 8, 9}));
  ASSERT_TRUE(ReadAll(HandMade({page}, 3, false, format::kInt32)).ok());
  page.first.crc = *page.first.crc ^ 1;
  const std::string f = HandMade({page}, 3, false, format::kInt32);
  Status st = ReadAll(f);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("page 0 (data page at file offset 4): CRC32 mismatch"), std::string::npos) << st.message();
  // Skipping the check reads the (intact) values.
  ReaderOptions unchecked;
  unchecked.verify_checksums = false;
  auto r = Reader::Open(MakeStringFile(f), unchecked);
  ASSERT_TRUE(r.ok());
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(col->i32, (std::vector<int32_t>{7, 8, 9}));
}

TEST(PageChecksums, WithoutTheCheckADamagedValueReadsAsAnotherValue) {
  // Why the check is on by default: an uncompressed PLAIN page has no other
  // way to notice a flipped bit.
  std::string f = HandMade({WithCrc(DataPage(3, format::kPlain), PlainFixed<int32_t>({7, 8, 9}))}, 3, false, format::kInt32);
  const size_t at = Split(f).body.size() - 8;  // the page's values end the body: 7, 8, 9
  f[at] ^= 0x02;
  EXPECT_NE(ReadAll(f).message().find("CRC32 mismatch"), std::string::npos);
  ReaderOptions unchecked;
  unchecked.verify_checksums = false;
  auto r = Reader::Open(MakeStringFile(f), unchecked);
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(col->i32[1], 10);
}

TEST(PageChecksums, DataPageV2CoversLevelsAndCompressedValues) {
  // v2: levels stay uncompressed ahead of the (gzip) values; the CRC covers both.
  format::PageHeader h;
  h.type = format::kDataPageV2;
  h.data_page_header_v2.emplace();
  auto& v2 = *h.data_page_header_v2;
  v2.num_values = 3;
  v2.num_nulls = 1;
  v2.num_rows = 3;
  v2.encoding = format::kPlain;
  std::string levels;
  const uint8_t defs[] = {1, 0, 1};
  RleEncode(defs, 3, 1, &levels);
  v2.definition_levels_byte_length = static_cast<int32_t>(levels.size());
  const std::string values = PlainFixed<int64_t>({-5, 1ll << 40});
  std::string compressed;
  ASSERT_TRUE(MakeCompressor(Compression::kGzip, 0)->Compress(values, &compressed).ok());
  h.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
  auto page = WithCrc(h, levels + compressed);
  auto make = [&](const std::pair<format::PageHeader, std::string>& pg) {
    Parts p = Split(HandMade({pg}, 3, true, format::kInt64));
    p.meta.row_groups[0].columns[0].meta_data->codec = format::kGzip;
    return Join(p);
  };
  auto r = Reader::Open(MakeStringFile(make(page)));
  ASSERT_TRUE(r.ok());
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(col->i64[2], 1ll << 40);
  EXPECT_TRUE(col->IsNull(1));
  auto damaged_levels = page;
  damaged_levels.second[0] ^= 0x01;
  EXPECT_NE(ReadAll(make(damaged_levels)).message().find("page 0 (data page v2 at file offset 4): CRC32 mismatch"), std::string::npos);
  auto damaged_values = page;
  damaged_values.second.back() ^= 0x01;
  EXPECT_NE(ReadAll(make(damaged_values)).message().find("CRC32 mismatch"), std::string::npos);
}

TEST(PageChecksums, PagesWithoutACrcAreRead) {
  EXPECT_TRUE(ReadAll(OurFile(Compression::kSnappy, false)).ok());
}

}  // namespace
}  // namespace arxivflow::parquet
