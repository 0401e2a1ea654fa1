#include "common/status.h"

#include <gtest/gtest.h>

namespace arxivflow {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  AF_ASSIGN_OR_RETURN(int h, Half(x));
  AF_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status st = Status::Corruption("bad footer");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.ToString(), "Corruption: bad footer");
  EXPECT_EQ(st.WithContext("a.parquet").message(), "a.parquet: bad footer");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
}

}  // namespace
}  // namespace arxivflow
