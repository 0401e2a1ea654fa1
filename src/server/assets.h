// The web UI's files (src/server/assets/*), embedded in the binary at build
// time by embed_assets.cmake, so the server loads nothing from disk or the
// internet.
//
// Contract: FindAsset("app.js") returns the embedded file or nullptr.
// The data is static and immutable: thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace arxivflow::server {

struct EmbeddedAsset {
  const char* name;          // file name relative to assets/, e.g. "app.js"
  const unsigned char* data;
  size_t size;
};

const EmbeddedAsset* FindAsset(std::string_view name);

// "text/javascript; charset=utf-8" etc., from the file extension.
const char* AssetContentType(std::string_view name);

}  // namespace arxivflow::server
