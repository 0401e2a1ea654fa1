#include "transform/csv_reader.h"

#include <cstring>

namespace arxivflow::transform {

Result<int> CsvReader::Peek() {
  if (pos_ == len_) {
    if (eof_) return -1;
    if (len_ == buf_.size()) {
      pos_ = len_ = 0;
    }
    AF_ASSIGN_OR_RETURN(size_t k, source_->Read(buf_.data() + len_, buf_.size() - len_));
    if (k == 0) {
      eof_ = true;
      return -1;
    }
    len_ += k;
  }
  return static_cast<unsigned char>(buf_[pos_]);
}

Result<int> CsvReader::Get() {
  AF_ASSIGN_OR_RETURN(int c, Peek());
  if (c < 0) return c;
  ++pos_;
  ++offset_;
  if (c == '\n') ++line_;
  if (capture_ != nullptr) {
    if (capture_->raw.size() < kRawCap) {
      capture_->raw.push_back(static_cast<char>(c));
    } else {
      capture_->raw_truncated = true;
    }
  }
  return c;
}

Status CsvReader::DetectDelimiter() {
  // Fill the buffer with the first chunk and count outside quotes on line 1.
  AF_ASSIGN_OR_RETURN(int c0, Peek());
  (void)c0;
  while (!eof_ && len_ < buf_.size() && std::memchr(buf_.data(), '\n', len_) == nullptr) {
    AF_ASSIGN_OR_RETURN(size_t k, source_->Read(buf_.data() + len_, buf_.size() - len_));
    if (k == 0) eof_ = true;
    len_ += k;
  }
  size_t i = 0;
  if (len_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) {
    pos_ = 3;
    offset_ = 3;
    i = 3;
  }
  size_t commas = 0, pipes = 0;
  bool quoted = false;
  for (; i < len_ && (quoted || buf_[i] != '\n'); ++i) {
    if (buf_[i] == '"') quoted = !quoted;
    if (!quoted) {
      commas += buf_[i] == ',';
      pipes += buf_[i] == '|';
    }
  }
  delimiter_ = pipes > commas ? '|' : ',';
  return Status::OK();
}

Result<bool> CsvReader::Next(CsvRecord* r) {
  if (!started_) {
    started_ = true;
    AF_RETURN_IF_ERROR(DetectDelimiter());
  }
  for (;;) {
    AF_ASSIGN_OR_RETURN(bool got, ReadRecord(r));
    if (!got) return false;
    // A blank line (LF or CRLF alone) is not a record.
    if (r->fields.size() == 1 && r->fields[0].empty() && r->error.empty()) continue;
    return true;
  }
}

Result<bool> CsvReader::ReadRecord(CsvRecord* r) {
  r->fields.clear();
  r->raw.clear();
  r->raw_truncated = false;
  r->error.clear();
  AF_ASSIGN_OR_RETURN(int first, Peek());
  if (first < 0) return false;
  r->line = line_;
  r->byte_offset = offset_;
  r->fields.emplace_back();
  capture_ = r;
  struct Uncapture {
    CsvReader* self;
    ~Uncapture() { self->capture_ = nullptr; }
  } uncapture{this};

  bool field_start = true;
  for (;;) {
    std::string& field = r->fields.back();
    AF_ASSIGN_OR_RETURN(int c, Get());
    if (c < 0) return true;
    if (field_start && c == '"') {
      field_start = false;
      // Quoted field.
      for (;;) {
        AF_ASSIGN_OR_RETURN(int q, Get());
        if (q < 0) {
          if (r->error.empty()) r->error = "unterminated quoted field";
          return true;
        }
        if (q != '"') {
          field.push_back(static_cast<char>(q));
          continue;
        }
        AF_ASSIGN_OR_RETURN(int after, Peek());
        if (after == '"') {
          AF_RETURN_IF_ERROR(Get().status());
          field.push_back('"');
          continue;
        }
        break;  // closing quote
      }
      // After the closing quote: a delimiter, a line end or the end.
      AF_ASSIGN_OR_RETURN(int after, Peek());
      if (after < 0 || after == delimiter_ || after == '\n' || after == '\r') continue;
      if (r->error.empty()) r->error = "text after a closing quote";
      continue;  // keep reading the rest as unquoted text
    }
    field_start = false;
    if (c == delimiter_) {
      r->fields.emplace_back();
      field_start = true;
      continue;
    }
    if (c == '\n') {
      if (!r->raw.empty() && r->raw.back() == '\n') r->raw.pop_back();
      if (!r->raw.empty() && r->raw.back() == '\r') r->raw.pop_back();
      return true;
    }
    if (c == '\r') {
      AF_ASSIGN_OR_RETURN(int d, Peek());
      if (d == '\n') continue;  // CRLF: the LF ends the record
    }
    field.push_back(static_cast<char>(c));
  }
}

}  // namespace arxivflow::transform
