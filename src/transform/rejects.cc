#include "transform/rejects.h"

#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace arxivflow::transform {

void AppendJsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::string Base64(std::string_view in) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::unique_ptr<RejectLog>> RejectLog::Open(const std::string& path) {
  std::unique_ptr<RejectLog> log(new RejectLog());
  log->path_ = path;
  log->f_ = std::fopen(path.c_str(), "wbe");
  if (log->f_ == nullptr) return Status::IOError(path + ": cannot create: " + std::strerror(errno));
  return log;
}

RejectLog::~RejectLog() {
  if (f_ != nullptr) std::fclose(f_);
}

Status RejectLog::Add(std::string_view file, uint64_t line, uint64_t offset,
                      std::string_view reason, std::string_view raw, bool already_truncated) {
  bool truncated = already_truncated;
  if (raw.size() > kRejectRawCap) {
    size_t cut = kRejectRawCap;
    // Do not split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
    raw = raw.substr(0, cut);
    truncated = true;
  }
  std::lock_guard<std::mutex> lock(mu_);
  line_.clear();
  line_.append("{\"file\":");
  AppendJsonString(file, &line_);
  line_.append(",\"line\":").append(std::to_string(line));
  line_.append(",\"offset\":").append(std::to_string(offset));
  line_.append(",\"reason\":");
  // Reasons may quote input bytes; keep the log valid JSON regardless.
  if (simdjson::validate_utf8(reason.data(), reason.size())) {
    AppendJsonString(reason, &line_);
  } else {
    AppendJsonString("(reason not valid UTF-8)", &line_);
  }
  if (simdjson::validate_utf8(raw.data(), raw.size())) {
    line_.append(",\"raw\":");
    AppendJsonString(raw, &line_);
  } else {
    line_.append(",\"raw_base64\":\"").append(Base64(raw)).append("\"");
  }
  line_.append(",\"truncated\":").append(truncated ? "true" : "false").append("}\n");
  if (std::fwrite(line_.data(), 1, line_.size(), f_) != line_.size()) {
    return Status::IOError(path_ + ": write failed: " + std::strerror(errno));
  }
  return Status::OK();
}

Status RejectLog::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (f_ == nullptr) return Status::OK();
  const bool ok = std::fflush(f_) == 0 && ::fsync(::fileno(f_)) == 0;
  const int err = errno;
  std::fclose(f_);
  f_ = nullptr;
  if (!ok) return Status::IOError(path_ + ": flush failed: " + std::strerror(err));
  return Status::OK();
}

}  // namespace arxivflow::transform
