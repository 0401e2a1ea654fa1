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

// The part list of a manifest table entry: `files` (strings or {path}) or,
// as the transform writes it, `parts` ({path, rows, bytes}). nullopt when
// the entry has neither.
Result<std::optional<std::vector<std::pair<std::string, uint64_t>>>> ListedFiles(const nlohmann::json& entry,
                                                                                 const std::string& origin,
                                                                                 const std::string& table,
                                                                                 bool accept_parts) {
  const char* key = "files";
  auto f = entry.find("files");
  if ((f == entry.end() || !f->is_array()) && accept_parts) {
    key = "parts";
    f = entry.find("parts");
  }
  if (f == entry.end() || !f->is_array()) return std::optional<std::vector<std::pair<std::string, uint64_t>>>();
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& file : *f) {
    std::string rel;
    uint64_t bytes = 0;
    if (file.is_string()) {
      rel = file.get<std::string>();
    } else if (file.is_object() && file.contains("path") && file["path"].is_string()) {
      rel = file["path"].get<std::string>();
      if (auto b = file.find("bytes"); b != file.end() && b->is_number_unsigned()) bytes = b->get<uint64_t>();
    } else {
      return Status::Corruption(origin + ": tables." + table + "." + key + " holds an entry without a path");
    }
    if (!SafeRelative(rel)) {
      return Status::Corruption(origin + ": tables." + table + "." + key + ": path '" + rel +
                                "' must be relative to the area, without '..'");
    }
    out.emplace_back(rel, bytes);
  }
  return std::optional<std::vector<std::pair<std::string, uint64_t>>>(std::move(out));
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
  area.manifest = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (area.manifest.is_discarded() || !area.manifest.is_object()) {
    return Status::Corruption(manifest_uri + ": not a JSON object");
  }
  AF_ASSIGN_OR_RETURN(std::vector<remote::ObjectEntry> objects, store->List(""));
  std::map<std::string, uint64_t> present;
  for (const auto& o : objects) present.emplace(o.path, o.size);
  const nlohmann::json* tables = nullptr;
  if (auto t = area.manifest.find("tables"); t != area.manifest.end() && t->is_object()) tables = &*t;
  for (const auto& def : schema::StarSchema()) {
    AreaTable table;
    table.name = def.name;
    const nlohmann::json* entry = nullptr;
    if (tables) {
      if (auto e = tables->find(def.name); e != tables->end() && e->is_object()) entry = &*e;
    }
    std::optional<std::vector<std::pair<std::string, uint64_t>>> listed;
    if (entry) {
      if (auto r = entry->find("rows"); r != entry->end() && (r->is_number_integer() || r->is_number_unsigned())) {
        table.rows = r->get<int64_t>();
      }
      AF_ASSIGN_OR_RETURN(listed, ListedFiles(*entry, manifest_uri, def.name, /*accept_parts=*/true));
    }
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
  if (path.empty()) return std::nullopt;
  const nlohmann::json* node = &manifest;
  size_t start = 0;
  if (schema::FindTable(path[0]) != nullptr) {
    auto t = manifest.find("tables");
    if (t == manifest.end() || !t->is_object()) return std::nullopt;
    node = &*t;
  }
  for (size_t i = start; i < path.size(); ++i) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(path[i]);
    if (it == node->end()) return std::nullopt;
    node = &*it;
  }
  if (node->is_number_integer() || node->is_number_unsigned()) return node->get<int64_t>();
  return std::nullopt;
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
  std::stringstream text;
  text << in.rdbuf();
  area.manifest = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (area.manifest.is_discarded() || !area.manifest.is_object()) {
    return Status::Corruption(manifest_path.string() + ": not a JSON object");
  }
  const nlohmann::json* tables = nullptr;
  if (auto t = area.manifest.find("tables"); t != area.manifest.end() && t->is_object()) tables = &*t;
  for (const auto& def : schema::StarSchema()) {
    AreaTable table;
    table.name = def.name;
    const nlohmann::json* entry = nullptr;
    if (tables) {
      if (auto e = tables->find(def.name); e != tables->end() && e->is_object()) entry = &*e;
    }
    if (entry) {
      if (auto r = entry->find("rows"); r != entry->end() && (r->is_number_integer() || r->is_number_unsigned())) {
        table.rows = r->get<int64_t>();
      }
      if (auto f = entry->find("files"); f != entry->end() && f->is_array()) {
        for (const auto& file : *f) {
          std::string rel;
          if (file.is_string()) {
            rel = file.get<std::string>();
          } else if (file.is_object() && file.contains("path") && file["path"].is_string()) {
            rel = file["path"].get<std::string>();
          } else {
            return Status::Corruption(manifest_path.string() + ": tables." + def.name +
                                      ".files holds an entry without a path");
          }
          if (!SafeRelative(rel)) {
            return Status::Corruption(manifest_path.string() + ": tables." + def.name + ".files: path '" + rel +
                                      "' must be relative to the area, without '..'");
          }
          table.files.push_back((root / rel).string());
        }
        std::sort(table.files.begin(), table.files.end());
      } else {
        AF_ASSIGN_OR_RETURN(table.files, ListParquet(root / def.name));
      }
    } else {
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
