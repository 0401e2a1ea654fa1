#include "transform/transform.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "common/logging.h"
#include "remote/object_store.h"
#include "remote/parquet_object_io.h"
#include "remote/s3_uri.h"
#include "schema/area_manifest.h"
#include "transform/object_publish.h"
#include "transform/block_reader.h"
#include "transform/csv_reader.h"
#include "transform/id_set.h"
#include "transform/input.h"
#include "transform/nips.h"
#include "transform/publish.h"
#include "transform/record_parser.h"
#include "transform/rejects.h"
#include "transform/text_clean.h"

namespace arxivflow::transform {

using schema::TableId;
using Clock = std::chrono::steady_clock;

namespace {

// kInvalidArgument unless `name` is "table.column" of one of the six tables.
Status CheckTableColumn(const std::string& name) {
  if (name.size() > 128) return Status::InvalidArgument("a column name of " + std::to_string(name.size()) + " bytes");
  const size_t dot = name.find('.');
  const schema::TableDef* def = dot == std::string::npos ? nullptr : schema::FindTable(name.substr(0, dot));
  if (def == nullptr) {
    return Status::InvalidArgument("'" + name + "' is not <table>.<column> of one of the six tables (" +
                                   schema::TableNames() + ")");
  }
  const std::string column = name.substr(dot + 1);
  std::string known;
  for (const auto& c : def->schema.columns) {
    if (c.name == column) return Status::OK();
    known += (known.empty() ? "" : ", ") + c.name;
  }
  return Status::InvalidArgument("table " + def->name + " has no column '" + column + "' (its columns: " + known + ")");
}

}  // namespace

Result<std::vector<std::string>> ParseTableColumns(const std::string& text) {
  return schema::ParseNameList(text, CheckTableColumn);
}

bool ParseShard(const std::string& text, uint64_t* index, uint64_t* count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return false;
  try {
    size_t used = 0;
    const unsigned long long k = std::stoull(text.substr(0, slash), &used);
    if (used != slash) return false;
    const std::string n_text = text.substr(slash + 1);
    const unsigned long long n = std::stoull(n_text, &used);
    if (used != n_text.size() || n == 0 || k >= n || n > 100000) return false;
    if (text[0] == '-' || n_text[0] == '-') return false;
    *index = k;
    *count = n;
    return true;
  } catch (...) {
    return false;
  }
}

bool ParseMaxRejects(const std::string& text, std::optional<uint64_t>* count,
                     std::optional<double>* percent) {
  if (text.empty() || text[0] == '-') return false;
  try {
    size_t used = 0;
    if (text.back() == '%') {
      const double p = std::stod(text.substr(0, text.size() - 1), &used);
      if (used != text.size() - 1 || p < 0 || p > 100) return false;
      *percent = p;
      return true;
    }
    const unsigned long long n = std::stoull(text, &used);
    if (used != text.size()) return false;
    *count = n;
    return true;
  } catch (...) {
    return false;
  }
}

namespace {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
  bool Push(T value) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(value));
    not_empty_.notify_one();
    return true;
  }
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  bool closed_ = false;
};

// Serves the first bytes of a stream (already read for format detection)
// before the rest.
class PrefixSource : public ByteSource {
 public:
  PrefixSource(ByteSource* inner, std::string prefix) : inner_(inner), prefix_(std::move(prefix)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->Read(buf, n);
  }

 private:
  ByteSource* inner_;
  std::string prefix_;
  size_t pos_ = 0;
};

Result<std::string> ReadPrefix(ByteSource* source, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    AF_ASSIGN_OR_RETURN(size_t k, source->Read(out.data() + got, n - got));
    if (k == 0) break;
    got += k;
  }
  out.resize(got);
  return out;
}

// Newlines in [0, end) of a file: the line number where a byte range starts.
Result<uint64_t> CountNewlines(const std::string& path, uint64_t end) {
  AF_ASSIGN_OR_RETURN(auto f, RawFile::Open(path));
  std::vector<char> buf(8u << 20);
  uint64_t count = 0, pos = 0;
  while (pos < end) {
    AF_ASSIGN_OR_RETURN(size_t k, f->Read(buf.data(), std::min<uint64_t>(buf.size(), end - pos)));
    if (k == 0) break;
    const char* p = buf.data();
    const char* stop = p + k;
    while ((p = static_cast<const char*>(std::memchr(p, '\n', stop - p))) != nullptr) {
      ++count;
      ++p;
    }
    pos += k;
  }
  return count;
}

