#include "parquet/codec.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace arxivflow::parquet {

namespace {

class SnappyCompressor final : public Compressor {
 public:
  Status Compress(std::string_view in, ByteBuffer* out) override {
    out->Resize(snappy::MaxCompressedLength(in.size()));
    size_t n = 0;
    snappy::RawCompress(in.data(), in.size(), out->data(), &n);
    out->Resize(n);
    return Status::OK();
  }
};

class SnappyDecompressor final : public Decompressor {
 public:
  Status Decompress(std::string_view in, size_t size, std::string* out) override {
    size_t n = 0;
    if (!snappy::GetUncompressedLength(in.data(), in.size(), &n)) return Status::Corruption("invalid snappy data");
    if (n != size) return Status::Corruption("snappy data decodes to " + std::to_string(n) + " bytes, page header says " + std::to_string(size));
    out->resize(size);
    if (!snappy::RawUncompress(in.data(), in.size(), out->data())) return Status::Corruption("invalid snappy data");
    return Status::OK();
  }
};

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(int level) : ctx_(ZSTD_createCCtx()), level_(level == 0 ? 3 : level) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }
  Status Compress(std::string_view in, ByteBuffer* out) override {
    out->Resize(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compressCCtx(ctx_, out->data(), out->size(), in.data(), in.size(), level_);
    if (ZSTD_isError(n)) return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
    out->Resize(n);
    return Status::OK();
  }

 private:
  ZSTD_CCtx* ctx_;
  int level_;
};

class ZstdDecompressor final : public Decompressor {
 public:
  ZstdDecompressor() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(ctx_); }
  Status Decompress(std::string_view in, size_t size, std::string* out) override {
    out->resize(size);
    // Decodes every frame of `in`; fails instead of writing past `size`.
    size_t n = ZSTD_decompressDCtx(ctx_, out->data(), size, in.data(), in.size());
    if (ZSTD_isError(n)) return Status::Corruption(std::string("invalid zstd data: ") + ZSTD_getErrorName(n));
    if (n != size) return Status::Corruption("zstd data decodes to " + std::to_string(n) + " bytes, page header says " + std::to_string(size));
    return Status::OK();
  }

 private:
  ZSTD_DCtx* ctx_;
};

class GzipCompressor final : public Compressor {
 public:
  explicit GzipCompressor(int level) : level_(level == 0 ? 6 : level) {}
  Status Compress(std::string_view in, ByteBuffer* out) override {
    z_stream zs{};
    if (deflateInit2(&zs, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return Status::Internal("deflateInit2 failed");
    out->Resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out->data());
    zs.avail_out = static_cast<uInt>(out->size());
    int rc = deflate(&zs, Z_FINISH);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return Status::Internal("gzip compression failed");
    out->Resize(n);
    return Status::OK();
  }

 private:
  int level_;
};

class GzipDecompressor final : public Decompressor {
 public:
  Status Decompress(std::string_view in, size_t size, std::string* out) override {
    // One spare byte detects data that decodes to more than `size`.
    out->resize(size + 1);
    z_stream zs{};
    // 15 + 32: accept gzip or zlib headers.
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out->data());
    zs.avail_out = static_cast<uInt>(size + 1);
    Status st;
    for (;;) {
      int rc = inflate(&zs, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members: continue with the next one.
        if (zs.avail_in > 0 && zs.avail_out > 0) {
          uLong total = zs.total_out;
          inflateReset(&zs);
          zs.total_out = total;
          continue;
        }
        break;
      }
      if (rc == Z_OK && zs.avail_out > 0) continue;
      if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
        st = Status::Corruption("gzip data truncated");
      } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
        st = Status::Corruption("gzip data decodes to more bytes than the page header says");
      } else {
        st = Status::Corruption("invalid gzip data");
      }
      break;
    }
    size_t n = static_cast<size_t>(reinterpret_cast<char*>(zs.next_out) - out->data());
    inflateEnd(&zs);
    AF_RETURN_IF_ERROR(st);
    if (n != size) return Status::Corruption("gzip data decodes to " + std::to_string(n) + " bytes, page header says " + std::to_string(size));
    out->resize(size);
    return Status::OK();
  }
};

}  // namespace

Status Compressor::Compress(std::string_view input, std::string* out) {
  ByteBuffer buffer;
  AF_RETURN_IF_ERROR(Compress(input, &buffer));
  out->assign(buffer.view());
  return Status::OK();
}

std::unique_ptr<Compressor> MakeCompressor(Compression codec, int level) {
  switch (codec) {
    case Compression::kSnappy: return std::make_unique<SnappyCompressor>();
    case Compression::kZstd: return std::make_unique<ZstdCompressor>(level);
    case Compression::kGzip: return std::make_unique<GzipCompressor>(level);
    case Compression::kUncompressed: return nullptr;
  }
  return nullptr;
}

std::unique_ptr<Decompressor> MakeDecompressor(Compression codec) {
  switch (codec) {
    case Compression::kSnappy: return std::make_unique<SnappyDecompressor>();
    case Compression::kZstd: return std::make_unique<ZstdDecompressor>();
    case Compression::kGzip: return std::make_unique<GzipDecompressor>();
    case Compression::kUncompressed: return nullptr;
  }
  return nullptr;
}

}  // namespace arxivflow::parquet
