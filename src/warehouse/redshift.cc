#include "warehouse/redshift.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "remote/object_store.h"
#include "remote/s3_uri.h"
#include "warehouse/batch_source.h"
#include "warehouse/pg_connection.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/value_format.h"

namespace arxivflow::warehouse {

namespace {

std::string RunText(const LoadIdentity& load) {
  return load.run_id.empty() ? "load " + load.load_id : "run " + load.run_id;
}

class RedshiftWarehouse : public Warehouse {
 public:
  RedshiftWarehouse(ConnectionSpec spec, std::unique_ptr<SqlExecutor> executor, ObjectPut put)
      : spec_(std::move(spec)), exec_(std::move(executor)), put_(std::move(put)) {
    if (!put_) put_ = PutToS3;
  }

  TargetKind kind() const override { return TargetKind::kRedshift; }
  const ConnectionSpec& spec() const override { return spec_; }
  std::string Describe() const override { return spec_.Describe(); }

  Status CreateTables(const CreateOptions& options) override {
    return RunAll(RedshiftCreateSql(options.varchar_widths, options.drop));
  }

  Result<bool> TableExists(const std::string& table) override {
    AF_RETURN_IF_ERROR(ValidateIdentifier(table, "table"));
    AF_ASSIGN_OR_RETURN(ScalarValue v,
                        exec_->QueryScalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                                           "current_schema() AND table_name = " + QuoteLiteral(table)));
    return v.type == ScalarValue::Type::kInteger && v.integer > 0;
  }

  Result<int64_t> StageTable(const schema::TableDef& table, const TableLoadInput& input) override {
    const bool from_s3_area = remote::IsS3Uri(input.area);
    if (from_s3_area && spec_.iam_role.empty()) {
      return Status::InvalidArgument(Describe() + ": a Redshift load needs iam_role=arn:... in the connection string");
    }
    if (!from_s3_area && (spec_.s3_prefix.empty() || spec_.iam_role.empty())) {
      return Status::InvalidArgument(Describe() +
                                     ": a Redshift load needs s3_prefix=s3://bucket/prefix and iam_role=arn:... "
                                     "in the connection string");
    }
    AF_ASSIGN_OR_RETURN(bool exists, TableExists(table.name));
    if (!exists) {
      return Status::NotFound(Describe() + ": table " + table.name +
                              " does not exist; run `arxivflow warehouse create` first");
    }
    const LoadIdentity load = input.load.load_id.empty() ? LoadIdentityForRun("") : input.load;
    const std::string stage = StageTableName(table.name, load.load_id);
    ProgressMeter meter(input.progress, table.name, input.expected_rows);
    AF_RETURN_IF_ERROR(exec_->Exec(LedgerCreateSql()));
    std::vector<std::string> before;
    if (from_s3_area) {
      for (const auto& f : input.files) {
        if (!remote::IsS3Uri(f)) return Status::InvalidArgument(f + ": not an s3:// part of " + input.area);
      }
      std::string area = input.area;
      while (!area.empty() && area.back() == '/') area.pop_back();
      const std::string manifest_uri = area + "/" + RedshiftManifestName(table);
      AF_RETURN_IF_ERROR(put_(manifest_uri, RedshiftManifestJson(input.files, input.file_bytes)));
      before = RedshiftManifestLoadSqlBeforeCount(table, stage, manifest_uri, spec_.iam_role);
    } else {
      before = RedshiftLoadSqlBeforeCount(table, stage, spec_.s3_prefix, spec_.iam_role);
    }
    meter.Phase(LoadPhase::kLoading);
    Status st = RunAll(before);
    if (!st.ok()) return Rollback(st);
    auto count = exec_->QueryScalar(RedshiftStagingCountSql(stage));
    if (!count.ok()) return Rollback(count.status());
    const int64_t rows = count->integer;
    if (input.expected_rows && *input.expected_rows != rows) {
      return Rollback(Status::Aborted(Describe() + ": table " + table.name + ": COPY loaded " +
                                      std::to_string(rows) + " rows but the manifest says " +
                                      std::to_string(*input.expected_rows) + "; nothing was changed"));
    }
    std::vector<std::string> after = LedgerStageSql(load, table.name, stage, rows, input.area_id);
    after.push_back("COMMIT");
    st = RunAll(after);
    if (!st.ok()) return Rollback(st);
    meter.Done(rows);
    return rows;
  }

