#include "transform/text_clean.h"

#include <gtest/gtest.h>

#include <random>

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

// The rules restated run by run (split into words and whitespace runs), as
// an oracle for the vectorised implementation.
std::string Reference(std::string_view in, bool paragraphs) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    size_t j = i;
    if (IsAsciiSpace(in[i])) {
      int newlines = 0;
      while (j < in.size() && IsAsciiSpace(in[j])) newlines += in[j++] == '\n';
      if (i > 0 && j < in.size()) out += paragraphs && newlines >= 2 ? "\n\n" : " ";
    } else {
      while (j < in.size() && !IsAsciiSpace(in[j])) ++j;
      out.append(in.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

// Both forms give what the rules say, and the char* form `write` writes at
// most text.size() bytes.
::testing::AssertionResult MatchesTheRules(const std::string& text, size_t (*write)(std::string_view, char*)) {
  const std::string inline_text = Inline(text), inline_rule = Reference(text, false);
  if (inline_text != inline_rule) {
    return ::testing::AssertionFailure() << "inline: \"" << inline_text << "\" != \"" << inline_rule << '"';
  }
  const std::string para_text = Para(text), para_rule = Reference(text, true);
  if (para_text != para_rule) {
    return ::testing::AssertionFailure() << "paragraphs: \"" << para_text << "\" != \"" << para_rule << '"';
  }
  std::string buf(text.size() + 16, '#');
  const size_t n = write(text, buf.data());
  if (n > text.size()) return ::testing::AssertionFailure() << n << " bytes out of " << text.size();
  if (buf.substr(text.size()) != std::string(16, '#')) return ::testing::AssertionFailure() << "wrote past the input size";
  return ::testing::AssertionSuccess();
}

TEST(TextClean, MatchesTheRulesOnRandomText) {
  // Long enough texts to cross the 16-byte vector steps at every offset,
  // with runs of every kind, non-ASCII bytes (negative as signed char) and
  // whitespace at both ends.
  const char alphabet[] = {'a', 'b', ' ', ' ', ' ', '\n', '\t', '\r', '\v', '\f', '\x08', '\x0e',
                           '\xc2', '\xa0', '\x85', '\xff', '\x1f', '\x7f'};
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = rng() % 120;
    // Some texts are mostly words with single spaces, the common case.
    const bool wordy = iter % 2 == 0;
    std::string text;
    for (size_t i = 0; i < len; ++i) {
      if (wordy && rng() % 8 != 0) {
        text.push_back(rng() % 6 == 0 ? ' ' : static_cast<char>('a' + rng() % 26));
      } else {
        text.push_back(alphabet[rng() % sizeof(alphabet)]);
      }
    }
    ASSERT_TRUE(MatchesTheRules(text, NormalizeParagraphs)) << "text #" << iter;
  }
}

TEST(TextClean, MatchesTheRulesOnShortText) {
  // Names and ids: 0 to 20 bytes, mostly without whitespace (the word-at-a-
  // time copy), sometimes with one byte that needs the rules (or a control
  // or non-ASCII byte that does not) at any position.
  const char odd[] = {' ', '\n', '\t', '\x01', '\x1f', '\x20', '\x21', '\x7f', '\x80', '\xa0', '\xc3', '\xff'};
  std::mt19937 rng(777);
  for (int iter = 0; iter < 50000; ++iter) {
    const size_t len = rng() % 21;
    std::string text;
    for (size_t i = 0; i < len; ++i) text.push_back(static_cast<char>('A' + rng() % 58));
    if (len > 0 && iter % 3 != 0) text[rng() % len] = odd[rng() % sizeof(odd)];
    ASSERT_TRUE(MatchesTheRules(text, NormalizeInline)) << "text #" << iter;
  }
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
  EXPECT_EQ(ParseRfc2822("Sat, 29 Feb 2020 23:59:60 GMT"), 1583020800000000LL);
  EXPECT_FALSE(ParseRfc2822("Sat, 29 Feb 2021 23:59:59 GMT"));
  EXPECT_FALSE(ParseRfc2822("Mon, 2 Apr 2007 24:00:00 GMT"));
  int year = 0, month = 0;
  YearMonthFromMicros(1175541522000000LL, &year, &month);
  EXPECT_EQ(year, 2007);
  EXPECT_EQ(month, 4);
  YearMonthFromMicros(-1, &year, &month);
  EXPECT_EQ(year, 1969);
  EXPECT_EQ(month, 12);
}

// arXiv's own form is read at fixed positions, anything else by the general
// rules: both give the same answer. A leading space is ignored by the rules
// and keeps a text off the fixed-position path, so each text is compared with
// itself read the general way.
TEST(TextClean, Rfc2822ArxivFormAgreesWithTheGeneralRules) {
  std::mt19937 rng(2822);
  const std::string forms[] = {"Mon, 2 Apr 2007 19:18:42 GMT", "Tue, 31 Dec 1991 00:00:00 GMT",
                               "Sat, 29 Feb 2020 23:59:60 GMT", "Wed, 9 Sep 2099 09:09:09 GMT"};
  const std::string alphabet = "0123456789 :,+-GMTUCZAprFebDecSepxX\t";
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s = forms[i % 4];
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {  // 0 to 2 changes
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    const auto fast = ParseRfc2822(s);
    ASSERT_EQ(fast, ParseRfc2822(" " + s)) << "'" << s << "'";
    accepted += fast.has_value();
  }
  EXPECT_GT(accepted, 50000);  // the comparison saw both outcomes often
  EXPECT_LT(accepted, 190000);
}

}  // namespace
}  // namespace arxivflow::transform
