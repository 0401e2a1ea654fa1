// OutputSink: where a Parquet writer's bytes go.
//
// Contract: Append() writes bytes in order; Close() makes them durable (for a
// file: flush + fsync + close; a file's writes are handed to the disk every
// 8 MiB as they go, so the fsync waits only for the last ones) and must be
// called exactly once; a sink dropped without Close() discards or leaves
// partial output, which is why publishers write into a temporary location
// first. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::parquet {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual Status Append(std::string_view bytes) = 0;
  virtual Status Close() = 0;
  virtual uint64_t BytesWritten() const = 0;
  virtual const std::string& name() const = 0;  // for error messages
};

// Creates or truncates `path`.
Result<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& path);

// Collects bytes in memory (tests, small files). `*out` must outlive the sink.
std::unique_ptr<OutputSink> MakeStringSink(std::string* out, std::string name = "<memory>");

}  // namespace arxivflow::parquet
