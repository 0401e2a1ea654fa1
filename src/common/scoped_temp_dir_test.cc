#include "common/scoped_temp_dir_test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace arxivflow {
namespace {

namespace fs = std::filesystem;

TEST(ScopedTempDirTest, CreatesAPrivateFolderNamedAfterThePrefix) {
  ScopedTempDir dir("af_scoped_temp_dir_test_");
  ASSERT_TRUE(fs::is_directory(dir.path()));
  EXPECT_EQ(dir.path().filename().string().rfind("af_scoped_temp_dir_test_", 0), 0u) << dir.path();
  EXPECT_EQ(fs::status(dir.path()).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  EXPECT_EQ(dir.File("w.db"), dir.path() / "w.db");
  EXPECT_FALSE(fs::exists(dir.File("w.db")));
}

TEST(ScopedTempDirTest, TwoInstancesWithOnePrefixDiffer) {
  ScopedTempDir a("af_scoped_temp_dir_test_");
  ScopedTempDir b("af_scoped_temp_dir_test_");
  EXPECT_NE(a.path(), b.path());
  EXPECT_TRUE(fs::is_directory(a.path()));
  EXPECT_TRUE(fs::is_directory(b.path()));
}

TEST(ScopedTempDirTest, RemovesTheWholeTreeOnDestruction) {
  fs::path kept;
  {
    ScopedTempDir dir("af_scoped_temp_dir_test_");
    kept = dir.path();
    fs::create_directories(dir.path() / "a/b/c");
    std::ofstream(dir.File("top.txt")) << "x";
    std::ofstream(dir.path() / "a/b/c/deep.txt") << "y";
    fs::create_symlink("/nonexistent-target", dir.File("dangling"));
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(kept))) << kept;
}

TEST(ScopedTempDirTest, AMoveHandsTheFolderOver) {
  std::optional<ScopedTempDir> first(std::in_place, "af_scoped_temp_dir_test_");
  const fs::path p = first->path();
  ScopedTempDir second(std::move(*first));
  EXPECT_TRUE(first->path().empty());
  first.reset();  // the moved-from one removes nothing
  EXPECT_EQ(second.path(), p);
  EXPECT_TRUE(fs::is_directory(p));

  ScopedTempDir third("af_scoped_temp_dir_test_");
  const fs::path replaced = third.path();
  third = std::move(second);  // the folder it held goes first
  EXPECT_FALSE(fs::exists(replaced));
  EXPECT_EQ(third.path(), p);
  EXPECT_TRUE(fs::is_directory(p));
}

TEST(ScopedTempDirTest, CreatesUnderTmpdir) {
  ScopedTempDir outer("af_scoped_temp_dir_test_");
  const char* old = getenv("TMPDIR");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  setenv("TMPDIR", outer.path().c_str(), 1);
  {
    ScopedTempDir inner("inner_");
    EXPECT_EQ(inner.path().parent_path(), outer.path());
  }
  if (saved) {
    setenv("TMPDIR", saved->c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_TRUE(fs::is_empty(outer.path()));
}

}  // namespace
}  // namespace arxivflow
