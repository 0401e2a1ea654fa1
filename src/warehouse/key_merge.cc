#include "warehouse/key_merge.h"

#include <algorithm>
#include <queue>

#include "parquet/reader.h"
#include "warehouse/index_sorter.h"
#include "warehouse/sqlite_stage_file.h"

namespace arxivflow::warehouse {

Result<std::optional<std::vector<KeyOrderedFile>>> KeyOrderedFiles(const schema::TableDef& table,
                                                                    const std::vector<std::string>& files,
                                                                    size_t max_open) {
  const int first = table.key.empty() ? -1 : table.schema.FindColumn(table.key.front());
  if (first < 0 || table.schema.columns[static_cast<size_t>(first)].physical != parquet::PhysicalType::kByteArray) {
    return std::optional<std::vector<KeyOrderedFile>>();
  }
  struct Range {
    std::string path, min, max;
  };
  std::vector<Range> ranges;
  for (const auto& path : files) {
    AF_ASSIGN_OR_RETURN(auto input, OpenParquetInput(path));
    AF_ASSIGN_OR_RETURN(auto reader, parquet::Reader::Open(std::move(input)));
    const auto& meta = reader->metadata();
    const int column = meta.schema.FindColumn(table.key.front());
    if (column < 0) return std::optional<std::vector<KeyOrderedFile>>();  // the load will say so
    std::optional<Range> range;
    for (const auto& group : meta.row_groups) {
      if (group.num_rows == 0) continue;
      const auto& chunk = group.columns[static_cast<size_t>(column)];
      if (!chunk.min_value || !chunk.max_value) return std::optional<std::vector<KeyOrderedFile>>();
      if (!range) range = Range{path, *chunk.min_value, *chunk.max_value};
      range->min = std::min(range->min, *chunk.min_value);
      range->max = std::max(range->max, *chunk.max_value);
    }
    if (range) ranges.push_back(std::move(*range));  // a file without rows adds nothing
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.min < b.min; });
  // The most ranges open at once: those not ended before the next one starts.
  std::priority_queue<std::string, std::vector<std::string>, std::greater<>> ends;
  std::vector<KeyOrderedFile> ordered;
  for (auto& range : ranges) {
    while (!ends.empty() && ends.top() < range.min) ends.pop();
    ends.push(range.max);
    if (ends.size() > max_open) return std::optional<std::vector<KeyOrderedFile>>();
    KeyOrderedFile file{std::move(range.path), ""};
    AppendSortKeyText(range.min, &file.first_key);
    ordered.push_back(std::move(file));
  }
  return std::optional<std::vector<KeyOrderedFile>>(std::move(ordered));
}

struct KeyMerger::Stream {
  std::unique_ptr<BatchSource> file;
  std::unique_ptr<BatchSource> ahead;  // reads `file`: destroyed first
  Batch batch;
  int64_t row = 0;
  std::string key;  // of `row`; once handed out, of the run's last row
  std::string origin;

  BatchSource& source() { return ahead ? *ahead : *file; }
};

KeyMerger::KeyMerger(const schema::TableDef& table, std::vector<KeyOrderedFile> files, int read_ahead,
                     size_t max_open)
    : table_(table), files_(std::move(files)), read_ahead_(read_ahead), max_open_(max_open),
      texts_(table.schema.columns.size()) {
  for (const auto& name : table.key) key_columns_.push_back(static_cast<size_t>(table.schema.FindColumn(name)));
}

KeyMerger::~KeyMerger() = default;

void KeyMerger::KeyOf(const Batch& batch, int64_t row, std::string* key) {
  key->clear();
  for (size_t c : key_columns_) {
    const BatchValue value = BatchValueAt(table_.schema.columns[c], batch.columns[c], static_cast<size_t>(row), texts_[c]);
    AppendSortKey(value, key);
  }
}

Result<bool> KeyMerger::MoveTo(Stream& stream, int64_t row) {
  if (row < stream.batch.rows) {
    stream.row = row;
    KeyOf(stream.batch, row, &key_);
  } else {
    AF_ASSIGN_OR_RETURN(bool more, stream.source().Next(&stream.batch));
    if (!more) return false;
    stream.row = 0;
    KeyOf(stream.batch, 0, &key_);
  }
  if (key_ < stream.key) return Status::Aborted(kRowsOutOfKeyOrder);
  stream.key.swap(key_);
  return true;
}

Status KeyMerger::Open(const KeyOrderedFile& file) {
  if (open_.size() >= max_open_) return Status::Aborted(kRowsOutOfKeyOrder);
  auto stream = std::make_unique<Stream>();
  stream->file = MakeParquetBatchSource(table_, {file.path});
  if (read_ahead_ > 0) stream->ahead = MakePrefetchingBatchSource(stream->file.get(), read_ahead_);
  while (true) {
    AF_ASSIGN_OR_RETURN(bool more, stream->source().Next(&stream->batch));
    if (!more) return Status::OK();  // no rows after all
    if (stream->batch.rows > 0) break;
  }
  KeyOf(stream->batch, 0, &stream->key);
  // Its statistics said where it starts: a row before that is out of order.
  if (stream->key < file.first_key) return Status::Aborted(kRowsOutOfKeyOrder);
  open_.push_back(std::move(stream));
  return Status::OK();
}

Result<bool> KeyMerger::Next(const Batch** batch, int64_t* begin, int64_t* end) {
  if (handed_out_) {
    Stream* stream = handed_out_;
    handed_out_ = nullptr;
    AF_ASSIGN_OR_RETURN(bool more, MoveTo(*stream, handed_end_));
    if (!more) {
      open_.erase(std::find_if(open_.begin(), open_.end(), [&](const auto& s) { return s.get() == stream; }));
    }
  }
  while (true) {
    Stream* head = nullptr;
    for (const auto& s : open_) {
      if (!head || s->key < head->key) head = s.get();
    }
    // A file joins once the merge reaches its first key.
    if (next_file_ < files_.size() && (!head || files_[next_file_].first_key <= head->key)) {
      AF_RETURN_IF_ERROR(Open(files_[next_file_++]));
      continue;
    }
    if (!head) return false;
    // The run ends before the first row that another file (or the next to
    // join) may have to precede.
    const std::string* bound = next_file_ < files_.size() ? &files_[next_file_].first_key : nullptr;
    for (const auto& s : open_) {
      if (s.get() != head && (!bound || s->key < *bound)) bound = &s->key;
    }
    int64_t row = head->row + 1;
    for (; row < head->batch.rows; ++row) {
      KeyOf(head->batch, row, &key_);
      if (key_ < head->key) return Status::Aborted(kRowsOutOfKeyOrder);
      if (bound && !(key_ < *bound)) break;
      head->key.swap(key_);  // the stream's key is now its last row handed out
    }
    *batch = &head->batch;
    *begin = head->row;
    *end = row;
    handed_out_ = head;
    handed_end_ = row;
    return true;
  }
}

}  // namespace arxivflow::warehouse
