#include "common/thread_priority.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace arxivflow {
namespace {

int ThreadNice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

TEST(ThreadPriorityTest, WorkRunsLowerAndTheCallerKeepsItsPriority) {
  const int before = ThreadNice();
  int inside = 0, child = 0;
  const std::string result = RunAtLowerPriority(5, [&] {
    inside = ThreadNice();
    std::thread([&] { child = ThreadNice(); }).join();  // threads it starts inherit it
    return std::string("done");
  });
  EXPECT_EQ(result, "done");
  EXPECT_EQ(inside, std::min(before + 5, 19));
  EXPECT_EQ(child, inside);
  EXPECT_EQ(ThreadNice(), before);
}

TEST(ThreadPriorityTest, ExceptionsReachTheCaller) {
  EXPECT_THROW(RunAtLowerPriority(1, []() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
}

}  // namespace
}  // namespace arxivflow
