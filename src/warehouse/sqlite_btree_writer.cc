#include "warehouse/sqlite_btree_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "warehouse/sqlite_format.h"

namespace arxivflow::warehouse {

namespace fmt = sqlite_format;

namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

// Header bytes of a B-tree page (never page 1 here).
size_t PageHeaderSize(uint8_t kind) {
  return kind == fmt::kInteriorIndexPage || kind == fmt::kInteriorTablePage ? 12 : 8;
}

}  // namespace

// ---- PageFile ----

PageFile::PageFile(std::string path, int fd, uint32_t page_size)
    : path_(std::move(path)), fd_(fd), page_size_(page_size) {}

PageFile::~PageFile() { ::close(fd_); }

Result<std::unique_ptr<PageFile>> PageFile::Create(const std::string& path, uint32_t page_size) {
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return Status::InvalidArgument("page size " + std::to_string(page_size) + " is not a power of two from 512 to 65536");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", path);
  return std::unique_ptr<PageFile>(new PageFile(path, fd, page_size));
}

uint32_t PageFile::Allocate() {
  ++pages_;
  if (pages_ == lock_byte_offset_ / page_size_ + 1) {
    ++pages_;
    ++written_;  // never written: a hole that reads as zeros, as SQLite leaves it
  }
  return pages_;
}

