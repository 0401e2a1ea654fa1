#include "schema/area_manifest.h"

#include <cstdint>

#include "schema/star_schema.h"

namespace arxivflow::schema {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr size_t kMaxManifestBytes = 256u << 20;
constexpr int kMaxDepth = 32;

// Reads the fields of one JSON object, naming the path in errors.
class Fields {
 public:
  Fields(const json& object, std::string where, const std::string& origin)
      : object_(object), where_(std::move(where)), origin_(origin) {}

  Status Text(const char* key, std::string* out) const {
    const json* v = Find(key);
    if (!v || v->is_null()) return Status::OK();
    if (!v->is_string()) return Bad(key, "a string");
    *out = v->get<std::string>();
    return Status::OK();
  }
  Status Count(const char* key, uint64_t* out) const {
    AF_ASSIGN_OR_RETURN(auto v, Unsigned(key));
    if (v) *out = *v;
    return Status::OK();
  }
  Status Count(const char* key, std::optional<uint64_t>* out) const {
    AF_ASSIGN_OR_RETURN(*out, Unsigned(key));
    return Status::OK();
  }
  Status Count(const char* key, std::optional<int64_t>* out) const {
    AF_ASSIGN_OR_RETURN(auto v, Unsigned(key));
    if (v && *v > static_cast<uint64_t>(INT64_MAX)) return Bad(key, "a non-negative integer");
    if (v) *out = static_cast<int64_t>(*v);
    return Status::OK();
  }
  // The member `key` as an object (nullptr when absent), or an error.
  Result<const json*> Object(const char* key) const {
    const json* v = Find(key);
    if (!v || v->is_null()) return static_cast<const json*>(nullptr);
    if (!v->is_object()) return Bad(key, "an object");
    return v;
  }
  Result<const json*> Array(const char* key) const {
    const json* v = Find(key);
    if (!v || v->is_null()) return static_cast<const json*>(nullptr);
    if (!v->is_array()) return Bad(key, "a list");
    return v;
  }
  std::string Path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

 private:
  Result<std::optional<uint64_t>> Unsigned(const char* key) const {
    const json* v = Find(key);
    if (!v || v->is_null()) return std::optional<uint64_t>();
    if (v->is_number_unsigned()) return std::optional<uint64_t>(v->get<uint64_t>());
    if (v->is_number_integer() && v->get<int64_t>() >= 0) {
      return std::optional<uint64_t>(static_cast<uint64_t>(v->get<int64_t>()));
    }
    return Bad(key, "a non-negative integer");
  }
  const json* Find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  Status Bad(const char* key, const char* what) const {
    return Status::Corruption(origin_ + ": " + Path(key) + " must be " + what);
  }

