#include "parquet/writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "common/scoped_temp_dir_test_util.h"
#include "parquet/format.h"
#include "parquet/reader.h"

namespace arxivflow::parquet {
namespace {

struct Expected {
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<int32_t>> i32;
  std::vector<int64_t> i64;
  std::vector<std::optional<double>> f64;
  std::vector<std::optional<bool>> b;
};

Schema TestSchema() {
  Schema s;
  s.columns = {StringColumn("s"), DateColumn("d"), TimestampColumn("ts", false), DoubleColumn("f"), BoolColumn("b")};
  return s;
}

std::string WriteFile(const WriterOptions& opt, int rows, Expected* e) {
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), TestSchema(), opt);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  std::mt19937 rng(7);
  for (int r = 0; r < rows; ++r) {
    if (r % 5 == 1) {
      (*w)->AppendNull(0);
      e->s.push_back(std::nullopt);
    } else {
      std::string v = r % 3 == 0 ? "" : "v" + std::to_string(rng() % 50) + (r % 7 == 0 ? "é日本" : "");
      (*w)->AppendString(0, v);
      e->s.push_back(v);
    }
    if (r % 4 == 2) {
      (*w)->AppendNull(1);
      e->i32.push_back(std::nullopt);
    } else {
      int32_t v = static_cast<int32_t>(rng() % 20000) - 10000;
      (*w)->AppendInt32(1, v);
      e->i32.push_back(v);
    }
    int64_t ts = static_cast<int64_t>(rng()) * 1000003 - (int64_t{1} << 40);
    (*w)->AppendInt64(2, ts);
    e->i64.push_back(ts);
    if (r % 6 == 0) {
      (*w)->AppendNull(3);
      e->f64.push_back(std::nullopt);
    } else {
      double v = (rng() % 1000) / 8.0 - 60;
      (*w)->AppendDouble(3, v);
      e->f64.push_back(v);
    }
    if (r % 3 == 1) {
      (*w)->AppendNull(4);
      e->b.push_back(std::nullopt);
    } else {
      bool v = rng() % 2;
      (*w)->AppendBool(4, v);
      e->b.push_back(v);
    }
    EXPECT_TRUE((*w)->EndRow().ok());
  }
  EXPECT_TRUE((*w)->Close().ok());
  return out;
}

void CheckFile(const std::string& data, const Expected& e, int rows) {
  auto r = Reader::Open(MakeStringFile(data, "t.parquet"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const FileMetadata& m = (*r)->metadata();
  ASSERT_EQ(m.num_rows, rows);
  ASSERT_EQ(m.schema.columns.size(), 5u);
  EXPECT_EQ(m.schema.columns[1].logical, LogicalType::kDate);
  EXPECT_EQ(m.schema.columns[2].logical, LogicalType::kTimestampMicrosUtc);
  EXPECT_FALSE(m.schema.columns[2].nullable);
  EXPECT_EQ(m.created_by.rfind("arxivflow version ", 0), 0u);
  size_t base = 0;
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const size_t n = static_cast<size_t>(m.row_groups[g].num_rows);
    for (int c = 0; c < 5; ++c) {
      auto col = (*r)->ReadColumn(static_cast<int>(g), c);
      ASSERT_TRUE(col.ok()) << col.status().ToString();
      ASSERT_EQ(col->size, static_cast<int64_t>(n));
      for (size_t i = 0; i < n; ++i) {
        size_t row = base + i;
        switch (c) {
          case 0:
            ASSERT_EQ(col->IsNull(i), !e.s[row].has_value()) << row;
            if (e.s[row]) {
              ASSERT_EQ(col->strings[i], *e.s[row]) << row;
            }
            break;
          case 1:
            ASSERT_EQ(col->IsNull(i), !e.i32[row].has_value());
            if (e.i32[row]) {
              ASSERT_EQ(col->i32[i], *e.i32[row]);
            }
            break;
          case 2:
            ASSERT_FALSE(col->IsNull(i));
            ASSERT_EQ(col->i64[i], e.i64[row]);
            break;
          case 3:
            ASSERT_EQ(col->IsNull(i), !e.f64[row].has_value());
            if (e.f64[row]) {
              ASSERT_EQ(col->f64[i], *e.f64[row]);
            }
            break;
          case 4:
            ASSERT_EQ(col->IsNull(i), !e.b[row].has_value());
            if (e.b[row]) {
              ASSERT_EQ(col->booleans[i] != 0, *e.b[row]);
            }
            break;
        }
      }
    }
    base += n;
  }
  EXPECT_EQ(base, static_cast<size_t>(rows));
}

TEST(Writer, RoundTripsEveryCodecAndEncoding) {
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    for (bool dict : {false, true}) {
      WriterOptions opt;
      opt.compression = codec;
      opt.dictionary = dict;
      opt.page_bytes = 512;
      opt.row_group_bytes = 20000;
      Expected e;
      std::string data = WriteFile(opt, 3000, &e);
      SCOPED_TRACE(std::string(CompressionName(codec)) + (dict ? " dict" : " plain"));
      CheckFile(data, e, 3000);
      auto r = Reader::Open(MakeStringFile(data));
      ASSERT_TRUE(r.ok());
      EXPECT_GT((*r)->metadata().row_groups.size(), 1u);
      const auto& enc = (*r)->metadata().row_groups[0].columns[0].encodings;
      bool has_dict = std::find(enc.begin(), enc.end(), "RLE_DICTIONARY") != enc.end();
      EXPECT_EQ(has_dict, dict);
      EXPECT_EQ((*r)->metadata().row_groups[0].columns[0].codec, codec);
    }
  }
}