Status PageFile::Write(uint32_t page, const uint8_t* data) {
  const off_t offset = static_cast<off_t>(page - 1) * page_size_;
  size_t done = 0;
  while (done < page_size_) {
    const ssize_t n = ::pwrite(fd_, data + done, page_size_ - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot write", path_);
    done += static_cast<size_t>(n);
  }
  ++written_;
  return Status::OK();
}

Result<uint32_t> PageFile::WriteOverflow(std::string_view rest) {
  const size_t per_page = usable() - 4;
  std::vector<uint8_t> page(page_size_, 0);
  const uint32_t first = Allocate();
  uint32_t current = first;
  while (!rest.empty()) {
    const size_t n = std::min(per_page, rest.size());
    const uint32_t next = rest.size() > n ? Allocate() : 0;
    fmt::Put32(page.data(), next);
    std::memcpy(page.data() + 4, rest.data(), n);
    std::memset(page.data() + 4 + n, 0, per_page - n);
    AF_RETURN_IF_ERROR(Write(current, page.data()));
    rest.remove_prefix(n);
    current = next;
  }
  return first;
}

// ---- PageBuilder ----

PageBuilder::PageBuilder(uint32_t page_size, uint8_t kind) : page_(page_size, 0) { Reset(kind); }

void PageBuilder::Reset(uint8_t kind) {
  kind_ = kind;
  cells_ = 0;
  content_ = page_.size();
  last_cell_size_ = 0;
}

size_t PageBuilder::HeaderSize() const { return PageHeaderSize(kind_); }

bool PageBuilder::Fits(size_t size) const {
  return HeaderSize() + 2 * static_cast<size_t>(cells_ + 1) + size <= content_;
}

void PageBuilder::AddCell(const uint8_t* cell, size_t size) {
  content_ -= size;
  std::memcpy(page_.data() + content_, cell, size);
  fmt::Put16(page_.data() + HeaderSize() + 2 * static_cast<size_t>(cells_), static_cast<uint32_t>(content_));
  ++cells_;
  last_cell_size_ = size;
}

std::string PageBuilder::PopLastCell() {
  std::string cell(reinterpret_cast<const char*>(page_.data() + content_), last_cell_size_);
  content_ += last_cell_size_;
  --cells_;
  last_cell_size_ = 0;
  return cell;
}

const uint8_t* PageBuilder::Finish(uint32_t right_child) {
  const size_t header = HeaderSize();
  uint8_t* p = page_.data();
  // The gap between the pointers and the cells is zeroed: the file carries
  // nothing but what it says.
  std::memset(p + header + 2 * static_cast<size_t>(cells_), 0, content_ - header - 2 * static_cast<size_t>(cells_));
  p[0] = kind_;
  fmt::Put16(p + 1, 0);  // no freeblocks
  fmt::Put16(p + 3, static_cast<uint32_t>(cells_));
  fmt::Put16(p + 5, content_ == 65536 ? 0 : static_cast<uint32_t>(content_));
  p[7] = 0;  // no fragmented bytes
  if (header == 12) fmt::Put32(p + 8, right_child);
  return p;
}

// ---- TableBtreeWriter ----

TableBtreeWriter::TableBtreeWriter(PageFile* file) : file_(file), leaf_(file->page_size(), fmt::kLeafTablePage) {
  cell_.resize(18 + file->usable());
}

Status TableBtreeWriter::FlushLeaf() {
  const uint32_t page = file_->Allocate();
  AF_RETURN_IF_ERROR(file_->Write(page, leaf_.Finish(0)));
  leaves_.push_back({page, last_rowid_});
  leaf_.Reset(fmt::kLeafTablePage);
  return Status::OK();
}

Status TableBtreeWriter::Append(int64_t rowid, std::string_view record) {
  if (record.size() > fmt::kMaxLength) {
    return Status::InvalidArgument("a row of " + std::to_string(record.size()) +
                                   " bytes is larger than SQLite's limit of " + std::to_string(fmt::kMaxLength));
  }
  const uint64_t local = fmt::LocalPayload(file_->usable(), record.size(), /*table_leaf=*/true);
  size_t n = fmt::PutVarint(cell_.data(), record.size());
  n += fmt::PutVarint(cell_.data() + n, static_cast<uint64_t>(rowid));
  const size_t size = n + local + (local < record.size() ? 4 : 0);
  if (!leaf_.Fits(size)) AF_RETURN_IF_ERROR(FlushLeaf());
  std::memcpy(cell_.data() + n, record.data(), local);
  if (local < record.size()) {
    AF_ASSIGN_OR_RETURN(const uint32_t overflow, file_->WriteOverflow(record.substr(local)));
    fmt::Put32(cell_.data() + n + local, overflow);
  }
  leaf_.AddCell(cell_.data(), size);
  last_rowid_ = rowid;
  ++rows_;
  return Status::OK();
}

Result<uint32_t> TableBtreeWriter::Finish() {
  if (leaf_.cells() > 0 || leaves_.empty()) AF_RETURN_IF_ERROR(FlushLeaf());
  // Interior levels: children spread evenly over as few pages as hold them
  // (cells sized for the largest rowid varint), so no page has one child.
  const size_t per_page = (file_->usable() - 12) / (2 + 4 + 9) + 1;
  std::vector<Child> level = std::move(leaves_);
  PageBuilder page(file_->page_size(), fmt::kInteriorTablePage);
  uint8_t cell[13];
  while (level.size() > 1) {
    const size_t pages = (level.size() + per_page - 1) / per_page;
    std::vector<Child> up;
    size_t next = 0;
    for (size_t p = 0; p < pages; ++p) {
      const size_t take = level.size() / pages + (p < level.size() % pages ? 1 : 0);
      page.Reset(fmt::kInteriorTablePage);
      for (size_t k = 0; k + 1 < take; ++k) {
        const Child& c = level[next + k];
        fmt::Put32(cell, c.page);
        const size_t n = 4 + fmt::PutVarint(cell + 4, static_cast<uint64_t>(c.last_rowid));
        page.AddCell(cell, n);
      }
      const Child& right = level[next + take - 1];
      const uint32_t number = file_->Allocate();
      AF_RETURN_IF_ERROR(file_->Write(number, page.Finish(right.page)));
      up.push_back({number, right.last_rowid});
      next += take;
    }
    level = std::move(up);
  }
  return level[0].page;
}

// ---- IndexBtreeWriter ----

IndexBtreeWriter::IndexBtreeWriter(PageFile* file)
    : file_(file), leaf_(file->page_size(), fmt::kLeafIndexPage), held_(file->page_size(), fmt::kLeafIndexPage) {}

Result<std::string> IndexBtreeWriter::Cell(std::string_view entry) {
  if (entry.size() > fmt::kMaxLength) {
    return Status::InvalidArgument("an index entry of " + std::to_string(entry.size()) +
                                   " bytes is larger than SQLite's limit of " + std::to_string(fmt::kMaxLength));
  }
  const uint64_t local = fmt::LocalPayload(file_->usable(), entry.size(), /*table_leaf=*/false);
  std::string cell(9 + local + 4, '\0');
  auto* p = reinterpret_cast<uint8_t*>(cell.data());
  size_t n = fmt::PutVarint(p, entry.size());
  std::memcpy(p + n, entry.data(), local);
  n += local;
  if (local < entry.size()) {
    AF_ASSIGN_OR_RETURN(const uint32_t overflow, file_->WriteOverflow(entry.substr(local)));
    fmt::Put32(p + n, overflow);
    n += 4;
  }
  cell.resize(n);
  return cell;
}

Result<uint32_t> IndexBtreeWriter::WritePage(PageBuilder& page, uint32_t right_child) {
  const uint32_t number = file_->Allocate();
  AF_RETURN_IF_ERROR(file_->Write(number, page.Finish(right_child)));
  return number;
}

Status IndexBtreeWriter::Append(std::string_view entry) {
  AF_ASSIGN_OR_RETURN(std::string cell, Cell(entry));
  const auto* bytes = reinterpret_cast<const uint8_t*>(cell.data());
  if (has_pending_) {
    // The held leaf is final, and the pending cell divides it from this one.
    AF_ASSIGN_OR_RETURN(const uint32_t page, WritePage(held_, 0));
    children_.push_back(page);
    dividers_.push_back(std::move(pending_));
    has_pending_ = false;
    leaf_.AddCell(bytes, cell.size());
    return Status::OK();
  }
  if (leaf_.Fits(cell.size())) {
    leaf_.AddCell(bytes, cell.size());
    return Status::OK();
  }
  std::swap(leaf_, held_);
  leaf_.Reset(fmt::kLeafIndexPage);
  pending_ = std::move(cell);
  has_pending_ = true;
  return Status::OK();
}

Result<uint32_t> IndexBtreeWriter::Finish() {
  if (has_pending_) {
    // No entry after the pending one: the held leaf's last entry divides it
    // from a last leaf that holds the pending one.
    dividers_.push_back(held_.PopLastCell());
    AF_ASSIGN_OR_RETURN(const uint32_t page, WritePage(held_, 0));
    children_.push_back(page);
    leaf_.AddCell(reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size());
    has_pending_ = false;
  }
  {
    AF_ASSIGN_OR_RETURN(const uint32_t page, WritePage(leaf_, 0));
    children_.push_back(page);
  }
  // Interior levels. A level's pages take children and the cells between
  // them greedily; the cell after a page's last child moves up a level.
  const size_t usable = file_->usable();
  std::vector<uint32_t> children = std::move(children_);
  std::vector<std::string> dividers = std::move(dividers_);
  PageBuilder page(file_->page_size(), fmt::kInteriorIndexPage);
  std::vector<uint8_t> cell;
  while (children.size() > 1) {
    // Plan [first, last] child ranges, each with at least two children.
    struct Range {
      size_t first, last;
    };
    std::vector<Range> ranges;
    size_t first = 0;
    while (first < children.size()) {
      size_t used = 12;
      size_t last = first;
      while (last + 1 < children.size() && used + 2 + 4 + dividers[last].size() <= usable) {
        used += 2 + 4 + dividers[last].size();
        ++last;
      }
      ranges.push_back({first, last});
      first = last + 1;
    }
    if (ranges.size() > 1 && ranges.back().first == ranges.back().last) {
      // A lone last child: the page before gives it its last child. Every
      // page holds at least four cells (the payload split sees to it).
      if (ranges[ranges.size() - 2].last - ranges[ranges.size() - 2].first < 2) {
        return Status::Internal("index page of fewer than three children in " + file_->path());
      }
      --ranges[ranges.size() - 2].last;
      --ranges.back().first;
    }
    std::vector<uint32_t> up_children;
    std::vector<std::string> up_dividers;
    for (size_t r = 0; r < ranges.size(); ++r) {
      page.Reset(fmt::kInteriorIndexPage);
      for (size_t k = ranges[r].first; k < ranges[r].last; ++k) {
        cell.resize(4 + dividers[k].size());
        fmt::Put32(cell.data(), children[k]);
        std::memcpy(cell.data() + 4, dividers[k].data(), dividers[k].size());
        page.AddCell(cell.data(), cell.size());
      }
      AF_ASSIGN_OR_RETURN(const uint32_t number, WritePage(page, children[ranges[r].last]));
      up_children.push_back(number);
      if (r + 1 < ranges.size()) up_dividers.push_back(std::move(dividers[ranges[r].last]));
    }
    children = std::move(up_children);
    dividers = std::move(up_dividers);
  }
  return children[0];
}

}  // namespace arxivflow::warehouse
