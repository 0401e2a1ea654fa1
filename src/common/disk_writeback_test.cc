#include "common/disk_writeback.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow {
namespace {

TEST(StartWritebackTest, LeavesTheFileAsWrittenAndRefusesABadDescriptor) {
  const ScopedTempDir tmp("af_writeback_");
  const std::string path = tmp.File("f").string();
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  const std::string data(3 << 20, 'x');
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  EXPECT_TRUE(StartWriteback(fd, 0, 0).ok());
  EXPECT_TRUE(StartWriteback(fd, 1 << 20, 1 << 20).ok());
  ASSERT_EQ(::write(fd, "tail", 4), 4);  // writing on after it is fine
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  const std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(back, data + "tail");

  const Status bad = StartWriteback(-1, 0, 0);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("sync_file_range"), std::string::npos) << bad.message();
}

}  // namespace
}  // namespace arxivflow