TEST(Writer, DictionaryFallsBackToPlainMidChunk) {
  WriterOptions opt;
  opt.dictionary_page_bytes = 300;
  opt.page_bytes = 256;
  Schema s;
  s.columns = {StringColumn("s", false)};
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 2000; ++i) {
    (*w)->AppendString(0, "value-" + std::to_string(i));
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok());
  const auto& cc = (*r)->metadata().row_groups[0].columns[0];
  EXPECT_TRUE(cc.dictionary_page_offset.has_value());
  EXPECT_NE(std::find(cc.encodings.begin(), cc.encodings.end(), "RLE_DICTIONARY"), cc.encodings.end());
  EXPECT_NE(std::find(cc.encodings.begin(), cc.encodings.end(), "PLAIN"), cc.encodings.end());
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(col->strings[i], "value-" + std::to_string(i));
}

TEST(Writer, PerColumnCompression) {
  // Column 1 is stored uncompressed; the others keep the codec. Values
  // read back the same either way.
  WriterOptions opt;
  opt.page_bytes = 500;
  opt.column_compressed = {true, false, true};
  Schema s;
  s.columns = {StringColumn("a"), StringColumn("b"), Int32Column("c")};
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 3000; ++i) {
    (*w)->AppendString(0, "same text, same text " + std::to_string(i % 10));
    (*w)->AppendString(1, "same text, same text " + std::to_string(i));
    (*w)->AppendInt32(2, i);
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok());
  for (const auto& g : (*r)->metadata().row_groups) {
    EXPECT_EQ(g.columns[0].codec, Compression::kSnappy);
    EXPECT_EQ(g.columns[1].codec, Compression::kUncompressed);
    EXPECT_EQ(g.columns[1].compressed_bytes, g.columns[1].uncompressed_bytes);
    EXPECT_EQ(g.columns[2].codec, Compression::kSnappy);
  }
  auto b = (*r)->ReadColumn(0, 1);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  for (size_t i = 0; i < b->strings.size(); ++i) ASSERT_EQ(b->strings[i], "same text, same text " + std::to_string(i));
}