bool IsBlank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsAsciiSpace(p[i])) return false;
  }
  return true;
}

// Dictionary encoding only for the columns of few distinct values
// (categories, licenses, dates, positions, version labels, origins). Ids,
// names, titles and other mostly unique text are written PLAIN: there a
// dictionary costs a hash lookup per value (a cache miss, once the
// dictionary outgrows the cache) and saves less than snappy does on its own
// (the paper id repeated on each author row compresses to almost nothing).
std::vector<bool> DictionaryColumns(TableId table) {
  static const std::set<std::string> kColumns = {
      "papers.categories", "papers.license",      "papers.updatedate",   "authors.position",
      "authors.suffix",    "categories.category", "categories.position", "versions.version",
      "versions.month",    "versions.year",       "versions.origin",     "abstracts.origin",
      "titles.origin"};
  const schema::TableDef& def = schema::Table(table);
  std::vector<bool> use;
  for (const auto& column : def.schema.columns) {
    use.push_back(kColumns.count(def.name + "." + column.name) > 0);
  }
  return use;
}

// The writer options of one table: its dictionary columns and the columns
// `uncompressed` ("table.column") names.
parquet::WriterOptions TableWriterOptions(TableId table, const parquet::WriterOptions& wo,
                                          const std::vector<std::string>& uncompressed) {
  parquet::WriterOptions options = wo;
  options.column_dictionary = DictionaryColumns(table);
  const schema::TableDef& def = schema::Table(table);
  for (const auto& column : def.schema.columns) {
    const std::string name = def.name + "." + column.name;
    options.column_compressed.push_back(std::find(uncompressed.begin(), uncompressed.end(), name) ==
                                        uncompressed.end());
  }
  return options;
}

// One thread's six tables.
struct TableOutputs {
  std::vector<std::unique_ptr<PartWriter>> writers;
  TableSet set{};
  RowCounts counts{};
  uint64_t rows_per_part;
  // `slot`: this thread's writer slot in `namer`.
  TableOutputs(const PartSinkOpener& sinks, const PartNamer* namer, uint64_t slot, const parquet::WriterOptions& wo,
               const std::vector<std::string>& uncompressed, uint64_t rows_per_part)
      : rows_per_part(rows_per_part) {
    for (int t = 0; t < schema::kTableCount; ++t) {
      const auto id = static_cast<TableId>(t);
      const parquet::WriterOptions table_options = TableWriterOptions(id, wo, uncompressed);
      // titles and abstracts roll over together (RollPairedParts).
      const bool paired = id == TableId::kTitles || id == TableId::kAbstracts;
      writers.push_back(
          std::make_unique<PartWriter>(sinks, id, namer, slot, table_options, paired ? 0 : rows_per_part));
      set[static_cast<size_t>(t)] = writers.back().get();
    }
  }
  // Called between records: once the open titles part holds rows_per_part
  // rows, closes it and the open abstracts part, so each abstracts part holds
  // the abstracts of exactly the records of its titles part (same part
  // numbers) and the search index can read the two side by side.
  Status RollPairedParts() {
    PartWriter& titles = *writers[static_cast<size_t>(TableId::kTitles)];
    if (titles.open_part_rows() < rows_per_part) return Status::OK();
    AF_RETURN_IF_ERROR(titles.ClosePart());
    return writers[static_cast<size_t>(TableId::kAbstracts)]->ClosePart();
  }
  Status Close() {
    Status first;
    for (auto& w : writers) {
      Status s = w->Close();
      if (first.ok() && !s.ok()) first = s;
    }
    return first;
  }
};

class Engine {
 public:
  // `part_suffix` goes into part names (see PartNamer); `rejects_name` is the
  // reject log's path relative to the output, as the manifest records it.
  Engine(const TransformOptions& options, PartSinkOpener sinks, RejectLog* rejects, std::string part_suffix,
         std::string rejects_name)
      : opt_(options),
        sinks_(std::move(sinks)),
        rejects_(rejects),
        rejects_name_(std::move(rejects_name)),
        run_id_(part_suffix),
        // One writer slot per worker and one for the NIPS thread (Run()).
        namer_(options.shard_index, options.shard_count, std::move(part_suffix),
               static_cast<uint64_t>(std::max(1, options.threads)) + 1),
        queue_(static_cast<size_t>(std::max(2, options.threads))) {
    writer_options_.compression = options.compression;
    writer_options_.row_group_bytes = options.row_group_bytes;
  }