  Result<PublishResult> Publish(const PublishRequest& request) override {
    PublishResult result;
    ProgressMeter meter(request.progress, "publish", std::nullopt);
    AF_RETURN_IF_ERROR(exec_->Exec(LedgerCreateSql()));
    std::string missing;
    std::set<std::string> areas;
    for (const auto& name : request.tables) {
      AF_ASSIGN_OR_RETURN(ScalarValue rows, exec_->QueryScalar(LedgerStagedRowsSql(request.load.load_id, name)));
      if (rows.is_null()) {
        missing += (missing.empty() ? "" : ", ") + name;
        continue;
      }
      result.tables.push_back({name, rows.integer});
      AF_ASSIGN_OR_RETURN(ScalarValue area, exec_->QueryScalar(LedgerStagedAreaSql(request.load.load_id, name)));
      if (!area.ToString().empty() && !area.is_null()) areas.insert(area.ToString());
    }
    if (result.tables.empty()) {
      AF_ASSIGN_OR_RETURN(ScalarValue published, exec_->QueryScalar(LedgerPublishedCountSql(request.load.load_id)));
      if (published.integer > 0) {
        result.already_published = true;
        return result;
      }
    }
    if (!missing.empty()) {
      return Status::NotFound(Describe() + ": cannot publish " + RunText(request.load) + ": not staged: " + missing +
                              " (load them with the same run id first); nothing was changed");
    }
    if (areas.size() > 1) {
      return Status::Aborted(Describe() + ": cannot publish " + RunText(request.load) +
                             ": its tables were staged from different Parquet areas; nothing was changed");
    }
    meter.Phase(LoadPhase::kPublishing);
    std::vector<std::string> statements = {"BEGIN"};
    for (const auto& name : request.tables) {
      for (auto& sql : PublishTableSql(Dialect::kRedshift, *schema::FindTable(name),
                                       StageTableName(name, request.load.load_id))) {
        statements.push_back(std::move(sql));
      }
    }
    for (auto& sql : LedgerPublishSql(request.load.load_id, request.tables, FormatUtcNow())) {
      statements.push_back(std::move(sql));
    }
    statements.push_back("COMMIT");
    Status st = RunAll(statements);
    if (!st.ok()) return Rollback(st.WithContext("publishing " + RunText(request.load) + " (nothing was changed)"));
    return result;
  }

  Result<ScalarValue> QueryScalar(const std::string& sql) override { return exec_->QueryScalar(sql); }

  Status Close() override {
    exec_.reset();
    return Status::OK();
  }

 private:
  Status RunAll(const std::vector<std::string>& statements) {
    for (const auto& sql : statements) AF_RETURN_IF_ERROR(exec_->Exec(sql));
    return Status::OK();
  }
  Status Rollback(Status st) {
    (void)exec_->Exec("ROLLBACK");
    return st;
  }

  static Status PutToS3(const std::string& uri, const std::string& text) {
    AF_ASSIGN_OR_RETURN(remote::S3Uri parsed, remote::ParseS3Uri(uri));
    const size_t slash = parsed.key.rfind('/');
    const std::string folder = "s3://" + parsed.bucket + (slash == std::string::npos ? "" : "/" + parsed.key.substr(0, slash));
    AF_ASSIGN_OR_RETURN(auto store, remote::OpenObjectStore(folder));
    AF_ASSIGN_OR_RETURN(auto writer, store->OpenWriter(parsed.key.substr(slash == std::string::npos ? 0 : slash + 1)));
    Status st = writer->Append(text);
    if (!st.ok()) {
      writer->Abort();
      return st;
    }
    return writer->Commit();
  }

  ConnectionSpec spec_;
  std::unique_ptr<SqlExecutor> exec_;
  ObjectPut put_;
};

}  // namespace

std::vector<std::string> RedshiftCreateSql(const VarcharWidths& widths, bool drop) {
  std::vector<std::string> out = {"BEGIN"};
  if (drop) {
    for (const auto& t : schema::StarSchema()) out.push_back(DropTableSql(Dialect::kRedshift, t.name));
  }
  for (const auto& t : schema::StarSchema()) {
    for (auto& sql : CreateTableSql(Dialect::kRedshift, t, widths)) out.push_back(std::move(sql));
  }
  out.push_back(LedgerCreateSql());
  out.push_back("COMMIT");
  return out;
}

namespace {

// BEGIN; a fresh staging table shaped like `table`; COPY into it from
// `source` (an S3 prefix or a manifest, per `copy_options`).
std::vector<std::string> StagedCopySql(const schema::TableDef& table, const std::string& stage,
                                       const std::string& source, const std::string& iam_role,
                                       const char* copy_options) {
  return {
      "BEGIN",
      DropTableSql(Dialect::kRedshift, stage),
      StageTableSql(Dialect::kRedshift, table, stage),
      "COPY " + QuoteIdentifier(stage) + " FROM " + QuoteLiteral(source) + " IAM_ROLE " + QuoteLiteral(iam_role) +
          " " + copy_options,
  };
}

}  // namespace

