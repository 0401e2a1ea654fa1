// Scratch files beside a SQLite warehouse: named per load and process, and
// removed once their process is gone, never while it lives.
#include "warehouse/sqlite_scratch.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::warehouse {
namespace {

namespace fs = std::filesystem;

void Touch(const fs::path& p) { std::ofstream(p) << "x"; }

TEST(SqliteScratchTest, StaleFilesOfDeadProcessesAreRemovedLiveOnesKept) {
  const ScopedTempDir tmp("af_scratch_test_");
  const fs::path dir = tmp.path();
  const std::string db = (dir / "w.db").string();
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const std::string dead = std::to_string(child);

  const std::string live_stage = ScratchPath(db, "stage-authors", "abc");
  EXPECT_EQ(live_stage, db + ".stage-authors-abc." + std::to_string(getpid()));
  Touch(live_stage);
  Touch(db + ".search-abc." + dead);
  Touch(db + ".stage-papers-abc." + dead);
  Touch(db + ".stage-papers-abc." + dead + "-journal");
  Touch(db + ".stage-odd");  // no pid: nobody can be using it
  Touch(db);
  Touch(db + "-wal");
  Touch(dir / "other.db.stage-papers-abc.1");  // another warehouse's

  RemoveStaleScratchFiles(db);
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.insert(e.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"w.db", "w.db-wal", fs::path(live_stage).filename().string(),
                                         "other.db.stage-papers-abc.1"}));
}

TEST(SqliteScratchTest, ScratchFileIsRemovedWhenItGoesOutOfScope) {
  const ScopedTempDir tmp("af_scratch_file_");
  const fs::path p = tmp.File("scratch");
  {
    ScratchFile file(p.string());
    Touch(p);
    Touch(p.string() + "-journal");
    EXPECT_TRUE(fs::exists(p));
  }
  EXPECT_FALSE(fs::exists(p));
  EXPECT_FALSE(fs::exists(p.string() + "-journal"));
}

}  // namespace
}  // namespace arxivflow::warehouse