  // Runs the job; on success *manifest holds the manifest's text, to be
  // published last.
  Status Run(TransformSummary* summary, std::string* manifest);

 private:
  void Fail(const Status& s) {
    {
      std::lock_guard<std::mutex> lock(error_mu_);
      if (error_.ok()) error_ = s;
    }
    Abort();
  }
  void Abort() {
    abort_ = true;
    queue_.Close();
    std::lock_guard<std::mutex> lock(commit_mu_);
    commit_cv_.notify_all();
  }
  void CountReject() {
    const uint64_t n = ++rejected_;
    if (opt_.max_rejects && n > *opt_.max_rejects) {
      too_many_rejects_ = true;
      Abort();
    }
  }
  std::unique_ptr<Block> TakeBlock() {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (pool_.empty()) return std::make_unique<Block>();
    auto b = std::move(pool_.back());
    pool_.pop_back();
    return b;
  }
  void ReturnBlock(std::unique_ptr<Block> b) {
    // Blocks grown by one huge record are not kept.
    if (b->data.capacity() > 4 * opt_.block_bytes) return;
    std::lock_guard<std::mutex> lock(pool_mu_);
    pool_.push_back(std::move(b));
  }

  // Opens an input, its digest as asked, and notes what it is in `info`.
  Result<std::unique_ptr<RawInput>> OpenInput(const std::string& path, const char* kind, InputSummary* info);
  // Notes what was read of `raw`, and its fingerprints when it was read whole.
  static void NoteRead(RawInput& raw, bool whole_file, InputSummary* info);
  Status ReadSnapshot(InputSummary* info);
  void Work(TableOutputs* out);
  Status ProcessNips(InputSummary* info, TableOutputs* out);

  const TransformOptions& opt_;
  PartSinkOpener sinks_;
  RejectLog* rejects_;
  std::string rejects_name_;
  std::string run_id_;
  PartNamer namer_;
  parquet::WriterOptions writer_options_;
  BoundedQueue<std::unique_ptr<Block>> queue_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Block>> pool_;

  std::atomic<bool> abort_{false};
  std::atomic<bool> too_many_rejects_{false};
  std::mutex error_mu_;
  Status error_;

  std::atomic<uint64_t> read_{0}, accepted_{0}, rejected_{0}, duplicates_{0}, unparsed_{0};
  std::atomic<uint64_t> snapshot_read_{0}, snapshot_accepted_{0}, snapshot_rejected_{0};
  std::atomic<uint64_t> progress_bytes_{0}, progress_total_{0};
  bool progress_file_warned_ = false;

  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  uint64_t turn_ = 0;
  IdSet ids_;
};

Result<std::unique_ptr<RawInput>> Engine::OpenInput(const std::string& path, const char* kind,
                                                     InputSummary* info) {
  AF_ASSIGN_OR_RETURN(auto raw, OpenRawInput(path));
  if (opt_.input_sha256) AF_RETURN_IF_ERROR(raw->digest().EnableSha256());
  info->kind = kind;
  info->path = path;
  info->size_bytes = raw->size();
  info->etag = raw->etag();
  return raw;
}

void Engine::NoteRead(RawInput& raw, bool whole_file, InputSummary* info) {
  info->bytes_read = raw.bytes_read();
  if (!whole_file) return;
  info->crc32 = raw.digest().Crc32Hex();
  info->sha256 = raw.digest().FinishSha256();
}