TEST(Writer, PerColumnDictionaryAndRunsOfOneValue) {
  // Runs of one value (with nulls inside runs) take the dictionary's
  // repeat shortcut; column 2 is PLAIN only.
  WriterOptions opt;
  opt.page_bytes = 300;
  opt.column_dictionary = {true, true, false};
  Schema s;
  s.columns = {StringColumn("run"), Int32Column("n"), StringColumn("plain", false)};
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  ASSERT_TRUE(w.ok());
  std::vector<std::optional<std::string>> runs;
  std::vector<std::optional<int32_t>> ints;
  std::mt19937 rng(3);
  for (int i = 0; i < 5000; ++i) {
    const int group = i / (1 + (i / 100) % 5);  // runs of 1 to 5 rows
    if (rng() % 9 == 0) {
      (*w)->AppendNull(0);
      runs.push_back(std::nullopt);
    } else {
      runs.push_back("id-" + std::to_string(group % 97));
      (*w)->AppendString(0, *runs.back());
    }
    if (rng() % 11 == 0) {
      (*w)->AppendNull(1);
      ints.push_back(std::nullopt);
    } else {
      ints.push_back(group % 13 - 6);
      (*w)->AppendInt32(1, *ints.back());
    }
    (*w)->AppendString(2, "p" + std::to_string(i));
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok());
  const auto& cols = (*r)->metadata().row_groups[0].columns;
  auto has = [](const auto& enc, const char* e) { return std::find(enc.begin(), enc.end(), e) != enc.end(); };
  EXPECT_TRUE(has(cols[0].encodings, "RLE_DICTIONARY"));
  EXPECT_TRUE(has(cols[1].encodings, "RLE_DICTIONARY"));
  EXPECT_FALSE(has(cols[2].encodings, "RLE_DICTIONARY"));
  auto c0 = (*r)->ReadColumn(0, 0);
  auto c1 = (*r)->ReadColumn(0, 1);
  auto c2 = (*r)->ReadColumn(0, 2);
  ASSERT_TRUE(c0.ok() && c1.ok() && c2.ok());
  for (size_t i = 0; i < runs.size(); ++i) {
    ASSERT_EQ(c0->IsNull(i), !runs[i].has_value()) << i;
    if (runs[i]) {
      ASSERT_EQ(c0->strings[i], *runs[i]) << i;
    }
    ASSERT_EQ(c1->IsNull(i), !ints[i].has_value()) << i;
    if (ints[i]) {
      ASSERT_EQ(c1->i32[i], *ints[i]) << i;
    }
    ASSERT_EQ(c2->strings[i], "p" + std::to_string(i));
  }
}

TEST(Writer, SmallNumbersInDictionariesAcrossRowGroups) {
  // Values below and above the direct table for small numbers (0..63), in
  // INT32 and INT64 dictionary columns, over several row groups (the table
  // is reset with each chunk's dictionary).
  WriterOptions opt;
  opt.row_group_bytes = 4096;
  opt.page_bytes = 512;
  Schema s;
  s.columns = {Int32Column("position", false), Int64Column("n", false)};
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  ASSERT_TRUE(w.ok());
  std::vector<int32_t> a;
  std::vector<int64_t> b;
  std::mt19937 rng(5);
  for (int i = 0; i < 20000; ++i) {
    a.push_back(static_cast<int32_t>(rng() % 80) - (i % 7 == 0 ? 3 : 0));
    b.push_back(i % 5 == 0 ? int64_t{1} << 40 : static_cast<int64_t>(rng() % 70));
    (*w)->AppendInt32(0, a.back());
    (*w)->AppendInt64(1, b.back());
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok());
  ASSERT_GT((*r)->metadata().row_groups.size(), 3u);
  size_t row = 0;
  for (size_t g = 0; g < (*r)->metadata().row_groups.size(); ++g) {
    auto c0 = (*r)->ReadColumn(static_cast<int>(g), 0);
    auto c1 = (*r)->ReadColumn(static_cast<int>(g), 1);
    ASSERT_TRUE(c0.ok() && c1.ok());
    for (int64_t i = 0; i < c0->size; ++i, ++row) {
      ASSERT_EQ(c0->i32[static_cast<size_t>(i)], a[row]) << row;
      ASSERT_EQ(c1->i64[static_cast<size_t>(i)], b[row]) << row;
    }
  }
  EXPECT_EQ(row, a.size());
}

