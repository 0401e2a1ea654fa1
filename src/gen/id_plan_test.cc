#include "gen/id_plan.h"

#include <cctype>
#include <set>

#include <gtest/gtest.h>

namespace arxivflow::gen {
namespace {

// "2301.12345" / "0704.0001" (4 digits up to 2014, 5 after).
bool IsNewStyle(const std::string& s) {
  if (s.size() != 9 && s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 4 ? s[i] != '.' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "hep-th/9901001": archive, slash, yymm and a 3-digit number.
bool IsOldStyle(const std::string& s) {
  const size_t slash = s.find('/');
  if (slash == std::string::npos || slash == 0 || s.size() - slash - 1 != 7) return false;
  for (size_t i = 0; i < slash; ++i)
    if (!std::islower(static_cast<unsigned char>(s[i])) && s[i] != '-') return false;
  for (size_t i = slash + 1; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

TEST(AllocateWithCapsTest, ProportionalAndCapped) {
  auto c = AllocateWithCaps(100, {1, 1, 2}, {1000, 1000, 1000});
  EXPECT_EQ(c[0] + c[1] + c[2], 100u);
  EXPECT_EQ(c[2], 50u);
  c = AllocateWithCaps(100, {1, 1, 100}, {1000, 1000, 10});
  EXPECT_EQ(c[2], 10u);
  EXPECT_EQ(c[0] + c[1], 90u);
  c = AllocateWithCaps(5000, {1, 1}, {10, 20});  // more than fits
  EXPECT_EQ(c[0], 10u);
  EXPECT_EQ(c[1], 20u);
  c = AllocateWithCaps(0, {1, 1}, {10, 20});
  EXPECT_EQ(c[0] + c[1], 0u);
}

TEST(IdPlanTest, UniqueSortedRealisticIds) {
  const IdPlan plan(100000);
  std::set<std::string> seen;
  std::string prev;
  uint64_t old_count = 0;
  for (uint64_t i = 0; i < plan.records(); ++i) {
    PaperId id;
    plan.IdAt(i, &id);
    const std::string s(id.text, id.length);
    ASSERT_TRUE(seen.insert(s).second) << "duplicate " << s;
    if (id.archive >= 0) {
      ++old_count;
      ASSERT_TRUE(IsOldStyle(s)) << s;
      ASSERT_LE(id.year * 100 + id.month, 200703);
    } else {
      ASSERT_TRUE(IsNewStyle(s)) << s;
      ASSERT_EQ(s.size(), id.year < 2015 ? 9u : 10u) << s;
      ASSERT_GE(id.year * 100 + id.month, 200704);
    }
    // The real snapshot is sorted by id string; new-style ids (digits)
    // sort before old-style ones (letters).
    if (!prev.empty()) {
      ASSERT_LT(prev, s);
    }
    prev = s;
  }
  EXPECT_EQ(old_count, 20000u);
  EXPECT_EQ(plan.IdString(0), "0704.0001");
}

TEST(IdPlanTest, LargePlansRespectNumberingCapacity) {
  const IdPlan plan(6'000'000);
  PaperId id;
  for (uint64_t i = 0; i < plan.records(); i += 997) {
    plan.IdAt(i, &id);
    ASSERT_LT(id.length, 24);
    if (id.archive < 0 && id.year < 2015) {
      ASSERT_EQ(id.length, 9);
    }
  }
  plan.IdAt(plan.records() - 1, &id);
  EXPECT_GE(id.archive, 0);
}

TEST(IdPlanTest, TinyPlans) {
  EXPECT_EQ(IdPlan(1).IdString(0), "0704.0001");
  const IdPlan five(5);
  EXPECT_EQ(five.new_style_records(), 4u);
  EXPECT_NE(five.IdString(4).find('/'), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::gen