Status Engine::ReadSnapshot(InputSummary* info) {
  const std::string& path = opt_.input;
  AF_ASSIGN_OR_RETURN(auto raw, OpenInput(path, "snapshot", info));
  AF_ASSIGN_OR_RETURN(std::string magic, raw->Peek(4));
  const Compression compression = DetectCompression(magic);
  info->compression = CompressionLabel(compression);
  std::unique_ptr<ByteSource> decoder = MakeDecoder(compression, raw.get(), path);

  BlockReaderOptions bo;
  bo.block_bytes = opt_.block_bytes;
  Layout layout;
  std::unique_ptr<ByteSource> prefixed;
  ByteSource* source = decoder.get();
  if (compression == Compression::kNone) {
    AF_ASSIGN_OR_RETURN(std::string head, raw->Peek(64 * 1024));
    layout = DetectLayout(head);
  } else {
    AF_ASSIGN_OR_RETURN(std::string head, ReadPrefix(decoder.get(), 64 * 1024));
    layout = DetectLayout(head);
    prefixed = std::make_unique<PrefixSource>(decoder.get(), std::move(head));
    source = prefixed.get();
  }
  info->layout = LayoutLabel(layout);

  bool whole_file = true;
  uint64_t progress_base = 0;
  progress_total_ = raw->size();
  if (opt_.shard_count > 1) {
    if (compression == Compression::kNone && layout == Layout::kJsonLines) {
      const uint64_t size = raw->size();
      bo.byte_range = true;
      bo.range_begin = size * opt_.shard_index / opt_.shard_count;
      bo.range_end = size * (opt_.shard_index + 1) / opt_.shard_count;
      if (bo.range_begin > 0) {
        // Local files: count the lines before the range, for exact line
        // numbers in rejects. Remote objects: reading the whole prefix would
        // defeat the ranged read, so lines count from the range's start
        // (byte offsets stay exact).
        if (!remote::IsS3Uri(path)) {
          AF_ASSIGN_OR_RETURN(uint64_t newlines, CountNewlines(path, bo.range_begin - 1));
          bo.first_line = newlines + 1;
        } else {
          info->line_numbers = "relative to byte " + std::to_string(bo.range_begin);
        }
        bo.stream_offset = bo.range_begin - 1;
        AF_RETURN_IF_ERROR(raw->Seek(bo.stream_offset));
      }
      raw->SetReadEnd(bo.range_end);
      whole_file = false;
      progress_base = bo.stream_offset;
      progress_total_ = bo.range_end - bo.range_begin;
    } else {
      bo.modulo = opt_.shard_count;
      bo.remainder = opt_.shard_index;
    }
  }

  BlockReader reader(source, layout, path, bo);
  for (;;) {
    if (abort_) return Status::OK();
    std::unique_ptr<Block> block = TakeBlock();
    AF_ASSIGN_OR_RETURN(bool got, reader.Next(block.get()));
    if (!got) break;
    // Input bytes as stored (compressed for .gz/.zst), so the fraction is of
    // the file; the workers report them as they finish the block.
    block->input_done = std::min<uint64_t>(raw->position() - progress_base, progress_total_);
    if (!queue_.Push(std::move(block))) return Status::OK();
  }
  NoteRead(*raw, whole_file, info);
  return Status::OK();
}

