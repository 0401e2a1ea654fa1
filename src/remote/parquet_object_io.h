// Adapters between the Parquet API and ObjectStore: a Parquet writer can
// write straight to s3:// (or a local folder with atomic rename), and a
// Parquet reader can read an object with ranged GETs.
//
// Contract:
// - ObjectOutputSink: Append() streams into an ObjectWriter (S3: multipart
//   parts as they fill); Close() commits (publishes) the object. A sink
//   destroyed without Close(), or whose Append failed, publishes nothing.
// - ObjectInputFile: Size() is fetched once at open (HEAD / stat); ReadAt()
//   is one ranged read per call (the Parquet reader reads the footer, then one
//   column chunk at a time, so memory stays bounded). The store must outlive
//   the file (held by shared_ptr).
// - Neither is thread-safe (one per thread), as their Parquet interfaces.
#pragma once

#include <memory>
#include <string>

#include "parquet/output_sink.h"
#include "parquet/reader.h"
#include "remote/object_store.h"

namespace arxivflow::remote {

std::unique_ptr<parquet::OutputSink> MakeObjectOutputSink(std::unique_ptr<ObjectWriter> writer);

// Opens `path` in `store` for the Parquet reader. NotFound when missing.
Result<std::unique_ptr<parquet::InputFile>> OpenObjectInputFile(std::shared_ptr<const ObjectStore> store,
                                                                 const std::string& path);

}  // namespace arxivflow::remote