  const json& object_;
  std::string where_;
  const std::string& origin_;
};

Result<std::vector<ManifestFile>> ParseFiles(const json& list, const std::string& where, const std::string& origin) {
  std::vector<ManifestFile> out;
  for (const json& item : list) {
    ManifestFile f;
    if (item.is_string()) {
      f.path = item.get<std::string>();
    } else if (item.is_object()) {
      Fields fields(item, where, origin);
      AF_RETURN_IF_ERROR(fields.Text("path", &f.path));
      AF_RETURN_IF_ERROR(fields.Count("rows", &f.rows));
      AF_RETURN_IF_ERROR(fields.Count("bytes", &f.bytes));
    }
    if (f.path.empty()) return Status::Corruption(origin + ": " + where + " holds an entry without a path");
    out.push_back(std::move(f));
  }
  return out;
}

Result<ManifestTable> ParseTable(const json& entry, const std::string& where, const std::string& origin) {
  Fields fields(entry, where, origin);
  ManifestTable t;
  AF_RETURN_IF_ERROR(fields.Count("rows", &t.rows));
  AF_RETURN_IF_ERROR(fields.Count("bytes", &t.bytes));
  AF_ASSIGN_OR_RETURN(const json* parts, fields.Array("parts"));
  if (parts) {
    AF_ASSIGN_OR_RETURN(t.parts, ParseFiles(*parts, fields.Path("parts"), origin));
  }
  AF_ASSIGN_OR_RETURN(const json* files, fields.Array("files"));
  if (files) {
    AF_ASSIGN_OR_RETURN(t.files, ParseFiles(*files, fields.Path("files"), origin));
  }
  return t;
}

Result<ManifestInput> ParseInput(const json& entry, const std::string& where, const std::string& origin) {
  if (!entry.is_object()) return Status::Corruption(origin + ": " + where + " must be an object");
  Fields f(entry, where, origin);
  ManifestInput in;
  AF_RETURN_IF_ERROR(f.Text("kind", &in.kind));
  AF_RETURN_IF_ERROR(f.Text("path", &in.path));
  AF_RETURN_IF_ERROR(f.Count("size_bytes", &in.size_bytes));
  AF_RETURN_IF_ERROR(f.Text("etag", &in.etag));
  AF_RETURN_IF_ERROR(f.Count("bytes_read", &in.bytes_read));
  AF_RETURN_IF_ERROR(f.Text("crc32", &in.crc32));
  AF_RETURN_IF_ERROR(f.Text("sha256", &in.sha256));
  AF_RETURN_IF_ERROR(f.Text("compression", &in.compression));
  AF_RETURN_IF_ERROR(f.Text("layout", &in.layout));
  AF_RETURN_IF_ERROR(f.Count("records_read", &in.records_read));
  AF_RETURN_IF_ERROR(f.Count("records_accepted", &in.records_accepted));
  AF_RETURN_IF_ERROR(f.Count("records_rejected", &in.records_rejected));
  AF_RETURN_IF_ERROR(f.Text("line_numbers", &in.line_numbers));
  return in;
}

ordered_json FilesToJson(const std::vector<ManifestFile>& files) {
  ordered_json out = ordered_json::array();
  for (const auto& f : files) {
    ordered_json j;
    j["path"] = f.path;
    if (f.rows) j["rows"] = *f.rows;
    if (f.bytes) j["bytes"] = *f.bytes;
    out.push_back(std::move(j));
  }
  return out;
}

ordered_json TableToJson(const ManifestTable& t) {
  ordered_json j = ordered_json::object();
  if (t.rows) j["rows"] = *t.rows;
  if (t.bytes) j["bytes"] = *t.bytes;
  if (t.parts) j["parts"] = FilesToJson(*t.parts);
  if (t.files) j["files"] = FilesToJson(*t.files);
  return j;
}

}  // namespace

ordered_json AreaManifest::ToJsonValue() const {
  ordered_json m = ordered_json::object();
  if (!program.empty()) m["program"] = program;
  if (!version.empty()) m["version"] = version;
  if (!created_at.empty()) m["created_at"] = created_at;
  if (!run_id.empty()) m["run_id"] = run_id;
  if (!options.is_null()) m["options"] = options;
  if (inputs) {
    ordered_json list = ordered_json::array();
    for (const ManifestInput& in : *inputs) {
      ordered_json j;
      j["kind"] = in.kind;
      j["path"] = in.path;
      j["size_bytes"] = in.size_bytes;
      if (!in.etag.empty()) j["etag"] = in.etag;
      j["bytes_read"] = in.bytes_read;
      j["crc32"] = in.crc32.empty() ? ordered_json(nullptr) : ordered_json(in.crc32);
      j["sha256"] = in.sha256.empty() ? ordered_json(nullptr) : ordered_json(in.sha256);
      j["compression"] = in.compression;
      j["layout"] = in.layout;
      j["records_read"] = in.records_read;
      j["records_accepted"] = in.records_accepted;
      j["records_rejected"] = in.records_rejected;
      if (!in.line_numbers.empty()) j["line_numbers"] = in.line_numbers;
      list.push_back(std::move(j));
    }
    m["inputs"] = std::move(list);
  }
  if (records) {
    m["records"] = {{"read", records->read}, {"accepted", records->accepted}, {"rejected", records->rejected}};
    if (records->duplicates) m["records"]["duplicates"] = *records->duplicates;
  }
  if (unparsed_values) m["unparsed_values"] = *unparsed_values;
  if (truncations) m["truncations"] = {{"count", *truncations}};
  if (!rejects_file.empty()) m["rejects_file"] = rejects_file;
  ordered_json t = ordered_json::object();
  for (const auto& def : StarSchema()) {
    if (auto it = tables.find(def.name); it != tables.end()) t[def.name] = TableToJson(it->second);
  }
  for (const auto& [name, table] : tables) {
    if (!FindTable(name)) t[name] = TableToJson(table);
  }
  if (!tables.empty()) m["tables"] = std::move(t);
  if (!timings_ms.is_null()) m["timings_ms"] = timings_ms;
  return m;
}