void Engine::Work(TableOutputs* out) {
  // Per span of the current block: blank, or the index of its record in the
  // batch (accepted), or rejected with a reason. Each record is parsed once,
  // into the batch; the block's ids are committed in input order, then the
  // batch is written out.
  constexpr uint32_t kBlank = UINT32_MAX, kRejected = UINT32_MAX - 1;
  RecordParser parser;
  ArxivBatch batch;
  std::vector<uint32_t> outcome, accepted_records;
  std::vector<std::string> reasons;
  ArxivColumns columns;
  uint64_t unparsed = 0;
  while (auto item = queue_.Pop()) {
    std::unique_ptr<Block> block = std::move(*item);
    if (abort_) break;
    const size_t n = block->spans.size();
    outcome.assign(n, kBlank);
    if (reasons.size() < n) reasons.resize(n);
    batch.Clear();
    auto span_text = [&](size_t i) {
      const Span& span = block->spans[i];
      return std::string_view(block->data.data() + span.offset, span.length);
    };
    for (size_t i = 0; i < n; ++i) {
      const std::string_view text = span_text(i);
      if (IsBlank(text.data(), text.size())) continue;
      reasons[i] = parser.Parse(text.data(), text.size(), &batch);
      outcome[i] = reasons[i].empty() ? static_cast<uint32_t>(batch.records.size() - 1) : kRejected;
    }
    {
      // Ids are committed block by block in input order: first wins, exactly.
      std::unique_lock<std::mutex> lock(commit_mu_);
      commit_cv_.wait(lock, [&] { return turn_ == block->sequence || abort_; });
      if (abort_) break;
      for (size_t i = 0; i < n; ++i) {
        if (outcome[i] >= kRejected) continue;
        const std::string_view id = batch.records[outcome[i]].id;
        if (!ids_.Insert(id)) {
          outcome[i] = kRejected;
          reasons[i] = "duplicate id '" + std::string(id) + "' (the first record with it was kept)";
          ++duplicates_;
        }
      }
      ++turn_;
      commit_cv_.notify_all();
    }
    // Log the rejects; write the accepted records, table by table.
    uint64_t read = 0, rejected = 0;
    accepted_records.clear();
    for (size_t i = 0; i < n && !abort_; ++i) {
      if (outcome[i] == kBlank) continue;
      ++read;
      if (outcome[i] != kRejected) {
        accepted_records.push_back(outcome[i]);
        unparsed += batch.records[outcome[i]].unparsed_dates;
        continue;
      }
      ++rejected;
      const Span& span = block->spans[i];
      Status s = rejects_->Add(opt_.input, span.line, span.byte_offset, reasons[i], span_text(i));
      if (!s.ok()) Fail(s);
      CountReject();
    }
    if (abort_) break;
    const uint64_t accepted = accepted_records.size();
    // A few hundred records at a time: their cleaned text (read column by
    // column) and the columns' open pages stay in cache.
    constexpr size_t kRecordsPerSlice = 256;
    const std::span<const uint32_t> all(accepted_records);
    for (size_t at = 0; at < all.size() && !abort_; at += kRecordsPerSlice) {
      if (Status s = out->RollPairedParts(); !s.ok()) {
        Fail(s);
        break;
      }
      BuildArxivColumns(batch, all.subspan(at, std::min(kRecordsPerSlice, all.size() - at)), &columns);
      for (size_t t = 0; t < columns.size(); ++t) {
        Status s = out->writers[t]->AppendColumns(columns[t]);
        if (!s.ok()) {
          Fail(s);
          break;
        }
        out->counts[t] += columns[t].rows;
      }
    }
    read_ += read;
    accepted_ += accepted;
    snapshot_read_ += read;
    snapshot_accepted_ += accepted;
    snapshot_rejected_ += rejected;
    // Blocks finish out of order: progress is the furthest finished block.
    uint64_t done = progress_bytes_.load();
    while (done < block->input_done && !progress_bytes_.compare_exchange_weak(done, block->input_done)) {
    }
    ReturnBlock(std::move(block));
  }
  unparsed_ += unparsed;
  Status s = out->Close();
  if (!s.ok()) Fail(s);
}

Status Engine::ProcessNips(InputSummary* info, TableOutputs* out) {
  const std::string& path = opt_.nips;
  AF_ASSIGN_OR_RETURN(auto raw, OpenInput(path, "nips", info));
  info->layout = "csv";
  AF_ASSIGN_OR_RETURN(std::string magic, raw->Peek(4));
  const Compression compression = DetectCompression(magic);
  info->compression = CompressionLabel(compression);
  std::unique_ptr<ByteSource> decoder = MakeDecoder(compression, raw.get(), path);
  CsvReader csv(decoder.get());
  CsvRecord record;
  AF_ASSIGN_OR_RETURN(bool has_header, csv.Next(&record));
  if (!has_header) return Status::InvalidArgument(path + ": empty file, expected a header row");
  NipsConverter converter;
  AF_RETURN_IF_ERROR(converter.Init(record, path));
  IdSet ids;
  NipsRecord nips;
  for (;;) {
    if (abort_) return Status::OK();
    AF_ASSIGN_OR_RETURN(bool got, csv.Next(&record));
    if (!got) break;
    ++info->read;
    ++read_;
    std::string reason = converter.Convert(record, &nips);
    if (reason.empty() && !ids.Insert(nips.id)) {
      reason = "duplicate id '" + nips.id + "' (the first record with it was kept)";
      ++duplicates_;
    }
    if (reason.empty()) {
      AF_RETURN_IF_ERROR(out->RollPairedParts());
      AF_RETURN_IF_ERROR(EmitNips(nips, out->set, &out->counts));
      ++info->accepted;
      ++accepted_;
    } else {
      ++info->rejected;
      AF_RETURN_IF_ERROR(rejects_->Add(path, record.line, record.byte_offset, reason, record.raw,
                                       record.raw_truncated));
      CountReject();
    }
  }
  NoteRead(*raw, /*whole_file=*/true, info);
  return out->Close();
}

