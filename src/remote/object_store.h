// ObjectStore: one interface over a local folder and an S3 prefix, so the
// transform and the warehouse take "s3://bucket/lake" or "/data/lake" alike.
//
// Contract:
// - Paths are relative to the store's root, '/'-separated, never starting
//   with '/' and never containing "." or ".." segments (InvalidArgument).
// - Writers publish atomically: nothing is visible at `path` until Commit()
//   returns OK (local: a temporary file in the same folder, fsync, rename;
//   S3: a single PUT for small objects, else a multipart upload completed on
//   Commit). Abort() — or destroying an uncommitted writer — discards
//   everything (local: unlinks the temp file; S3: AbortMultipartUpload), so a
//   failed run never leaves a partial object.
// - Writers buffer at most one part (S3: part_size bytes; local: the OS page
//   cache): memory does not grow with the object size.
// - ObjectStore methods are thread-safe; an ObjectWriter is not (one writer
//   per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "remote/http_client.h"

namespace arxivflow::remote {

class S3Client;

struct ObjectEntry {
  std::string path;  // relative to the store root
  uint64_t size = 0;
};

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Publishes the object. Exactly once; after a failure the writer is aborted.
  virtual Status Commit() = 0;
  // Discards the object. Safe to call more than once and after a failed Commit.
  virtual void Abort() = 0;
  virtual uint64_t BytesWritten() const = 0;
  virtual const std::string& uri() const = 0;  // for messages
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Every object under `prefix` (a path prefix, "" for all), sorted by path.
  virtual Result<std::vector<ObjectEntry>> List(std::string_view prefix) const = 0;
  // NotFound when missing.
  virtual Result<uint64_t> Size(std::string_view path) const = 0;
  // Reads exactly `length` bytes at `offset` into *out (replacing it).
  virtual Status ReadRange(std::string_view path, uint64_t offset, uint64_t length, std::string* out) const = 0;
  // Streams the whole object into `on_data`.
  virtual Status Read(std::string_view path, const BodyCallback& on_data) const = 0;
  virtual Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view path) const = 0;
  // Deleting a missing object succeeds.
  virtual Status Delete(std::string_view path) const = 0;

  // "s3://bucket/prefix/path" or "/root/path".
  virtual std::string Uri(std::string_view path) const = 0;
};

// A folder on the local file system (created on first write).
std::unique_ptr<ObjectStore> MakeLocalObjectStore(std::string root);

// `prefix` is a key prefix inside `bucket` ("" or "lake"; no trailing '/').
// The client is shared (thread-safe).
std::unique_ptr<ObjectStore> MakeS3ObjectStore(std::shared_ptr<const S3Client> client, std::string bucket,
                                               std::string prefix, uint64_t part_size = 8u << 20);

// "s3://bucket/prefix" -> S3 store (client options from the environment);
// anything else -> local folder.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view location);

// Validates a store-relative path (see the contract above).
Status ValidateObjectPath(std::string_view path);

// Joins path segments with '/'.
std::string JoinObjectPath(std::string_view a, std::string_view b);

}  // namespace arxivflow::remote