TEST(Writer, ColumnBatchesMatchRowWiseWrites) {
  // The same rows written row by row and in column batches of varied sizes
  // read back the same, across pages, row groups and a dictionary fallback.
  Schema s;
  s.columns = {StringColumn("id", false), StringColumn("text"), Int32Column("n"), TimestampColumn("ts")};
  WriterOptions opt;
  opt.page_bytes = 500;
  opt.row_group_bytes = 30000;
  opt.dictionary_page_bytes = 400;
  std::vector<std::string> ids, texts;
  std::vector<uint8_t> text_null, n_null, ts_null;
  std::vector<int32_t> ns;
  std::vector<int64_t> ts;
  std::mt19937 rng(5);
  const size_t kRows = 4000;
  for (size_t i = 0; i < kRows; ++i) {
    ids.push_back("id" + std::to_string(i / 3));
    texts.push_back(std::string(rng() % 40, static_cast<char>('a' + rng() % 26)));
    text_null.push_back(rng() % 7 == 0);
    ns.push_back(static_cast<int32_t>(rng() % 50));
    n_null.push_back(rng() % 5 == 0);
    ts.push_back(static_cast<int64_t>(rng()) * 1000);
    ts_null.push_back(rng() % 9 == 0);
  }
  std::string row_wise, batched;
  {
    auto w = Writer::Open(MakeStringSink(&row_wise), s, opt);
    ASSERT_TRUE(w.ok());
    for (size_t i = 0; i < kRows; ++i) {
      (*w)->AppendString(0, ids[i]);
      if (text_null[i]) (*w)->AppendNull(1); else (*w)->AppendString(1, texts[i]);
      if (n_null[i]) (*w)->AppendNull(2); else (*w)->AppendInt32(2, ns[i]);
      if (ts_null[i]) (*w)->AppendNull(3); else (*w)->AppendInt64(3, ts[i]);
      ASSERT_TRUE((*w)->EndRow().ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  {
    auto w = Writer::Open(MakeStringSink(&batched), s, opt);
    ASSERT_TRUE(w.ok());
    std::vector<std::string_view> id_views(ids.begin(), ids.end()), text_views(texts.begin(), texts.end());
    size_t at = 0;
    while (at < kRows) {
      const size_t n = std::min<size_t>(kRows - at, 1 + rng() % 700);
      (*w)->AppendStringColumn(0, id_views.data() + at, nullptr, n);
      (*w)->AppendStringColumn(1, text_views.data() + at, text_null.data() + at, n);
      (*w)->AppendInt32Column(2, ns.data() + at, n_null.data() + at, n);
      (*w)->AppendInt64Column(3, ts.data() + at, ts_null.data() + at, n);
      ASSERT_TRUE((*w)->EndRows(n).ok());
      at += n;
    }
    EXPECT_EQ((*w)->rows_written(), kRows);
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto a = Reader::Open(MakeStringFile(row_wise));
  auto b = Reader::Open(MakeStringFile(batched));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT((*b)->metadata().row_groups.size(), 1u);
  auto read_all = [](Reader& r, int c) {
    std::vector<std::string> out;
    for (size_t g = 0; g < r.metadata().row_groups.size(); ++g) {
      auto col = r.ReadColumn(static_cast<int>(g), c);
      EXPECT_TRUE(col.ok());
      for (int64_t i = 0; i < col->size; ++i) {
        const size_t k = static_cast<size_t>(i);
        if (col->IsNull(k)) out.push_back("<null>");
        else if (c < 2) out.push_back(std::string(col->strings[k]));
        else if (c == 2) out.push_back(std::to_string(col->i32[k]));
        else out.push_back(std::to_string(col->i64[k]));
      }
    }
    return out;
  };
  for (int c = 0; c < 4; ++c) {
    const auto x = read_all(**a, c), y = read_all(**b, c);
    ASSERT_EQ(x.size(), kRows) << c;
    EXPECT_EQ(x, y) << "column " << c;
  }
}

TEST(Writer, ColumnBatchMisuseIsReported) {
  Schema s;
  s.columns = {StringColumn("id", false), Int32Column("n")};
  std::string out;
  const std::string_view ids[2] = {"a", "b"};
  const int32_t ns[2] = {1, 2};
  const uint8_t null_second[2] = {0, 1};
  {
    auto w = Writer::Open(MakeStringSink(&out), s);
    ASSERT_TRUE(w.ok());
    (*w)->AppendStringColumn(0, ids, nullptr, 2);
    (*w)->AppendInt32Column(1, ns, nullptr, 1);  // one value short
    Status st = (*w)->EndRows(2);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("'n' received 1 values in 2 rows"), std::string::npos) << st.message();
  }
  {
    auto w = Writer::Open(MakeStringSink(&out), s);
    ASSERT_TRUE(w.ok());
    (*w)->AppendStringColumn(0, ids, null_second, 2);  // NULL in a required column
    (*w)->AppendInt32Column(1, ns, null_second, 2);
    EXPECT_FALSE((*w)->EndRows(2).ok());
  }
  {
    auto w = Writer::Open(MakeStringSink(&out), s);
    ASSERT_TRUE(w.ok());
    (*w)->AppendInt32Column(0, ns, nullptr, 2);  // wrong type
    (*w)->AppendInt32Column(1, ns, nullptr, 2);
    EXPECT_FALSE((*w)->EndRows(2).ok());
  }
}

TEST(Writer, StatisticsUseUnsignedOrderForStrings) {
  Schema s;
  s.columns = {StringColumn("s"), Int32Column("i")};
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s);
  ASSERT_TRUE(w.ok());
  for (const char* v : {"b", "\xc3\xa9t\xc3\xa9", "a", "Z"}) {
    (*w)->AppendString(0, v);
    (*w)->AppendInt32(1, static_cast<int32_t>(std::strlen(v)) - 3);
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  (*w)->AppendNull(0);
  (*w)->AppendNull(1);
  ASSERT_TRUE((*w)->EndRow().ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok());
  const auto& c0 = (*r)->metadata().row_groups[0].columns[0];
  EXPECT_EQ(c0.min_value, "Z");
  EXPECT_EQ(c0.max_value, "\xc3\xa9t\xc3\xa9");  // 0xC3 sorts after ASCII as unsigned
  EXPECT_EQ(c0.null_count, 1);
  const auto& c1 = (*r)->metadata().row_groups[0].columns[1];
  int32_t lo, hi;
  std::memcpy(&lo, c1.min_value->data(), 4);
  std::memcpy(&hi, c1.max_value->data(), 4);
  EXPECT_EQ(lo, -2);
  EXPECT_EQ(hi, 2);
}

TEST(Writer, StringStatisticsMatchByteOrderOnRandomValues) {
  // Short values sharing prefixes, with zero bytes and bytes >= 0x80, in
  // both a dictionary and a PLAIN column.
  const char alphabet[] = {'\0', 'a', 'b', '\x7f', '\x80', '\xff'};
  std::mt19937 rng(11);
  for (bool dict : {true, false}) {
    for (int file = 0; file < 50; ++file) {
      WriterOptions opt;
      opt.dictionary = dict;
      Schema s;
      s.columns = {StringColumn("s", false)};
      std::string out;
      auto w = Writer::Open(MakeStringSink(&out), s, opt);
      ASSERT_TRUE(w.ok());
      auto signed_less = [](const std::string& a, const std::string& b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                            [](char x, char y) { return static_cast<int8_t>(x) < static_cast<int8_t>(y); });
      };
      std::string lo, hi, slo, shi;
      for (int i = 0; i < 40; ++i) {
        std::string v;
        const size_t len = rng() % 20;
        for (size_t k = 0; k < len; ++k) v.push_back(alphabet[rng() % sizeof(alphabet)]);
        if (i == 0 || v < lo) lo = v;
        if (i == 0 || v > hi) hi = v;
        if (i == 0 || signed_less(v, slo)) slo = v;
        if (i == 0 || signed_less(shi, v)) shi = v;
        (*w)->AppendString(0, v);
        ASSERT_TRUE((*w)->EndRow().ok());
      }
      ASSERT_TRUE((*w)->Close().ok());
      auto r = Reader::Open(MakeStringFile(out));
      ASSERT_TRUE(r.ok());
      const auto& c = (*r)->metadata().row_groups[0].columns[0];
      ASSERT_EQ(c.min_value, lo) << "file " << file;
      ASSERT_EQ(c.max_value, hi) << "file " << file;
      // The deprecated min/max use signed byte order.
      uint32_t len;
      std::memcpy(&len, out.data() + out.size() - 8, 4);
      format::FileMetaData m;
      ASSERT_TRUE(format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(out.data()) + out.size() - 8 - len,
                                            len, &m).ok());
      const auto& st = *m.row_groups[0].columns[0].meta_data->statistics;
      ASSERT_EQ(st.min, slo) << "file " << file;
      ASSERT_EQ(st.max, shi) << "file " << file;
    }
  }
}

TEST(Writer, EmptyValuesWithoutStorage) {
  for (bool dict : {false, true}) {
    Schema s;
    s.columns = {StringColumn("s", false)};
    WriterOptions opt;
    opt.dictionary = dict;
    std::string out;
    auto w = Writer::Open(MakeStringSink(&out), s, opt);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 3; ++i) {
      (*w)->AppendString(0, std::string_view());  // null data pointer
      ASSERT_TRUE((*w)->EndRow().ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
    auto r = Reader::Open(MakeStringFile(out));
    ASSERT_TRUE(r.ok());
    auto col = (*r)->ReadColumn(0, 0);
    ASSERT_TRUE(col.ok());
    EXPECT_EQ(col->strings[2], "");
  }
}

TEST(Writer, FooterLargerThanTheSpeculativeRead) {
  Schema s;
  for (int i = 0; i < 1500; ++i) s.columns.push_back(StringColumn("a_rather_long_column_name_number_" + std::to_string(i)));
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 1500; ++i) (*w)->AppendString(i, "x" + std::to_string(i));
  ASSERT_TRUE((*w)->EndRow().ok());
  ASSERT_TRUE((*w)->Close().ok());
  uint32_t footer_len;
  std::memcpy(&footer_len, out.data() + out.size() - 8, 4);
  ASSERT_GT(footer_len, 64u << 10);
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto col = (*r)->ReadColumn(0, 1499);
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(col->strings[0], "x1499");
}

TEST(Writer, EmptyFileIsValid) {
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), TestSchema());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = Reader::Open(MakeStringFile(out));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->metadata().num_rows, 0);
  EXPECT_TRUE((*r)->metadata().row_groups.empty());
}