std::string IsoNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status WriteFileSynced(const std::string& path, const std::string& text) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) return Status::IOError(path + ": write failed");
  }
  return SyncPath(path);
}

Status Engine::Run(TransformSummary* summary, std::string* manifest) {
  const auto t0 = Clock::now();
  const int threads = std::max(1, opt_.threads);
  InputSummary snapshot_info, nips_info;

  std::vector<std::unique_ptr<TableOutputs>> outputs;
  for (int i = 0; i < threads + 1; ++i) {
    outputs.push_back(std::make_unique<TableOutputs>(sinks_, &namer_, static_cast<uint64_t>(i), writer_options_,
                                                     opt_.uncompressed_columns, opt_.rows_per_part));
  }
  std::thread reader([&] {
    Status s = ReadSnapshot(&snapshot_info);
    if (!s.ok()) Fail(s);
    queue_.Close();
  });
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([this, out = outputs[static_cast<size_t>(i)].get()] { Work(out); });
  }
  // NIPS is small: one thread, and only in shard 0 so shards never repeat it.
  const bool with_nips = !opt_.nips.empty() && opt_.shard_index == 0;
  std::thread nips_thread;
  if (with_nips) {
    nips_thread = std::thread([&] {
      Status s = ProcessNips(&nips_info, outputs.back().get());
      if (!s.ok()) Fail(s);
    });
  }
  {
    std::atomic<bool> done{false};
    std::thread waiter([&] {
      reader.join();
      for (auto& w : workers) w.join();
      if (nips_thread.joinable()) nips_thread.join();
      done = true;
    });
    ProgressReporter reporter(opt_.progress);
    auto snapshot = [&](bool finished) {
      TransformProgress p;
      p.bytes_done = progress_bytes_;
      p.bytes_total = progress_total_;
      p.records_done = read_;
      p.records_rejected = rejected_;
      p.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      p.finished = finished;
      return p;
    };
    auto publish_progress = [&](const TransformProgress& p) {
      if (opt_.progress_callback) opt_.progress_callback(p);
      if (!opt_.progress_file.empty()) {
        Status s = WriteProgressFile(opt_.progress_file, p);
        if (!s.ok() && !progress_file_warned_) {
          progress_file_warned_ = true;  // progress is advisory: the run goes on
          spdlog::warn("transform: cannot write the progress file: {}", s.message());
        }
      }
    };
    auto last_report = Clock::now(), last_hook = last_report;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      const auto now = Clock::now();
      const bool report = now - last_report >= reporter.interval();
      const bool hook = now - last_hook >= opt_.progress_interval;
      if (!report && !hook) continue;
      const TransformProgress p = snapshot(false);
      if (report) {
        last_report = now;
        reporter.Update(p);
      }
      if (hook) {
        last_hook = now;
        publish_progress(p);
      }
    }
    waiter.join();
    const TransformProgress last = snapshot(true);
    reporter.Finish(last);
    publish_progress(last);
  }
  const auto t_process = Clock::now();
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    if (!error_.ok()) return error_;
  }
  if (too_many_rejects_) {
    return Status::Aborted(std::to_string(rejected_.load()) +
                           " rejected records exceed --max-rejects " +
                           std::to_string(*opt_.max_rejects));
  }
  if (opt_.max_rejects_percent && read_ > 0 &&
      100.0 * static_cast<double>(rejected_) / static_cast<double>(read_) >
          *opt_.max_rejects_percent) {
    return Status::Aborted(std::to_string(rejected_.load()) + " of " + std::to_string(read_.load()) +
                           " records rejected, more than --max-rejects " +
                           std::to_string(*opt_.max_rejects_percent) + "%");
  }

  // Gather parts; give tables without rows one empty part (schema for readers).
  summary->parts.clear();
  summary->rows.fill(0);
  for (auto& out : outputs) {
    for (auto& w : out->writers) {
      for (const PartFile& p : w->parts()) summary->parts.push_back(p);
    }
    for (int t = 0; t < schema::kTableCount; ++t) summary->rows[t] += out->counts[t];
  }
  for (int t = 0; t < schema::kTableCount; ++t) {
    const std::string& name = schema::Table(static_cast<TableId>(t)).name;
    bool any = false;
    for (const PartFile& p : summary->parts) any |= p.table == name;
    if (any) continue;
    PartWriter empty(sinks_, static_cast<TableId>(t), &namer_, 0,
                     TableWriterOptions(static_cast<TableId>(t), writer_options_, opt_.uncompressed_columns), 1);
    AF_RETURN_IF_ERROR(empty.WriteEmptyPart());
    for (const PartFile& p : empty.parts()) summary->parts.push_back(p);
  }
  std::sort(summary->parts.begin(), summary->parts.end(),
            [](const PartFile& a, const PartFile& b) { return a.path < b.path; });

  snapshot_info.read = snapshot_read_;
  snapshot_info.accepted = snapshot_accepted_;
  snapshot_info.rejected = snapshot_rejected_;
  summary->inputs = {snapshot_info};
  if (with_nips) summary->inputs.push_back(nips_info);
  summary->read = read_;
  summary->accepted = accepted_;
  summary->rejected = rejected_;
  summary->duplicates = duplicates_;
  summary->unparsed_values = unparsed_;
  if (summary->accepted + summary->rejected != summary->read) {
    return Status::Internal("record accounting mismatch: " + std::to_string(summary->accepted) +
                            " accepted + " + std::to_string(summary->rejected) +
                            " rejected != " + std::to_string(summary->read) + " read");
  }
  AF_RETURN_IF_ERROR(rejects_->Close());

  using nlohmann::ordered_json;
  schema::AreaManifest m;
  m.program = "arxivflow transform";
  m.version = ARXIVFLOW_VERSION;
  m.created_at = IsoNow();
  m.run_id = run_id_;
  ordered_json o;
  o["input"] = opt_.input;
  o["nips"] = opt_.nips.empty() ? ordered_json(nullptr) : ordered_json(opt_.nips);
  o["output"] = opt_.output;
  o["threads"] = threads;
  {
    std::string codec = parquet::CompressionName(opt_.compression);
    for (char& c : codec) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    o["compression"] = codec;
  }
  if (!opt_.uncompressed_columns.empty()) o["uncompressed_columns"] = opt_.uncompressed_columns;
  if (opt_.input_sha256) o["input_sha256"] = true;
  o["shard"] = std::to_string(opt_.shard_index) + "/" + std::to_string(opt_.shard_count);
  if (opt_.max_rejects) o["max_rejects"] = *opt_.max_rejects;
  if (opt_.max_rejects_percent) o["max_rejects_percent"] = *opt_.max_rejects_percent;
  o["block_bytes"] = opt_.block_bytes;
  o["rows_per_part"] = opt_.rows_per_part;
  m.options = o;
  m.inputs.emplace();
  for (const InputSummary& in : summary->inputs) {
    m.inputs->push_back({in.kind, in.path, in.size_bytes, in.etag, in.bytes_read, in.crc32, in.sha256, in.compression,
                         in.layout, in.read, in.accepted, in.rejected, in.line_numbers});
  }
  m.records = schema::ManifestRecords{summary->read, summary->accepted, summary->rejected, summary->duplicates};
  m.unparsed_values = summary->unparsed_values;
  m.truncations = 0;
  m.rejects_file = rejects_name_;
  for (int t = 0; t < schema::kTableCount; ++t) {
    const std::string& name = schema::Table(static_cast<TableId>(t)).name;
    schema::ManifestTable& table = m.tables[name];
    table.rows = static_cast<int64_t>(summary->rows[t]);
    table.parts.emplace();
    uint64_t bytes = 0;
    for (const PartFile& p : summary->parts) {
      if (p.table != name) continue;
      table.parts->push_back({p.path, static_cast<int64_t>(p.rows), p.bytes});
      bytes += p.bytes;
    }
    table.bytes = bytes;
  }
  const auto t_final = Clock::now();
  auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  m.timings_ms = {{"process", ms(t_process - t0)},
                  {"finalize", ms(t_final - t_process)},
                  {"total_before_publish", ms(t_final - t0)}};
  summary->seconds = std::chrono::duration<double>(t_final - t0).count();
  *manifest = m.ToJson();
  return Status::OK();
}

