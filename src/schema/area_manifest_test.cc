#include "schema/area_manifest.h"

#include <gtest/gtest.h>

namespace arxivflow::schema {
namespace {

// What the transform writes (abridged to two tables).
const char* kTransformManifest = R"({
  "program": "arxivflow transform",
  "version": "0.1.0",
  "created_at": "2026-11-29T12:00:00Z",
  "run_id": "20261129T120000Z-0a1b2c3d",
  "options": {"input": "s.jsonl", "nips": null, "threads": 2},
  "inputs": [
    {"kind": "snapshot", "path": "s.jsonl", "size_bytes": 10, "bytes_read": 10, "crc32": "1a2b3c4d", "sha256": null,
     "compression": "none", "layout": "jsonl", "records_read": 3, "records_accepted": 2, "records_rejected": 1}
  ],
  "records": {"read": 3, "accepted": 2, "rejected": 1, "duplicates": 0},
  "unparsed_values": 4,
  "truncations": {"count": 0},
  "rejects_file": "_rejects.jsonl",
  "tables": {
    "papers": {"rows": 2, "bytes": 100, "parts": [{"path": "papers/part-00000.parquet", "rows": 2, "bytes": 100}]},
    "authors": {"rows": 5, "bytes": 50, "parts": [{"path": "authors/part-00000.parquet", "rows": 5, "bytes": 50}]}
  },
  "timings_ms": {"process": 1, "finalize": 2, "total_before_publish": 3}
}
)";

TEST(AreaManifest, RoundTripsWhatTheTransformWrites) {
  auto m = ParseAreaManifest(kTransformManifest, "m.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->run_id, "20261129T120000Z-0a1b2c3d");
  EXPECT_EQ(m->records->accepted, 2u);
  EXPECT_EQ(m->tables.at("papers").rows, 2);
  ASSERT_TRUE(m->tables.at("papers").listed());
  EXPECT_EQ(m->tables.at("papers").listed()->at(0).path, "papers/part-00000.parquet");
  EXPECT_EQ(m->inputs->at(0).sha256, "");
  EXPECT_EQ(m->inputs->at(0).crc32, "1a2b3c4d");
  // Written back: the same document, tables in star-schema order.
  auto again = ParseAreaManifest(m->ToJson(), "again.json");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), m->ToJson());
  EXPECT_EQ(nlohmann::json::parse(m->ToJson()), nlohmann::json::parse(kTransformManifest));
  EXPECT_EQ(m->ToJson().back(), '\n');
}

TEST(AreaManifest, NumbersByDottedPathForCheckConditions) {
  auto m = ParseAreaManifest(kTransformManifest, "m.json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Number({"papers", "rows"}), 2);
  EXPECT_EQ(m->Number({"records", "accepted"}), 2);
  EXPECT_EQ(m->Number({"truncations", "count"}), 0);
  EXPECT_EQ(m->Number({"titles", "rows"}), std::nullopt);  // not listed
  EXPECT_EQ(m->Number({"run_id"}), std::nullopt);          // not a number
  EXPECT_EQ(m->Number({}), std::nullopt);
}

TEST(AreaManifest, HandWrittenManifestsNeedOnlyWhatTheyUse) {
  auto m = ParseAreaManifest(R"({"tables": {"papers": {"rows": 3, "files": ["papers/a.parquet",
                                 {"path": "papers/b.parquet", "bytes": 7}]}, "titles": {}}, "extra": [1]})",
                             "hand.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->records.has_value());
  const auto& listed = *m->tables.at("papers").listed();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].bytes, 7u);
  EXPECT_FALSE(m->tables.at("titles").listed().has_value());
  EXPECT_FALSE(m->tables.at("titles").rows.has_value());
}

TEST(AreaManifest, WrongTypesAreCorruptionNamingTheField) {
  struct Case {
    const char* text;
    const char* names;
  };
  const Case cases[] = {
      {"[]", "not a JSON object"},
      {"{not json", "not a JSON object"},
      {R"({"tables": {"papers": {"rows": -1}}})", "tables.papers.rows must be a non-negative integer"},
      {R"({"tables": {"papers": {"rows": "12"}}})", "tables.papers.rows"},
      {R"({"tables": {"papers": {"files": "x"}}})", "tables.papers.files must be a list"},
      {R"({"tables": {"papers": {"parts": [{"rows": 1}]}}})", "tables.papers.parts holds an entry without a path"},
      {R"({"tables": {"papers": 3}})", "tables.papers must be an object"},
      {R"({"records": {"read": 1.5}})", "records.read"},
      {R"({"inputs": [{"path": 7}]})", "inputs[0].path must be a string"},
      {R"({"run_id": 1})", "run_id must be a string"},
  };
  for (const auto& c : cases) {
    auto m = ParseAreaManifest(c.text, "bad.json");
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.status().code(), Status::Code::kCorruption);
    EXPECT_NE(m.status().message().find(c.names), std::string::npos) << m.status().message();
    EXPECT_EQ(m.status().message().rfind("bad.json: ", 0), 0u) << m.status().message();
  }
}

TEST(AreaManifest, DeepNestingIsRefusedWithoutRecursingIntoIt) {
  std::string deep = R"({"options": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto m = ParseAreaManifest(deep, "deep.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("nested deeper"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace arxivflow::schema
