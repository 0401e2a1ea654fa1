#include "transform/csv_reader.h"

#include <gtest/gtest.h>

#include "transform/nips.h"

namespace arxivflow::transform {
namespace {

std::vector<CsvRecord> ReadAll(const std::string& text, char* delimiter = nullptr) {
  StringSource src(text);
  CsvReader reader(&src);
  std::vector<CsvRecord> out;
  CsvRecord r;
  for (;;) {
    auto got = reader.Next(&r);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    out.push_back(r);
  }
  if (delimiter) *delimiter = reader.delimiter();
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, CommaQuotedMultiline) {
  char d = 0;
  auto rows = ReadAll("id,title,abstract\n1,\"a, b\",\"line1\nline2 \"\"q\"\"\"\n2,t,x", &d);
  EXPECT_EQ(d, ',');
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "a, b", "line1\nline2 \"q\""}));
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_EQ(rows[2].fields, (Fields{"2", "t", "x"}));  // last line without newline
  EXPECT_EQ(rows[2].raw, "2,t,x");
}

TEST(CsvReader, PipeBomCrlfBlankLines) {
  char d = 0;
  auto rows = ReadAll("\xEF\xBB\xBFid|title|x\r\n\r\n1|a,b|\"q|r\"\r\n\n2||\r\n", &d);
  EXPECT_EQ(d, '|');
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"id", "title", "x"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "a,b", "q|r"}));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].fields, (Fields{"2", "", ""}));
  EXPECT_EQ(rows[2].line, 5u);
}

TEST(CsvReader, MalformedQuoting) {
  auto rows = ReadAll("a,b\n1,\"x\"y\n2,\"never closed\n3,z\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error, "text after a closing quote");
  EXPECT_EQ(rows[2].error, "unterminated quoted field");
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\n\r\n").empty());
}

TEST(NipsConverter, Rules) {
  auto rows = ReadAll(
      "id,year,title,event_type,pdf_name,abstract,paper_text\n"
      "1,1987,\"Self-Organization\n  of X\",,p.pdf,Abstract Missing,text\n"
      "2,1994,T2,,p.pdf,\"Para one\nwrapped.\n\nPara two.\",text\n"
      "3,,T3,,p.pdf,,\n"
      "4,19x7,T4,,p.pdf,,\n"
      ",1990,T5,,p.pdf,,\n"
      "6,1990,  ,,p.pdf,,\n"
      "7,1990,T7\n"
      "8,1990,\"bad\xff\",,p.pdf,,\n");
  ASSERT_EQ(rows.size(), 9u);
  NipsConverter conv;
  ASSERT_TRUE(conv.Init(rows[0], "n.csv").ok());
  NipsRecord r;
  ASSERT_EQ(conv.Convert(rows[1], &r), "");
  EXPECT_EQ(r.id, "1");
  EXPECT_EQ(r.title, "Self-Organization of X");
  EXPECT_FALSE(r.abstract.present);
  EXPECT_EQ(*r.year, 1987);
  ASSERT_EQ(conv.Convert(rows[2], &r), "");
  EXPECT_EQ(r.abstract.value, "Para one wrapped.\n\nPara two.");
  ASSERT_EQ(conv.Convert(rows[3], &r), "");
  EXPECT_FALSE(r.year);
  EXPECT_FALSE(r.abstract.present);
  EXPECT_NE(conv.Convert(rows[4], &r).find("year"), std::string::npos);
  EXPECT_EQ(conv.Convert(rows[5], &r), "missing id");
  EXPECT_EQ(conv.Convert(rows[6], &r), "missing title");
  EXPECT_EQ(conv.Convert(rows[7], &r), "expected 7 fields, found 3");
  EXPECT_EQ(conv.Convert(rows[8], &r), "invalid UTF-8");
  NipsConverter bad;
  EXPECT_FALSE(bad.Init(rows[7], "n.csv").ok());  // no 'id'/'title' header names
}

}  // namespace
}  // namespace arxivflow::transform