// s3://bucket/prefix output: see object_publish.h for the protocol.
Status RunTransformToStore(const TransformOptions& options, TransformSummary* summary) {
  AF_ASSIGN_OR_RETURN(std::unique_ptr<remote::ObjectStore> opened, remote::OpenObjectStore(options.output));
  std::shared_ptr<const remote::ObjectStore> store = std::move(opened);
  // Fails fast on a missing bucket, wrong credentials or an unreachable
  // endpoint, before any input is read.
  {
    auto probe = store->List("_manifest.json");
    if (!probe.ok()) return probe.status().WithContext("output " + options.output);
  }
  const std::string run_id = NewRunId();
  const char* tmp_env = std::getenv("TMPDIR");
  std::string temp = std::string(tmp_env && *tmp_env ? tmp_env : "/tmp") + "/arxivflow-transform-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) {
    return Status::IOError(temp + ": cannot create a temporary folder: " + std::strerror(errno));
  }
  const std::string rejects_name = "_rejects-" + run_id + ".jsonl";
  Status s;
  {
    auto rejects = RejectLog::Open(temp + "/_rejects.jsonl");
    if (!rejects.ok()) {
      s = rejects.status();
    } else {
      PartSinkOpener sinks = [store](const std::string& path) -> Result<std::unique_ptr<parquet::OutputSink>> {
        AF_ASSIGN_OR_RETURN(auto writer, store->OpenWriter(path));
        return remote::MakeObjectOutputSink(std::move(writer));
      };
      Engine engine(options, std::move(sinks), rejects->get(), run_id, rejects_name);
      std::string manifest;
      s = engine.Run(summary, &manifest);
      if (s.ok()) s = UploadFile(*store, temp + "/_rejects.jsonl", rejects_name);
      if (s.ok()) s = PutText(*store, "_manifest.json", manifest);  // the commit point
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(temp, ec);
  if (!s.ok()) {
    DiscardRun(*store, run_id);
    return s.WithContext("output " + options.output + " (nothing published; the previous manifest is kept)");
  }
  std::set<std::string> keep = {rejects_name};
  for (const PartFile& p : summary->parts) keep.insert(p.path);
  size_t removed = 0;
  Status cleanup = RemoveUnlisted(*store, keep, &removed);
  if (!cleanup.ok()) {
    spdlog::warn("published {}, but removing objects of earlier runs failed (they are not listed by the "
                 "manifest, so readers ignore them): {}", store->Uri("_manifest.json"), cleanup.message());
  } else if (removed > 0) {
    spdlog::info("removed {} object(s) of earlier runs under {}", removed, options.output);
  }
  return Status::OK();
}

}  // namespace

