// A temporary file written once, front to back, then read back in ranges:
// the sort runs of IndexSorter (index_sorter.h) and WordIndexWriter
// (word_index.h).
//
// Such bytes are read once and thrown away, so keeping them in the page cache
// only costs: every page of it is memory the kernel must find, zero-fill or
// reclaim, and copy through, and at full scale the runs are over a GB per
// load. Where the file system allows it the file bypasses the page cache
// (O_DIRECT): bytes are appended into an aligned buffer and written a
// buffer at a time, and read back in aligned blocks. Elsewhere (tmpfs, or a
// file system that refuses direct I/O on the first write) it is an ordinary
// file, and says so in direct().
//
// The file is unnamed (O_TMPFILE) where the file system allows it, else named
// and unlinked at once: nothing is left behind, whatever happens.
//
// Contract: Append() any number of times, then FinishWriting() once, then
// open Readers over ranges of what was appended (offsets are the bytes
// appended before, as size() told). Memory: the write buffer (kWriteBuffer)
// until FinishWriting(), and each Reader's block. Errors (I/O) are returned
// as Status, naming `what`. Not thread-safe; Readers of one file may be used
// in turn from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace arxivflow::warehouse {

class SpillFile {
 public:
  enum class Caching { kBypassWhereAllowed, kPageCache };
  // `dir`: where the file goes; `what`: what it holds, for errors ("a sort
  // run"); kPageCache: an ordinary file even where direct I/O is allowed.
  static Result<std::unique_ptr<SpillFile>> Create(const std::string& dir, std::string what,
                                                   Caching caching = Caching::kBypassWhereAllowed);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  Status Append(const char* data, size_t size);
  // Writes what is buffered; after it, no more Append().
  Status FinishWriting();
  // Bytes appended so far.
  uint64_t size() const { return size_; }
  bool direct() const { return direct_; }

  // Reads [begin, end) of the file front to back, a block at a time.
  class Reader {
   public:
    // `block_bytes`: read from the file at a time (rounded up to the
    // alignment, at least 64 KiB when the file is direct).
    Reader(const SpillFile* file, uint64_t begin, uint64_t end, size_t block_bytes);
    Reader(Reader&&) noexcept;
    Reader& operator=(Reader&&) noexcept;
    ~Reader();
    // Copies up to `size` of the next bytes into `dst`; 0 at the range's end.
    Result<size_t> Read(char* dst, size_t size);
    uint64_t remaining() const { return end_ - at_; }

   private:
    const SpillFile* file_;
    uint64_t at_, end_;
    size_t block_bytes_;
    std::unique_ptr<char, void (*)(char*)> block_;
    uint64_t block_start_ = 0;  // the file offset of block_[0]
    size_t block_size_ = 0;     // bytes of the file in block_
  };

  static constexpr size_t kWriteBuffer = size_t{2} << 20;

 private:
  SpillFile(int fd, bool direct, std::string what);
  Status WriteBuffer(size_t bytes);
  Status ReadBlock(char* dst, size_t size, uint64_t offset, size_t* got) const;
  Status Error(const std::string& doing) const;

  int fd_;
  bool direct_;
  std::string what_;
  std::unique_ptr<char, void (*)(char*)> buffer_;
  size_t buffered_ = 0;
  uint64_t written_ = 0;  // bytes of the file written (a multiple of the alignment while direct)
  uint64_t size_ = 0;
  bool finished_ = false;
};

}  // namespace arxivflow::warehouse
