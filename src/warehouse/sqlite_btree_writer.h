// B-trees of a new SQLite database file, written bottom-up from entries that
// arrive in order: leaf pages are written as they fill, the interior levels
// when the tree is finished. This is how a sorted load can skip SQLite's
// VDBE and B-tree balancing: every page is written once, full.
//
// - PageFile: the file, as numbered pages of one size. Page 1 (the header
//   and the schema) is reserved for sqlite_file_writer.h. Pages are numbered
//   in the order they are allocated; every allocated page must be written.
// - TableBtreeWriter: a rowid table; Append() rows with increasing rowids.
// - IndexBtreeWriter: an index; Append() entries (records whose last column
//   is the rowid) in SQLite's order for the index; the caller checks the order.
//
// Contract: the writers borrow the PageFile (it must outlive them); Finish()
// returns the root page's number, after which the writer must not be used.
// Memory: one page per writer plus one small entry per leaf page (its number
// and its last key) until Finish(). Errors (I/O, a payload over SQLite's
// limit) are returned as Status; after one, the file is unusable. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::warehouse {

class PageFile {
 public:
  // Creates (or truncates) `path` for pages of `page_size` bytes (a power of
  // two from 512 to 65536).
  static Result<std::unique_ptr<PageFile>> Create(const std::string& path, uint32_t page_size);
  // SQLite's lock-byte offset, 1 GiB unless moved for tests
  // (SQLITE_TESTCTRL_PENDING_BYTE): set both or neither.
  static constexpr uint32_t kLockByteOffset = 0x40000000;
  void SetLockByteOffsetForTest(uint32_t offset) { lock_byte_offset_ = offset; }
  ~PageFile();
  PageFile(const PageFile&) = delete;
  PageFile& operator=(const PageFile&) = delete;

  uint32_t page_size() const { return page_size_; }
  uint32_t usable() const { return page_size_; }  // no reserved bytes
  // The next page's number. The page holding the file's byte at 1 GiB (SQLite's
  // lock-byte page, kept free for locking) is skipped.
  uint32_t Allocate();
  uint32_t pages() const { return pages_; }
  uint64_t pages_written() const { return written_; }
  Status Write(uint32_t page, const uint8_t* data);
  // Writes a payload's overflow chain (the bytes past its local part) and
  // returns its first page.
  Result<uint32_t> WriteOverflow(std::string_view rest);
  const std::string& path() const { return path_; }

 private:
  PageFile(std::string path, int fd, uint32_t page_size);
  std::string path_;
  int fd_;
  uint32_t page_size_;
  uint32_t pages_ = 1;  // page 1 is reserved
  uint32_t lock_byte_offset_ = kLockByteOffset;
  uint64_t written_ = 0;
};

// One B-tree page being filled: cells from the end of the page down, their
// pointers after the header. Shared by the two writers.
class PageBuilder {
 public:
  PageBuilder(uint32_t page_size, uint8_t kind);
  void Reset(uint8_t kind);
  // True if a cell of `size` bytes (and its pointer) still fits.
  bool Fits(size_t size) const;
  void AddCell(const uint8_t* cell, size_t size);
  // Takes the last cell added back out (once, after an AddCell()).
  std::string PopLastCell();
  int cells() const { return cells_; }
  // The finished page (header filled in); `right_child` for interior pages.
  const uint8_t* Finish(uint32_t right_child);

 private:
  size_t HeaderSize() const;
  std::vector<uint8_t> page_;
  uint8_t kind_;
  int cells_ = 0;
  size_t content_ = 0;  // start of the cell content area
  size_t last_cell_size_ = 0;
};

class TableBtreeWriter {
 public:
  explicit TableBtreeWriter(PageFile* file);
  Status Append(int64_t rowid, std::string_view record);
  Result<uint32_t> Finish();
  int64_t rows() const { return rows_; }

 private:
  struct Child {
    uint32_t page;
    int64_t last_rowid;
  };
  Status FlushLeaf();
  PageFile* file_;
  PageBuilder leaf_;
  std::vector<uint8_t> cell_;
  int64_t last_rowid_ = 0;
  int64_t rows_ = 0;
  std::vector<Child> leaves_;
};

class IndexBtreeWriter {
 public:
  explicit IndexBtreeWriter(PageFile* file);
  Status Append(std::string_view entry);
  Result<uint32_t> Finish();

 private:
  // A leaf-format cell (payload size, local payload, overflow page): an
  // interior cell is the child's page number followed by the same bytes.
  Result<std::string> Cell(std::string_view entry);
  Result<uint32_t> WritePage(PageBuilder& page, uint32_t right_child);
  PageFile* file_;
  PageBuilder leaf_;
  // A full leaf is held back until the entry after its divider arrives: if
  // none does, its last cell becomes the divider instead.
  PageBuilder held_;
  std::string pending_;  // the cell that did not fit `held_`
  bool has_pending_ = false;
  std::vector<uint32_t> children_;      // the leaves, in order
  std::vector<std::string> dividers_;  // the cells between them
};

}  // namespace arxivflow::warehouse
