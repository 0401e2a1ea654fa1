#include "gen/csv_quote.h"

#include <gtest/gtest.h>

namespace arxivflow::gen {
namespace {

std::string Quote(std::string_view s) {
  OutBuffer b;
  AppendCsvField(s, &b);
  return std::string(b.View());
}

TEST(CsvQuoteTest, Rfc4180) {
  EXPECT_EQ(Quote("plain text"), "plain text");
  EXPECT_EQ(Quote(""), "");
  EXPECT_EQ(Quote("a,b"), "\"a,b\"");
  EXPECT_EQ(Quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Quote("\""), "\"\"\"\"");
  EXPECT_EQ(Quote("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(Quote("cr\r\nlf"), "\"cr\r\nlf\"");
  EXPECT_EQ(Quote("Universität"), "Universität");
  EXPECT_FALSE(CsvNeedsQuotes("Abstract Missing"));
  EXPECT_TRUE(CsvNeedsQuotes("x\ny"));
}

}  // namespace
}  // namespace arxivflow::gen
