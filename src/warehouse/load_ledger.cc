#include "warehouse/load_ledger.h"

#include <unistd.h>

#include <chrono>
#include <random>

#include "remote/aws_sigv4.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/value_format.h"

namespace arxivflow::warehouse {

namespace {

std::string Quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + QuoteLiteral(v);
  return out;
}

}  // namespace

LoadIdentity LoadIdentityForRun(const std::string& run_id) {
  LoadIdentity load;
  load.run_id = run_id;
  if (!run_id.empty()) {
    load.load_id = remote::Sha256Hex("arxivflow load " + run_id).substr(0, 12);
    return load;
  }
  std::random_device rd;
  const std::string seed = std::to_string(rd()) + "/" + std::to_string(rd()) + "/" + std::to_string(getpid()) + "/" +
                           std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  load.load_id = remote::Sha256Hex(seed).substr(0, 12);
  return load;
}

bool IsValidLoadId(const std::string& load_id) {
  if (load_id.size() != 12) return false;
  for (char c : load_id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string StageTableName(const std::string& table, const std::string& load_id) {
  return table + kStageMarker + load_id;
}

std::string AreaId(const ParquetArea& area) {
  const std::string canonical =
      area.manifest.ToJsonValue().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return remote::Sha256Hex(canonical).substr(0, 16);
}

std::string LedgerCreateSql() {
  return std::string("CREATE TABLE IF NOT EXISTS ") + QuoteIdentifier(kLedgerTable) +
         " (\n"
         "  \"load_id\" VARCHAR(12) NOT NULL,\n"
         "  \"table_name\" VARCHAR(64) NOT NULL,\n"
         "  \"stage_table\" VARCHAR(128) NOT NULL,\n"
         "  \"rows\" BIGINT NOT NULL,\n"
         "  \"area_id\" VARCHAR(64) NOT NULL,\n"
         "  \"run_id\" VARCHAR(256) NOT NULL,\n"
         "  \"state\" VARCHAR(16) NOT NULL,\n"
         "  \"staged_at\" VARCHAR(32) NOT NULL,\n"
         "  \"published_at\" VARCHAR(32),\n"
         "  PRIMARY KEY (\"load_id\", \"table_name\")\n"
         ")";
}

namespace {

// Replaces the (load, table) row with one in `state`.
std::vector<std::string> LedgerStageRowSql(const LoadIdentity& load, const std::string& table,
                                           const std::string& stage_table, int64_t rows, const std::string& area_id,
                                           const char* state) {
  const std::string t = QuoteIdentifier(kLedgerTable);
  return {
      "DELETE FROM " + t + " WHERE \"load_id\" = " + QuoteLiteral(load.load_id) +
          " AND \"table_name\" = " + QuoteLiteral(table),
      "INSERT INTO " + t +
          " (\"load_id\", \"table_name\", \"stage_table\", \"rows\", \"area_id\", \"run_id\", \"state\", "
          "\"staged_at\") VALUES (" +
          QuoteLiteral(load.load_id) + ", " + QuoteLiteral(table) + ", " + QuoteLiteral(stage_table) + ", " +
          std::to_string(rows) + ", " + QuoteLiteral(area_id) + ", " + QuoteLiteral(load.run_id.substr(0, 256)) +
          ", " + QuoteLiteral(state) + ", " + QuoteLiteral(FormatUtcNow()) + ")",
  };
}

// The states whose stage table exists and is not published.
constexpr const char* kUnpublishedStates = "('staged', 'loading')";

}  // namespace

std::vector<std::string> LedgerStageSql(const LoadIdentity& load, const std::string& table,
                                        const std::string& stage_table, int64_t rows, const std::string& area_id) {
  return LedgerStageRowSql(load, table, stage_table, rows, area_id, "staged");
}

std::vector<std::string> LedgerLoadingSql(const LoadIdentity& load, const std::string& table,
                                          const std::string& stage_table, const std::string& area_id) {
  return LedgerStageRowSql(load, table, stage_table, 0, area_id, "loading");
}

std::string LedgerStagedRowsSql(const std::string& load_id, const std::string& table) {
  return std::string("SELECT \"rows\" FROM ") + QuoteIdentifier(kLedgerTable) + " WHERE \"load_id\" = " +
         QuoteLiteral(load_id) + " AND \"table_name\" = " + QuoteLiteral(table) + " AND \"state\" = 'staged'";
}

std::string LedgerStagedAreaSql(const std::string& load_id, const std::string& table) {
  return std::string("SELECT \"area_id\" FROM ") + QuoteIdentifier(kLedgerTable) + " WHERE \"load_id\" = " +
         QuoteLiteral(load_id) + " AND \"table_name\" = " + QuoteLiteral(table) + " AND \"state\" = 'staged'";
}

std::string LedgerPublishedCountSql(const std::string& load_id) {
  return std::string("SELECT COUNT(*) FROM ") + QuoteIdentifier(kLedgerTable) + " WHERE \"load_id\" = " +
         QuoteLiteral(load_id) + " AND \"state\" = 'published'";
}

std::vector<std::string> LedgerPublishSql(const std::string& load_id, const std::vector<std::string>& tables,
                                          const std::string& now) {
  const std::string t = QuoteIdentifier(kLedgerTable);
  return {
      "DELETE FROM " + t + " WHERE \"state\" = 'published' AND \"table_name\" IN (" + Quoted(tables) + ")",
      "UPDATE " + t + " SET \"state\" = 'published', \"stage_table\" = \"table_name\", \"published_at\" = " +
          QuoteLiteral(now) + " WHERE \"state\" = 'staged' AND \"load_id\" = " + QuoteLiteral(load_id) +
          " AND \"table_name\" IN (" + Quoted(tables) + ")",
  };
}

std::vector<std::string> LedgerCreatedSql(const std::string& table, const std::string& now) {
  const std::string t = QuoteIdentifier(kLedgerTable);
  return {
      "DELETE FROM " + t + " WHERE \"state\" = 'published' AND \"table_name\" = " + QuoteLiteral(table),
      "INSERT INTO " + t +
          " (\"load_id\", \"table_name\", \"stage_table\", \"rows\", \"area_id\", \"run_id\", \"state\", "
          "\"staged_at\", \"published_at\") VALUES ('000000000000', " +
          QuoteLiteral(table) + ", " + QuoteLiteral(table) + ", 0, '', '', 'published', " + QuoteLiteral(now) + ", " +
          QuoteLiteral(now) + ")",
  };
}

std::string LedgerCountsSql() {
  return std::string("SELECT \"table_name\", \"rows\" FROM ") + QuoteIdentifier(kLedgerTable) +
         " WHERE \"state\" = 'published'";
}

std::string LedgerOtherStagesSql(const std::string& load_id) {
  return std::string("SELECT \"stage_table\" FROM ") + QuoteIdentifier(kLedgerTable) +
         " WHERE \"state\" IN " + kUnpublishedStates +
         (load_id.empty() ? "" : " AND \"load_id\" <> " + QuoteLiteral(load_id));
}

std::string LedgerForgetStageSql(const std::string& stage_table) {
  return std::string("DELETE FROM ") + QuoteIdentifier(kLedgerTable) +
         " WHERE \"state\" IN " + kUnpublishedStates + " AND \"stage_table\" = " + QuoteLiteral(stage_table);
}

}  // namespace arxivflow::warehouse
