#include "common/background_remove.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"
#include "common/sqlite.h"

namespace arxivflow {
namespace {

namespace fs = std::filesystem;

void WriteFile(const std::string& path, size_t bytes) {
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  const std::string chunk(1 << 20, 'x');
  for (size_t done = 0; done < bytes; done += chunk.size()) {
    const size_t n = std::min(chunk.size(), bytes - done);
    ASSERT_EQ(::write(fd, chunk.data(), n), static_cast<ssize_t>(n));
  }
  ::close(fd);
}

// Whether any process of ours still holds a descriptor of the removed `path`.
bool SomeoneHolds(const std::string& path) {
  const std::string deleted = path + " (deleted)";
  std::error_code ec;
  // Processes come and go while we look: never throw, skip what vanished.
  for (fs::directory_iterator proc("/proc", ec), end; !ec && proc != end; proc.increment(ec)) {
    std::error_code fd_ec;
    for (fs::directory_iterator fd(proc->path() / "fd", fd_ec); !fd_ec && fd != end; fd.increment(fd_ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd->path(), link_ec).string() == deleted) return true;
    }
  }
  return false;
}

bool NoOneHoldsWithin(const std::string& path, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (SomeoneHolds(path)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST(RemoveFileInBackgroundTest, RemovesASmallFileHereAndReportsAMissingOne) {
  const ScopedTempDir tmp("af_bg_remove_");
  const std::string path = tmp.File("small").string();
  WriteFile(path, 4096);
  EXPECT_EQ(RemoveFileInBackground(path.c_str()), 0);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(SomeoneHolds(path));
  EXPECT_EQ(RemoveFileInBackground(path.c_str()), ENOENT);
}

TEST(RemoveFileInBackgroundTest, TheNameGoesAtOnceAndTheFileIsFreedElsewhere) {
  const ScopedTempDir tmp("af_bg_remove_");
  const std::string path = tmp.File("large").string();
  WriteFile(path, static_cast<size_t>(kBackgroundRemoveMinBytes) + 4096);
  EXPECT_EQ(RemoveFileInBackground(path.c_str()), 0);
  EXPECT_FALSE(fs::exists(path));
  WriteFile(path, 10);  // the name is free for a new file at once
  EXPECT_EQ(fs::file_size(path), 10u);
  // Nothing of the old file stays here; the detached process lets it go.
  const std::string deleted = path + " (deleted)";
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec)) {
    EXPECT_NE(fs::read_symlink(fd.path(), ec).string(), deleted);
  }
  EXPECT_TRUE(NoOneHoldsWithin(path, std::chrono::seconds(30)));
}

TEST(RemoveFileInBackgroundTest, ALargeWalIsRemovedWhenTheLastConnectionCloses) {
  const ScopedTempDir tmp("af_bg_remove_");
  const std::string db_path = tmp.File("w.db").string();
  const std::string wal = db_path + "-wal";
  sqlite::OpenOptions options;
  options.background_delete = true;
  {
    sqlite::Database db;
    ASSERT_TRUE(db.Open(db_path, options).ok());
    ASSERT_TRUE(db.Exec("PRAGMA wal_autocheckpoint=0; CREATE TABLE t(b BLOB)").ok());
    const int64_t blob = kBackgroundRemoveMinBytes + (1 << 20);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (zeroblob(" + std::to_string(blob) + "))").ok());
    ASSERT_GE(static_cast<int64_t>(fs::file_size(wal)), kBackgroundRemoveMinBytes);
  }
  EXPECT_FALSE(fs::exists(wal));
  EXPECT_TRUE(NoOneHoldsWithin(wal, std::chrono::seconds(30)));
  sqlite::Database db;
  ASSERT_TRUE(db.Open(db_path, options).ok());
  auto length = db.QueryInt("SELECT length(b) FROM t");
  ASSERT_TRUE(length.ok());
  EXPECT_EQ(length->value_or(0), kBackgroundRemoveMinBytes + (1 << 20));
}

}  // namespace
}  // namespace arxivflow