Status RunTransform(const TransformOptions& in_options, TransformSummary* summary) {
  TransformOptions options = in_options;
  if (options.threads <= 0) {
    options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  if (options.input.empty()) return Status::InvalidArgument("no input snapshot given");
  for (const std::string& name : options.uncompressed_columns) AF_RETURN_IF_ERROR(CheckTableColumn(name));
  if (options.output.empty()) return Status::InvalidArgument("no output folder given");
  if (remote::IsS3Uri(options.output)) return RunTransformToStore(options, summary);
  AF_ASSIGN_OR_RETURN(std::string staging, PrepareStaging(options.output));
  std::error_code ec;
  for (const auto& t : schema::StarSchema()) {
    if (!std::filesystem::create_directory(staging + "/" + t.name, ec) || ec) {
      DiscardStaging(staging);
      return Status::IOError(staging + "/" + t.name + ": cannot create: " + ec.message());
    }
  }
  auto rejects = RejectLog::Open(staging + "/_rejects.jsonl");
  if (!rejects.ok()) {
    DiscardStaging(staging);
    return rejects.status();
  }
  Status s;
  {
    Engine engine(options, LocalPartSinks(staging), rejects->get(), "", "_rejects.jsonl");
    std::string manifest;
    s = engine.Run(summary, &manifest);
    if (s.ok()) s = WriteFileSynced(staging + "/_manifest.json", manifest);
  }
  if (s.ok()) s = Publish(staging, options.output);
  if (!s.ok()) DiscardStaging(staging);
  return s;
}

}  // namespace arxivflow::transform