std::string AreaManifest::ToJson() const { return ToJsonValue().dump(2) + "\n"; }

std::optional<int64_t> AreaManifest::Number(const std::vector<std::string>& path) const {
  if (path.empty()) return std::nullopt;
  ordered_json doc = ToJsonValue();
  const ordered_json* node = &doc;
  if (FindTable(path[0]) != nullptr) {
    auto t = doc.find("tables");
    if (t == doc.end()) return std::nullopt;
    node = &*t;
  }
  for (const auto& key : path) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end()) return std::nullopt;
    node = &*it;
  }
  if (node->is_number_integer() || node->is_number_unsigned()) return node->get<int64_t>();
  return std::nullopt;
}

Result<AreaManifest> ParseAreaManifest(std::string_view text, const std::string& origin) {
  if (text.size() > kMaxManifestBytes) return Status::Corruption(origin + ": larger than 256 MiB");
  bool too_deep = false;
  json doc = json::parse(
      text,
      [&](int depth, json::parse_event_t, json&) {
        if (depth > kMaxDepth) too_deep = true;
        return depth <= kMaxDepth;
      },
      /*allow_exceptions=*/false);
  if (too_deep) return Status::Corruption(origin + ": nested deeper than 32 levels");
  if (doc.is_discarded() || !doc.is_object()) return Status::Corruption(origin + ": not a JSON object");
  AreaManifest m;
  Fields root(doc, "", origin);
  AF_RETURN_IF_ERROR(root.Text("program", &m.program));
  AF_RETURN_IF_ERROR(root.Text("version", &m.version));
  AF_RETURN_IF_ERROR(root.Text("created_at", &m.created_at));
  AF_RETURN_IF_ERROR(root.Text("run_id", &m.run_id));
  AF_RETURN_IF_ERROR(root.Text("rejects_file", &m.rejects_file));
  AF_ASSIGN_OR_RETURN(const json* options, root.Object("options"));
  if (options) m.options = ordered_json::parse(options->dump());
  AF_ASSIGN_OR_RETURN(const json* timings, root.Object("timings_ms"));
  if (timings) m.timings_ms = ordered_json::parse(timings->dump());
  AF_ASSIGN_OR_RETURN(const json* inputs, root.Array("inputs"));
  if (inputs) {
    m.inputs.emplace();
    for (size_t i = 0; i < inputs->size(); ++i) {
      AF_ASSIGN_OR_RETURN(auto in, ParseInput((*inputs)[i], "inputs[" + std::to_string(i) + "]", origin));
      m.inputs->push_back(std::move(in));
    }
  }
  AF_ASSIGN_OR_RETURN(const json* records, root.Object("records"));
  if (records) {
    Fields r(*records, "records", origin);
    ManifestRecords rec;
    AF_RETURN_IF_ERROR(r.Count("read", &rec.read));
    AF_RETURN_IF_ERROR(r.Count("accepted", &rec.accepted));
    AF_RETURN_IF_ERROR(r.Count("rejected", &rec.rejected));
    AF_RETURN_IF_ERROR(r.Count("duplicates", &rec.duplicates));
    m.records = rec;
  }
  AF_RETURN_IF_ERROR(root.Count("unparsed_values", &m.unparsed_values));
  AF_ASSIGN_OR_RETURN(const json* truncations, root.Object("truncations"));
  if (truncations) {
    uint64_t count = 0;
    AF_RETURN_IF_ERROR(Fields(*truncations, "truncations", origin).Count("count", &count));
    m.truncations = count;
  }
  AF_ASSIGN_OR_RETURN(const json* tables, root.Object("tables"));
  if (tables) {
    for (auto it = tables->begin(); it != tables->end(); ++it) {
      if (!it.value().is_object()) return Status::Corruption(origin + ": tables." + it.key() + " must be an object");
      AF_ASSIGN_OR_RETURN(auto table, ParseTable(it.value(), "tables." + it.key(), origin));
      m.tables.emplace(it.key(), std::move(table));
    }
  }
  return m;
}

}  // namespace arxivflow::schema
