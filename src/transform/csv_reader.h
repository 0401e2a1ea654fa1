// CsvReader: streaming RFC 4180 reader for the NIPS papers table.
//
// Contract:
// - The delimiter (',' or '|') is detected from the header line: the one
//   that occurs more often outside quotes. A UTF-8 BOM is skipped; records
//   end at LF or CRLF outside quotes; quoted fields may span lines and use
//   "" for a quote. Blank lines are skipped.
// - Malformed records do not stop the stream: Next() returns the record
//   with `error` set ("unterminated quoted field", "text after a closing
//   quote") and resumes at the next record boundary.
// - Record::raw keeps the record's first 64 KiB as read (for rejects).
// - Memory is bounded by the largest record. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "transform/input.h"

namespace arxivflow::transform {

struct CsvRecord {
  std::vector<std::string> fields;
  uint64_t line = 0;         // 1-based line of the first byte
  uint64_t byte_offset = 0;  // of the first byte
  std::string raw;           // first kRawCap bytes of the record text
  bool raw_truncated = false;
  std::string error;         // empty when well-formed
};

class CsvReader {
 public:
  static constexpr size_t kRawCap = 64 * 1024;
  explicit CsvReader(ByteSource* source) : source_(source) {}
  // The first call reads the header and detects the delimiter.
  Result<bool> Next(CsvRecord* record);
  char delimiter() const { return delimiter_; }

 private:
  Result<int> Get();  // next byte or -1 at end
  Result<int> Peek();
  Status DetectDelimiter();
  Result<bool> ReadRecord(CsvRecord* record);

  ByteSource* source_;
  std::vector<char> buf_ = std::vector<char>(1 << 20);
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  bool started_ = false;
  char delimiter_ = ',';
  uint64_t offset_ = 0;  // stream offset of the next byte
  uint64_t line_ = 1;    // line of the next byte
  CsvRecord* capture_ = nullptr;
};

}  // namespace arxivflow::transform
