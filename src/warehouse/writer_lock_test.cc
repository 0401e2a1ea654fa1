#include "warehouse/writer_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::warehouse {
namespace {

TEST(WriterLockTest, SecondWriterWaitsAndNamesTheHolder) {
  const ScopedTempDir dir("af_lock_");
  const std::string db = dir.File("w.db").string();
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
}

TEST(WriterLockTest, WaitersTakeTheLockSmallestWorkFirst) {
  const ScopedTempDir dir("af_lock_order_");
  const std::string db = dir.File("w.db").string();
  auto holder = WriterLock::Acquire(db, "staging titles for run a", nullptr);
  ASSERT_TRUE(holder.ok());
  std::mutex mu;
  std::vector<int64_t> order;
  std::vector<std::string> reports;
  std::atomic<int> waiting{0};
  std::vector<std::thread> waiters;
  for (int64_t work : {30, 10, 20}) {
    waiters.emplace_back([&, work] {
      bool counted = false;
      auto lock = WriterLock::Acquire(db, "staging " + std::to_string(work) + " rows", [&](const std::string&,
                                                                                           const std::string& h) {
        std::lock_guard<std::mutex> g(mu);
        reports.push_back(h);
        if (!counted) {
          counted = true;
          ++waiting;
        }
      }, work);
      ASSERT_TRUE(lock.ok());
      {
        std::lock_guard<std::mutex> g(mu);
        order.push_back(work);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    });
    // Each one is waiting before the next arrives.
    while (waiting < static_cast<int>(waiters.size())) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  holder->reset();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int64_t>{10, 20, 30}));
  // The room is empty again.
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(db).parent_path())) {
    EXPECT_EQ(e.path().filename().string().find(std::filesystem::path(db).filename().string() + ".lock.waiting-"),
              std::string::npos)
        << e.path();
  }
}

TEST(WriterLockTest, TheWaitingEntryOfADeadProcessIsIgnoredAndRemoved) {
  const ScopedTempDir dir("af_lock_dead_");
  const std::string db = dir.File("w.db").string();
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const std::string stale = db + ".lock.waiting-" + std::to_string(child) + "-0";
  std::ofstream(stale) << "0 pid " << child << ": staging nothing\n";
  auto lock = WriterLock::Acquire(db, "staging authors", nullptr, 1000);
  ASSERT_TRUE(lock.ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  lock->reset();
}

TEST(WriterLockTest, GarbageWaitingEntriesAreSkippedAndLongOnesReadBounded) {
  const ScopedTempDir dir("af_lock_garbage_");
  const std::string db = dir.File("w.db").string();
  // Entries of a live process (this one) that are not "<work> <line>":
  // skipped, not waited for.
  const std::string prefix = db + ".lock.waiting-" + std::to_string(getpid()) + "-";
  std::ofstream(prefix + "900") << "not a number\n";
  std::ofstream(prefix + "901");  // empty
  std::ofstream(prefix + "902") << "-\n";
  auto lock = WriterLock::Acquire(db, "staging authors", nullptr, 1000);
  ASSERT_TRUE(lock.ok());
  lock->reset();
  // A smaller waiter with a 1 MB description: given way to, and at most 255
  // characters of it reported.
  const std::string big = prefix + "903";
  std::ofstream(big) << "5 " << std::string(1 << 20, 'x') << "\n";
  std::atomic<bool> reported{false};
  std::string holder;
  std::thread waiter([&] {
    auto l = WriterLock::Acquire(db, "staging authors", [&](const std::string&, const std::string& h) {
      if (!reported) {
        holder = h;
        reported = true;
      }
    }, 1000);
    ASSERT_TRUE(l.ok());
  });
  while (!reported) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string marker = "queued behind the smaller ";
  const size_t at = holder.find(marker);
  ASSERT_NE(at, std::string::npos) << holder.substr(0, 200);
  EXPECT_LE(holder.size() - at - marker.size(), 255u);
  std::filesystem::remove(big);
  waiter.join();
}

TEST(WriterLockTest, UnwritableFolderIsAnError) {
  auto lock = WriterLock::Acquire("/nonexistent-dir/w.db", "x", nullptr);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("/nonexistent-dir/w.db.lock"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::warehouse
