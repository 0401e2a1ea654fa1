SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'papers';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "papers__stage_ac1e126c5db8";
CREATE TABLE "papers__stage_ac1e126c5db8" (LIKE "papers");
COPY "papers__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/_redshift_manifest_papers.json' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET MANIFEST;
SELECT COUNT(*) FROM "papers__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'papers';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'papers', 'papers__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
-- s3://arxiv-bucket/area/_redshift_manifest_papers.json
{
  "entries": [
    {
      "url": "s3://arxiv-bucket/area/papers/part-00000-20261123T235501Z-1a2b3c4d.parquet",
      "mandatory": true,
      "meta": {
        "content_length": 123456
      }
    },
    {
      "url": "s3://arxiv-bucket/area/papers/part-00001-20261123T235501Z-1a2b3c4d.parquet",
      "mandatory": true,
      "meta": {
        "content_length": 7890
      }
    }
  ]
}
