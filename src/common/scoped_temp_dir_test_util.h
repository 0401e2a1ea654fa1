// ScopedTempDir (tests only): a fresh private folder for one test's files,
// removed with everything in it when the object goes away, so that tests run
// side by side never share a path and a failed assertion leaves nothing
// behind. Not used by the product.
//
// Usage:
//   ScopedTempDir dir("af_loader_test_");
//   ASSERT_TRUE(WriteTestArea(dir.path() / "area", 10).ok());
//   const std::string db = dir.File("w.db").string();
//
// Contract:
// - The constructor creates <$TMPDIR, else /tmp>/<prefix>XXXXXX with
//   mkdtemp(3): a new folder of mode 0700 that no other instance, test or
//   process can be given. The prefix (no '/') only makes leftovers of a
//   crashed test recognisable.
// - The object owns the folder and all it holds: the destructor removes the
//   whole tree and never throws. What the owner may not delete (say, under a
//   folder the test made read-only) stays behind, silently.
// - Not copyable; movable, and a moved-from ScopedTempDir owns nothing (its
//   path() is empty).
// - Errors: if the folder cannot be created, the process aborts with the
//   reason on stderr; a test cannot go on without its folder, and a shared
//   fallback path would defeat the point.
// - path() and File() may be called from several threads; moving or
//   destroying the object must not race with them.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace arxivflow {

class ScopedTempDir {
 public:
  explicit ScopedTempDir(std::string_view prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string name = base != nullptr && *base != '\0' ? base : "/tmp";
    name += '/';
    name += prefix;
    name += "XXXXXX";
    if (mkdtemp(name.data()) == nullptr) {
      std::fprintf(stderr, "ScopedTempDir: cannot create %s: %s\n", name.c_str(), std::strerror(errno));
      std::abort();
    }
    path_ = name;
  }
  ~ScopedTempDir() { Remove(); }

  ScopedTempDir(ScopedTempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept {
    if (this != &other) {
      Remove();
      path_ = std::exchange(other.path_, {});
    }
    return *this;
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // `name` inside the folder (not created).
  std::filesystem::path File(std::string_view name) const { return path_ / name; }

 private:
  void Remove() {
    if (path_.empty()) return;
    std::error_code ignored;  // nothing useful to do about it in a destructor
    std::filesystem::remove_all(path_, ignored);
  }

  std::filesystem::path path_;
};

}  // namespace arxivflow
