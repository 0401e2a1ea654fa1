#include "transform/id_set.h"

#include <gtest/gtest.h>

namespace arxivflow::transform {
namespace {

TEST(IdSet, ExactMembership) {
  IdSet set;
  EXPECT_TRUE(set.Insert("0704.0001"));
  EXPECT_FALSE(set.Insert("0704.0001"));
  EXPECT_TRUE(set.Insert("0704.0001 "));
  EXPECT_TRUE(set.Insert(""));
  EXPECT_FALSE(set.Insert(""));
  const std::string long_id(100000, 'x');
  EXPECT_TRUE(set.Insert(long_id));
  EXPECT_FALSE(set.Insert(long_id));
  EXPECT_TRUE(set.Insert(long_id + "y"));
  for (int i = 0; i < 300000; ++i) ASSERT_TRUE(set.Insert("id-" + std::to_string(i)));
  for (int i = 0; i < 300000; i += 7) ASSERT_FALSE(set.Insert("id-" + std::to_string(i)));
  EXPECT_EQ(set.size(), 300005u);
  EXPECT_LT(set.MemoryBytes(), 300000u * 64);
}

}  // namespace
}  // namespace arxivflow::transform