std::vector<std::string> RedshiftLoadSqlBeforeCount(const schema::TableDef& table, const std::string& stage,
                                                    const std::string& s3_prefix, const std::string& iam_role) {
  return StagedCopySql(table, stage, s3_prefix + "/" + table.name + "/", iam_role, "FORMAT AS PARQUET");
}

std::vector<std::string> RedshiftManifestLoadSqlBeforeCount(const schema::TableDef& table, const std::string& stage,
                                                            const std::string& manifest_uri,
                                                            const std::string& iam_role) {
  return StagedCopySql(table, stage, manifest_uri, iam_role, "FORMAT AS PARQUET MANIFEST");
}

std::string RedshiftManifestJson(const std::vector<std::string>& urls, const std::vector<uint64_t>& bytes) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (size_t i = 0; i < urls.size(); ++i) {
    nlohmann::ordered_json e;
    e["url"] = urls[i];
    e["mandatory"] = true;
    e["meta"] = {{"content_length", i < bytes.size() ? bytes[i] : 0}};
    entries.push_back(std::move(e));
  }
  nlohmann::ordered_json m;
  m["entries"] = std::move(entries);
  return m.dump(2) + "\n";
}

std::string RedshiftManifestName(const schema::TableDef& table) {
  return "_redshift_manifest_" + table.name + ".json";
}

std::string RedshiftStagingCountSql(const std::string& stage) {
  return "SELECT COUNT(*) FROM " + QuoteIdentifier(stage);
}

int RoundVarcharWidth(int64_t max_bytes) {
  int64_t w = std::max<int64_t>(max_bytes, 1);
  w = (w + 255) / 256 * 256;
  return static_cast<int>(std::min<int64_t>(w, kRedshiftMaxVarchar));
}

Result<std::vector<ColumnWidth>> ComputeVarcharWidths(const ParquetArea& area, const std::vector<std::string>& tables) {
  std::vector<ColumnWidth> out;
  for (const auto& def : schema::StarSchema()) {
    if (!tables.empty() && std::find(tables.begin(), tables.end(), def.name) == tables.end()) continue;
    std::vector<size_t> string_columns;
    for (size_t c = 0; c < def.schema.columns.size(); ++c) {
      if (def.schema.columns[c].physical == parquet::PhysicalType::kByteArray) string_columns.push_back(c);
    }
    std::vector<ColumnWidth> widths(string_columns.size());
    for (size_t i = 0; i < string_columns.size(); ++i) {
      widths[i].table = def.name;
      widths[i].column = def.schema.columns[string_columns[i]].name;
    }
    auto it = area.tables.find(def.name);
    if (it != area.tables.end()) {
      auto source = MakeParquetBatchSource(def, it->second.files);
      Batch batch;
      while (true) {
        AF_ASSIGN_OR_RETURN(bool more, source->Next(&batch));
        if (!more) break;
        for (size_t i = 0; i < string_columns.size(); ++i) {
          const auto& v = batch.columns[string_columns[i]];
          for (int64_t r = 0; r < batch.rows; ++r) {
            if (!v.valid.empty() && !v.valid[static_cast<size_t>(r)]) continue;
            const int64_t n = static_cast<int64_t>(v.strings[static_cast<size_t>(r)].size());
            widths[i].max_bytes = std::max(widths[i].max_bytes, n);
            if (n > kRedshiftMaxVarchar) ++widths[i].over_cap;
          }
        }
      }
    }
    for (auto& w : widths) {
      w.width = RoundVarcharWidth(w.max_bytes);
      out.push_back(std::move(w));
    }
  }
  return out;
}

VarcharWidths ToVarcharWidths(const std::vector<ColumnWidth>& widths) {
  VarcharWidths out;
  for (const auto& w : widths) out[w.table][w.column] = w.width;
  return out;
}

std::unique_ptr<Warehouse> MakeRedshiftWarehouse(ConnectionSpec spec, std::unique_ptr<SqlExecutor> executor,
                                                 ObjectPut put) {
  return std::make_unique<RedshiftWarehouse>(std::move(spec), std::move(executor), std::move(put));
}

Result<std::unique_ptr<Warehouse>> OpenRedshiftWarehouse(const ConnectionSpec& spec) {
  AF_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(spec));
  return MakeRedshiftWarehouse(spec, std::move(conn));
}

}  // namespace arxivflow::warehouse
