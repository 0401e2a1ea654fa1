#include "warehouse/parquet_area.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "remote/object_store.h"
#include "remote/s3_uri.h"
#include "schema/star_schema.h"

namespace arxivflow::warehouse {

namespace fs = std::filesystem;

namespace {

Result<std::vector<std::string>> ListParquet(const fs::path& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".parquet") files.push_back(entry.path().string());
  }
  if (ec) return Status::IOError(folder.string() + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

bool SafeRelative(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find('\0') != std::string::npos) return false;
  for (const auto& part : fs::path(p)) {
    if (part == "..") return false;
  }
  return true;
}

// The files a manifest lists for a table (`files`, else the transform's
// `parts`), checked to stay inside the area; nullopt when it lists none.
Result<std::optional<std::vector<std::pair<std::string, uint64_t>>>> ListedFiles(const schema::AreaManifest& manifest,
                                                                                 const std::string& origin,
                                                                                 const std::string& table) {
  using Listed = std::optional<std::vector<std::pair<std::string, uint64_t>>>;
  auto entry = manifest.tables.find(table);
  if (entry == manifest.tables.end() || !entry->second.listed()) return Listed();
  const char* key = entry->second.files ? "files" : "parts";
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const schema::ManifestFile& f : *entry->second.listed()) {
    if (!SafeRelative(f.path)) {
      return Status::Corruption(origin + ": tables." + table + "." + key + ": path '" + f.path +
                                "' must be relative to the area, without '..'");
    }
    out.emplace_back(f.path, f.bytes.value_or(0));
  }
  return Listed(std::move(out));
}

std::optional<int64_t> ManifestRows(const schema::AreaManifest& manifest, const std::string& table) {
  auto entry = manifest.tables.find(table);
  return entry == manifest.tables.end() ? std::nullopt : entry->second.rows;
}

// An area under s3://bucket/prefix: the manifest is read first and only the
// parts it lists are used (objects of unfinished or older runs are ignored).
Result<ParquetArea> OpenS3ParquetArea(const std::string& dir) {
  ParquetArea area;
  area.dir = dir;
  while (area.dir.size() > 5 && area.dir.back() == '/') area.dir.pop_back();
  AF_ASSIGN_OR_RETURN(std::unique_ptr<remote::ObjectStore> store, remote::OpenObjectStore(area.dir));
  const std::string manifest_uri = store->Uri("_manifest.json");
  std::string text;
  Status st = store->Read("_manifest.json", [&](std::string_view chunk) {
    if (text.size() + chunk.size() > (256u << 20)) return Status::Corruption(manifest_uri + ": larger than 256 MiB");
    text.append(chunk);
    return Status::OK();
  });
  if (st.code() == Status::Code::kNotFound && st.message().find("NoSuchBucket") == std::string::npos) {
    return Status::NotFound(manifest_uri +
                            ": missing; a Parquet area needs the manifest written by `arxivflow transform`");
  }
  AF_RETURN_IF_ERROR(st);
  AF_ASSIGN_OR_RETURN(area.manifest, schema::ParseAreaManifest(text, manifest_uri));
  AF_ASSIGN_OR_RETURN(std::vector<remote::ObjectEntry> objects, store->List(""));
  std::map<std::string, uint64_t> present;
  for (const auto& o : objects) present.emplace(o.path, o.size);
  for (const auto& def : schema::StarSchema()) {
    AreaTable table;
    table.name = def.name;
    table.rows = ManifestRows(area.manifest, def.name);
    AF_ASSIGN_OR_RETURN(auto listed, ListedFiles(area.manifest, manifest_uri, def.name));
    if (!listed) {  // a hand-written manifest without part lists: the table folder
      listed.emplace();
      const std::string folder = def.name + "/";
      for (const auto& [path, size] : present) {
        if (path.rfind(folder, 0) == 0 && path.size() > 8 && path.compare(path.size() - 8, 8, ".parquet") == 0) {
          listed->emplace_back(path, size);
        }
      }
    }
    std::sort(listed->begin(), listed->end());
    for (const auto& [rel, bytes] : *listed) {
      auto it = present.find(rel);
      if (it == present.end()) return Status::NotFound(store->Uri(rel) + ": listed in the manifest but missing");
      table.files.push_back(store->Uri(rel));
      table.file_bytes.push_back(it->second);
    }
    area.tables.emplace(def.name, std::move(table));
  }
  return area;
}

}  // namespace

std::optional<int64_t> ParquetArea::ManifestNumber(const std::vector<std::string>& path) const {
  return manifest.Number(path);
}

Result<ParquetArea> OpenParquetArea(const std::string& dir) {
  if (remote::IsS3Uri(dir)) return OpenS3ParquetArea(dir);
  ParquetArea area;
  area.dir = dir;
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound(dir + ": not a folder");
  const fs::path manifest_path = root / "_manifest.json";
  std::ifstream in(manifest_path);
  if (!in) {
    return Status::NotFound(manifest_path.string() +
                            ": missing; a Parquet area needs the manifest written by `arxivflow transform`");
  }
  if (fs::file_size(manifest_path, ec) > (256u << 20)) {
    return Status::Corruption(manifest_path.string() + ": larger than 256 MiB");
  }
  std::stringstream text;
  text << in.rdbuf();
  AF_ASSIGN_OR_RETURN(area.manifest, schema::ParseAreaManifest(text.str(), manifest_path.string()));
  for (const auto& def : schema::StarSchema()) {
    AreaTable table;
    table.name = def.name;
    table.rows = ManifestRows(area.manifest, def.name);
    AF_ASSIGN_OR_RETURN(auto listed, ListedFiles(area.manifest, manifest_path.string(), def.name));
    if (listed) {
      for (const auto& [rel, bytes] : *listed) table.files.push_back((root / rel).string());
      std::sort(table.files.begin(), table.files.end());
    } else {  // a hand-written manifest without file lists: the table folder
      AF_ASSIGN_OR_RETURN(table.files, ListParquet(root / def.name));
    }
    for (const auto& f : table.files) {
      if (!fs::is_regular_file(f, ec)) return Status::NotFound(f + ": listed in the manifest but missing");
      table.file_bytes.push_back(fs::file_size(f, ec));
    }
    area.tables.emplace(def.name, std::move(table));
  }
  return area;
}

}  // namespace arxivflow::warehouse
