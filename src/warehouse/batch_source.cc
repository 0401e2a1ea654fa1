#include "warehouse/batch_source.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "remote/object_store.h"
#include "remote/parquet_object_io.h"
#include "remote/s3_client.h"
#include "remote/s3_uri.h"

namespace arxivflow::warehouse {

Result<std::unique_ptr<parquet::InputFile>> OpenParquetInput(const std::string& path) {
  if (!remote::IsS3Uri(path)) return parquet::OpenLocalFile(path);
  AF_ASSIGN_OR_RETURN(remote::S3Uri uri, remote::ParseS3Uri(path));
  AF_ASSIGN_OR_RETURN(remote::S3ClientOptions options, remote::S3ClientOptionsFromEnvironment());
  std::shared_ptr<const remote::ObjectStore> store =
      remote::MakeS3ObjectStore(std::make_shared<const remote::S3Client>(std::move(options)), uri.bucket, "");
  return remote::OpenObjectInputFile(std::move(store), uri.key);
}

namespace {

bool Compatible(const parquet::ColumnSchema& want, const parquet::ColumnSchema& got) {
  if (want.physical != got.physical) return false;
  // Writers differ in whether they annotate plain strings; accept an
  // unannotated BYTE_ARRAY for a STRING column and INT32 for INT(16).
  if (want.logical == got.logical) return true;
  if (got.logical == parquet::LogicalType::kNone &&
      (want.logical == parquet::LogicalType::kString || want.logical == parquet::LogicalType::kInt16)) {
    return true;
  }
  return false;
}

class ParquetBatchSource : public BatchSource {
 public:
  ParquetBatchSource(const schema::TableDef& table, std::vector<std::string> files)
      : table_(table), files_(std::move(files)) {}

  Result<bool> Next(Batch* batch) override {
    while (true) {
      if (reader_ && row_group_ < static_cast<int>(reader_->metadata().row_groups.size())) {
        const int rg = row_group_++;
        batch->rows = reader_->metadata().row_groups[static_cast<size_t>(rg)].num_rows;
        batch->origin = files_[file_index_ - 1] + " row group " + std::to_string(rg);
        batch->columns.resize(table_.schema.columns.size());
        for (size_t c = 0; c < mapping_.size(); ++c) {
          auto column = reader_->ReadColumn(rg, mapping_[c]);
          if (!column.ok()) return column.status().WithContext(batch->origin);
          batch->columns[c] = std::move(column).value();
          if (batch->columns[c].size != batch->rows) {
            return Status::Corruption(batch->origin + ": column " + table_.schema.columns[c].name + " has " +
                                      std::to_string(batch->columns[c].size) + " values for " +
                                      std::to_string(batch->rows) + " rows");
          }
        }
        if (batch->rows == 0) continue;
        return true;
      }
      if (file_index_ >= files_.size()) return false;
      AF_RETURN_IF_ERROR(OpenFile(files_[file_index_++]));
    }
  }

 private:
  Status OpenFile(const std::string& path) {
    reader_.reset();
    AF_ASSIGN_OR_RETURN(auto file, OpenParquetInput(path));
    AF_ASSIGN_OR_RETURN(reader_, parquet::Reader::Open(std::move(file)));
    const auto& got = reader_->metadata().schema;
    mapping_.clear();
    for (const auto& want : table_.schema.columns) {
      const int index = got.FindColumn(want.name);
      if (index < 0) {
        return Status::InvalidArgument(path + ": has no column '" + want.name + "' required by table " +
                                       table_.name);
      }
      const auto& have = got.columns[static_cast<size_t>(index)];
      if (!Compatible(want, have)) {
        return Status::InvalidArgument(path + ": column '" + want.name + "' is " +
                                       parquet::PhysicalTypeName(have.physical) + " " +
                                       parquet::LogicalTypeName(have.logical) + ", table " + table_.name +
                                       " expects " + parquet::PhysicalTypeName(want.physical) + " " +
                                       parquet::LogicalTypeName(want.logical));
      }
      mapping_.push_back(index);
    }
    row_group_ = 0;
    return Status::OK();
  }

  const schema::TableDef& table_;
  std::vector<std::string> files_;
  size_t file_index_ = 0;
  std::unique_ptr<parquet::Reader> reader_;
  std::vector<int> mapping_;
  int row_group_ = 0;
};

class MemoryBatchSource : public BatchSource {
 public:
  explicit MemoryBatchSource(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  Result<bool> Next(Batch* batch) override {
    if (next_ >= batches_.size()) return false;
    *batch = std::move(batches_[next_++]);
    return true;
  }

 private:
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

class PrefetchingBatchSource : public BatchSource {
 public:
  PrefetchingBatchSource(BatchSource* source, int depth)
      : source_(source), depth_(static_cast<size_t>(depth < 1 ? 1 : depth)), thread_([this] { Produce(); }) {}

  ~PrefetchingBatchSource() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  Result<bool> Next(Batch* batch) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (!status_.ok()) return status_;
      return false;
    }
    *batch = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return true;
  }

 private:
  void Produce() {
    Status status;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return queue_.size() < depth_ || stop_; });
        if (stop_) break;
      }
      Batch batch;
      auto more = source_->Next(&batch);
      if (!more.ok()) {
        status = more.status();
        break;
      }
      if (!*more) break;
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(batch));
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    status_ = std::move(status);
    done_ = true;
    cv_.notify_all();
  }

  BatchSource* source_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool done_ = false;
  bool stop_ = false;
  Status status_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace

std::unique_ptr<BatchSource> MakePrefetchingBatchSource(BatchSource* source, int depth) {
  return std::make_unique<PrefetchingBatchSource>(source, depth);
}

std::unique_ptr<BatchSource> MakeParquetBatchSource(const schema::TableDef& table, std::vector<std::string> files) {
  return std::make_unique<ParquetBatchSource>(table, std::move(files));
}

Result<const Batch*> PeekedBatchSource::Peek() {
  if (!peeked_) {
    AF_ASSIGN_OR_RETURN(has_first_, source_->Next(&first_));
    peeked_ = true;
  }
  return has_first_ ? &first_ : nullptr;
}

Result<bool> PeekedBatchSource::Next(Batch* batch) {
  if (!peeked_) {
    peeked_ = true;
    return source_->Next(batch);
  }
  if (has_first_) {
    has_first_ = false;
    *batch = std::move(first_);
    return true;
  }
  return source_->Next(batch);
}

double BatchBytesPerRow(const Batch& batch) {
  if (batch.rows <= 0) return 0;
  uint64_t bytes = 0;
  for (const auto& column : batch.columns) {
    if (column.physical == parquet::PhysicalType::kByteArray ||
        column.physical == parquet::PhysicalType::kFixedLenByteArray) {
      for (const auto& value : column.strings) bytes += value.size();
    } else {
      bytes += 8 * static_cast<uint64_t>(column.size);
    }
  }
  return static_cast<double>(bytes) / static_cast<double>(batch.rows);
}

std::unique_ptr<BatchSource> MakeMemoryBatchSource(std::vector<Batch> batches) {
  return std::make_unique<MemoryBatchSource>(std::move(batches));
}

}  // namespace arxivflow::warehouse
