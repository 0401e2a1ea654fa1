#include "remote/parquet_object_io.h"

namespace arxivflow::remote {
namespace {

class ObjectOutputSink : public parquet::OutputSink {
 public:
  explicit ObjectOutputSink(std::unique_ptr<ObjectWriter> writer) : writer_(std::move(writer)) {}

  Status Append(std::string_view bytes) override {
    if (closed_) return Status::Aborted(writer_->uri() + ": append after close");
    return writer_->Append(bytes);
  }
  Status Close() override {
    if (closed_) return Status::Aborted(writer_->uri() + ": closed twice");
    closed_ = true;
    return writer_->Commit();
  }
  uint64_t BytesWritten() const override { return writer_->BytesWritten(); }
  const std::string& name() const override { return writer_->uri(); }

 private:
  std::unique_ptr<ObjectWriter> writer_;  // aborts on destruction unless committed
  bool closed_ = false;
};

class ObjectInputFile : public parquet::InputFile {
 public:
  ObjectInputFile(std::shared_ptr<const ObjectStore> store, std::string path, uint64_t size)
      : store_(std::move(store)), path_(std::move(path)), name_(store_->Uri(path_)), size_(size) {}

  uint64_t Size() const override { return size_; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > size_ || length > size_ - offset) {
      return Status::InvalidArgument(name_ + ": read of " + std::to_string(length) + " bytes at offset " +
                                     std::to_string(offset) + " is past the end (" + std::to_string(size_) + " bytes)");
    }
    if (length == 0) {
      out->clear();
      return Status::OK();
    }
    return store_->ReadRange(path_, offset, length, out);
  }
  const std::string& name() const override { return name_; }

 private:
  std::shared_ptr<const ObjectStore> store_;
  std::string path_, name_;
  uint64_t size_;
};

}  // namespace

std::unique_ptr<parquet::OutputSink> MakeObjectOutputSink(std::unique_ptr<ObjectWriter> writer) {
  return std::make_unique<ObjectOutputSink>(std::move(writer));
}

Result<std::unique_ptr<parquet::InputFile>> OpenObjectInputFile(std::shared_ptr<const ObjectStore> store,
                                                                 const std::string& path) {
  AF_ASSIGN_OR_RETURN(uint64_t size, store->Size(path));
  return std::unique_ptr<parquet::InputFile>(new ObjectInputFile(std::move(store), path, size));
}

}  // namespace arxivflow::remote
