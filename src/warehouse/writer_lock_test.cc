#include "warehouse/writer_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

namespace arxivflow::warehouse {
namespace {

TEST(WriterLockTest, SecondWriterWaitsAndNamesTheHolder) {
  const std::string db = (std::filesystem::temp_directory_path() / ("af_lock_" + std::to_string(getpid()) + ".db")).string();
  auto first = WriterLock::Acquire(db, "staging papers for run a", nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::atomic<int> reports{0};
  std::string what, holder;
  std::atomic<bool> acquired{false};
  std::thread second([&] {
    auto lock = WriterLock::Acquire(db, "staging authors for run a", [&](const std::string& w, const std::string& h) {
      if (reports++ == 0) {
        what = w;
        holder = h;
      }
    });
    ASSERT_TRUE(lock.ok());
    acquired = true;
  });
  while (reports == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(acquired);
  first->reset();
  second.join();
  EXPECT_TRUE(acquired);
  EXPECT_EQ(what, "the write lock on " + db);
  EXPECT_EQ(holder.rfind("pid " + std::to_string(getpid()) + ": staging papers for run a, since ", 0), 0u) << holder;
  std::filesystem::remove(WriterLock::LockPathFor(db));
}

TEST(WriterLockTest, UnwritableFolderIsAnError) {
  auto lock = WriterLock::Acquire("/nonexistent-dir/w.db", "x", nullptr);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("/nonexistent-dir/w.db.lock"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::warehouse