TEST(Writer, RejectsMisuse) {
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), TestSchema());
  ASSERT_TRUE(w.ok());
  (*w)->AppendString(0, "x");
  Status st = (*w)->EndRow();  // other columns missing
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);

  std::string out2;
  auto w2 = Writer::Open(MakeStringSink(&out2), TestSchema());
  ASSERT_TRUE(w2.ok());
  (*w2)->AppendString(0, "x");
  (*w2)->AppendInt32(1, 1);
  (*w2)->AppendNull(2);  // required column
  (*w2)->AppendDouble(3, 1);
  (*w2)->AppendBool(4, true);
  st = (*w2)->EndRow();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("ts"), std::string::npos) << st.message();

  Schema bad;
  bad.columns = {StringColumn("a"), StringColumn("a")};
  std::string out3;
  EXPECT_FALSE(Writer::Open(MakeStringSink(&out3), bad).ok());
  Schema mismatch;
  ColumnSchema d = DateColumn("d");
  d.physical = PhysicalType::kByteArray;
  mismatch.columns = {d};
  EXPECT_FALSE(Writer::Open(MakeStringSink(&out3), mismatch).ok());
  // Types the reader knows but the writer does not produce.
  Schema reader_only;
  ColumnSchema f = DoubleColumn("f");
  f.physical = PhysicalType::kFloat;
  reader_only.columns = {f};
  EXPECT_EQ(Writer::Open(MakeStringSink(&out3), reader_only).status().code(), Status::Code::kInvalidArgument);
  ColumnSchema dec = Int32Column("dec");
  dec.logical = LogicalType::kDecimal;
  dec.precision = 4;
  dec.scale = 2;
  reader_only.columns = {dec};
  EXPECT_EQ(Writer::Open(MakeStringSink(&out3), reader_only).status().code(), Status::Code::kInvalidArgument);
}

TEST(Writer, FileSinkWritesAndReadsBack) {
  const ScopedTempDir dir("af_parquet_test_");
  std::string path = dir.File("t.parquet").string();
  {
    auto sink = OpenFileSink(path);
    ASSERT_TRUE(sink.ok());
    auto w = Writer::Open(std::move(*sink), TestSchema());
    ASSERT_TRUE(w.ok());
    Expected e;
    for (int i = 0; i < 10; ++i) {
      (*w)->AppendString(0, std::string(300000, static_cast<char>('a' + i)));  // larger than the sink buffer in total
      (*w)->AppendInt32(1, i);
      (*w)->AppendInt64(2, i);
      (*w)->AppendDouble(3, i);
      (*w)->AppendBool(4, i % 2);
      ASSERT_TRUE((*w)->EndRow().ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto f = OpenLocalFile(path);
  ASSERT_TRUE(f.ok());
  auto r = Reader::Open(std::move(*f));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok());
  EXPECT_EQ(col->strings[9], std::string(300000, 'j'));
  std::filesystem::remove(path);
  EXPECT_EQ(OpenLocalFile(path).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace arxivflow::parquet
