#include "transform/text_clean.h"

#include <gtest/gtest.h>

namespace arxivflow::transform {
namespace {

std::string Inline(std::string_view s) {
  std::string out;
  NormalizeInline(s, &out);
  return out;
}
std::string Para(std::string_view s) {
  std::string out;
  NormalizeParagraphs(s, &out);
  return out;
}

TEST(TextClean, InlineCollapsesAndTrims) {
  EXPECT_EQ(Inline("Calculation of prompt\n  LHC energies"), "Calculation of prompt LHC energies");
  EXPECT_EQ(Inline("  a\t\r\n\f\vb  "), "a b");
  EXPECT_EQ(Inline(""), "");
  EXPECT_EQ(Inline(" \n\t "), "");
  EXPECT_EQ(Inline("0704.0001"), "0704.0001");
  // Non-ASCII spaces are content; LaTeX and symbols are kept.
  EXPECT_EQ(Inline("a\xC2\xA0 b $\\alpha$ #+_"), "a\xC2\xA0 b $\\alpha$ #+_");
}

TEST(TextClean, ParagraphsKeepBreaks) {
  EXPECT_EQ(Para("  A line\nwrapped.\n\n  Second\n para.\n"), "A line wrapped.\n\nSecond para.");
  EXPECT_EQ(Para("a\r\n\r\nb"), "a\n\nb");
  EXPECT_EQ(Para("a\n \t\n\n\nb"), "a\n\nb");
  EXPECT_EQ(Para("\n\na\n\n"), "a");
  EXPECT_EQ(Para("a \n b"), "a b");
  EXPECT_EQ(Para(" \n\n "), "");
}

TEST(TextClean, IsoDate) {
  EXPECT_EQ(ParseIsoDate("1970-01-01"), 0);
  EXPECT_EQ(ParseIsoDate("2008-11-26"), 14209);
  EXPECT_EQ(ParseIsoDate("2024-02-29"), 19782);
  EXPECT_FALSE(ParseIsoDate("2023-02-29"));
  EXPECT_FALSE(ParseIsoDate("2023-13-01"));
  EXPECT_FALSE(ParseIsoDate("2023-1-01"));
  EXPECT_FALSE(ParseIsoDate("2023-01-01T00"));
  EXPECT_FALSE(ParseIsoDate(""));
  EXPECT_FALSE(ParseIsoDate("abcd-ef-gh"));
}

TEST(TextClean, Rfc2822) {
  // 2007-04-02T19:18:42Z
  EXPECT_EQ(ParseRfc2822("Mon, 2 Apr 2007 19:18:42 GMT"), 1175541522000000LL);
  EXPECT_EQ(ParseRfc2822("2 Apr 2007 19:18:42 GMT"), 1175541522000000LL);
  EXPECT_EQ(ParseRfc2822(" Mon, 02 Apr 2007 21:18:42 +0200 "), 1175541522000000LL);
  EXPECT_EQ(ParseRfc2822("Mon, 2 Apr 2007 19:18 UT"), 1175541480000000LL);
  EXPECT_FALSE(ParseRfc2822("Mon, 2 Foo 2007 19:18:42 GMT"));
  EXPECT_FALSE(ParseRfc2822("Mon, 31 Apr 2007 19:18:42 GMT"));
  EXPECT_FALSE(ParseRfc2822("Mon, 2 Apr 2007 19:18:42"));
  EXPECT_FALSE(ParseRfc2822("Mon, 2 Apr 2007 19:18:42 GMT junk"));
  EXPECT_FALSE(ParseRfc2822(""));
  int year = 0, month = 0;
  YearMonthFromMicros(1175541522000000LL, &year, &month);
  EXPECT_EQ(year, 2007);
  EXPECT_EQ(month, 4);
  YearMonthFromMicros(-1, &year, &month);
  EXPECT_EQ(year, 1969);
  EXPECT_EQ(month, 12);
}

}  // namespace
}  // namespace arxivflow::transform
